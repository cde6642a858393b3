import { describe, expect, it } from 'vitest';
import { parseTemplate } from '../../../../src/config/init/cloudformation-yaml.js';

describe('parseTemplate: CloudFormation YAML with the short forms of the intrinsic functions', () => {
  it.each([
    ['!Ref Stage', { Ref: 'Stage' }],
    ['!Condition IsProd', { Condition: 'IsProd' }],
    ['!GetAtt Queue.Arn', { 'Fn::GetAtt': ['Queue', 'Arn'] }],
    ['!GetAtt [Queue, Arn]', { 'Fn::GetAtt': ['Queue', 'Arn'] }],
    ['!GetAtt Bucket.DualStack.Domain', { 'Fn::GetAtt': ['Bucket', 'DualStack.Domain'] }],
    ["!Sub 'arn:${AWS::Partition}:s3:::${Bucket}'", { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${Bucket}' }],
    ['!Sub [ "${Host}/v1", { Host: !ImportValue api-host } ]', { 'Fn::Sub': ['${Host}/v1', { Host: { 'Fn::ImportValue': 'api-host' } }] }],
    ["!Join ['', [a, !Ref B]]", { 'Fn::Join': ['', ['a', { Ref: 'B' }]] }],
    ['!If [IsProd, 1024, 256]', { 'Fn::If': ['IsProd', 1024, 256] }],
    ["!Select [0, !GetAZs '']", { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] }],
    ["!Split [',', !ImportValue subnets]", { 'Fn::Split': [',', { 'Fn::ImportValue': 'subnets' }] }],
    ['!FindInMap [StageConfig, !Ref Stage, LogLevel]', { 'Fn::FindInMap': ['StageConfig', { Ref: 'Stage' }, 'LogLevel'] }],
    ['!ImportValue { "Fn::Sub": "${Env}-vpc" }', { 'Fn::ImportValue': { 'Fn::Sub': '${Env}-vpc' } }],
    ['!Base64 { "Fn::Sub": "echo ${Stage}" }', { 'Fn::Base64': { 'Fn::Sub': 'echo ${Stage}' } }],
    ['!Base64 plain', { 'Fn::Base64': 'plain' }],
    ['!Equals [!Ref Stage, prod]', { 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] }],
    ['!Not [!Condition IsProd]', { 'Fn::Not': [{ Condition: 'IsProd' }] }],
    ['!And [!Condition A, !Condition B]', { 'Fn::And': [{ Condition: 'A' }, { Condition: 'B' }] }],
    ['!Or [!Condition A, !Condition B]', { 'Fn::Or': [{ Condition: 'A' }, { Condition: 'B' }] }],
    ['!Cidr [!Ref VpcCidr, 4, 8]', { 'Fn::Cidr': [{ Ref: 'VpcCidr' }, 4, 8] }],
  ])('%s', (yaml, expected) => {
    expect(parseTemplate(`Value: ${yaml}\n`, 't.yaml')).toEqual({ Value: expected });
  });

  it('a block-style tag over a map and a literal block parses too', () => {
    const text = ['UserData: !Base64', '  Fn::Sub: |', '    #!/bin/bash', '    echo ${Stage}', ''].join('\n');
    expect(parseTemplate(text, 't.yaml')).toEqual({ UserData: { 'Fn::Base64': { 'Fn::Sub': '#!/bin/bash\necho ${Stage}\n' } } });
  });

  it('an unknown tag, a repeated key and a JSON template never fail (a template that deploys must parse)', () => {
    expect(parseTemplate('A: !Rain::Embed file.txt\nB: 1\nB: 2\n', 't.yaml')).toEqual({ A: 'file.txt', B: 2 });
    expect(parseTemplate('{ "Resources": { "Fn": { "Type": "AWS::Lambda::Function" } } }', 'template.json')).toEqual({ Resources: { Fn: { Type: 'AWS::Lambda::Function' } } });
  });

  it('YAML that is broken is a usage error naming the file', () => {
    expect(() => parseTemplate('Resources:\n  A: [unclosed\n', 'template.yaml')).toThrow(/^template\.yaml: not valid YAML: /);
  });
});
