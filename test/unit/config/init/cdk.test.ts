import { afterAll, describe, expect, it } from 'vitest';
import { detectCdk } from '../../../../src/config/init/cdk.js';
import { initFixture, project, removeProjects } from './project.js';

afterAll(removeProjects);

const stack = (resources: Record<string, unknown>): string => JSON.stringify({ Resources: resources });
const fn = (path: string, asset: string | undefined, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  Type: 'AWS::Lambda::Function',
  Properties: { Handler: 'index.handler', Runtime: 'nodejs20.x', Code: { S3Bucket: 'b', S3Key: 'k.zip' }, ...extra },
  Metadata: { 'aws:cdk:path': path, ...(asset !== undefined ? { 'aws:asset:path': asset } : {}) },
});

describe('detectCdk', () => {
  it('the fixture app: functions run from their assets, named by construct id, sources from the resources that invoke them; CDK own provider skipped', () => {
    const detection = detectCdk(initFixture('cdk'))!;
    expect(detection.file).toBe('cdk.out/manifest.json');
    expect(detection.functions.map((f) => [f.name, f.handler.replace(/asset\.[0-9a-f]{64}/, 'asset.*'), f.source, f.sourceFrom])).toEqual([
      ['OrdersHandler', 'cdk.out/asset.*/index.js#handler', 'apigw-rest', 'event'],
      ['WorkerHandler', 'cdk.out/asset.*/index.js#handler', 'sqs', 'event'],
      ['AuditHandler', 'cdk.out/asset.*/index.mjs#handler', 'apigw-rest', 'guess'],
    ]);
    expect(detection.functions[0]!.env).toEqual({ QUEUE_URL: 'OrdersQueue5B2F6C1A', AWS_NODEJS_CONNECTION_REUSE_ENABLED: '1' });
    expect(detection.notes).toEqual(['AuditHandler: no event source found; source "apigw-rest" is a guess, check it in the config']);
  });

  it('nested assemblies (stages), SNS subscriptions, S3 permissions, and a function without a local asset', () => {
    const dir = project({
      'cdk.out/manifest.json': JSON.stringify({ version: '38.0.1', artifacts: { Prod: { type: 'cdk:cloud-assembly', properties: { directoryName: 'assembly-Prod' } } } }),
      'cdk.out/assembly-Prod/manifest.json': JSON.stringify({ version: '38.0.1', artifacts: { ProdApp: { type: 'aws:cloudformation:stack', properties: { templateFile: 'ProdApp.template.json' } } } }),
      'cdk.out/assembly-Prod/ProdApp.template.json': stack({
        NotifierA1: fn('Prod/App/Notifier/Resource', 'asset.n'),
        Sub: { Type: 'AWS::SNS::Subscription', Properties: { Protocol: 'lambda', Endpoint: { 'Fn::GetAtt': ['NotifierA1', 'Arn'] }, TopicArn: { Ref: 'T' } } },
        ThumbsB2: fn('Prod/App/Thumbs/Resource', 'asset.t', { Handler: 'main.resize' }),
        Perm: { Type: 'AWS::Lambda::Permission', Properties: { FunctionName: { 'Fn::GetAtt': ['ThumbsB2', 'Arn'] }, Principal: 's3.amazonaws.com' } },
        PrebuiltC3: fn('Prod/App/Prebuilt/Resource', undefined),
        LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8aFD4BFC8A: fn('Prod/App/LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a/Resource', 'asset.l'),
      }),
      'cdk.out/assembly-Prod/asset.n/index.js': 'exports.handler = async () => 1;\n',
      'cdk.out/assembly-Prod/asset.t/main.mjs': 'export const resize = async () => 1;\n',
    });
    const detection = detectCdk(dir)!;
    expect(detection.functions.map((f) => [f.name, f.handler, f.source])).toEqual([
      ['Notifier', 'cdk.out/assembly-Prod/asset.n/index.js#handler', 'sns'],
      ['Thumbs', 'cdk.out/assembly-Prod/asset.t/main.mjs#resize', 's3'],
    ]);
    expect(detection.notes).toEqual(['Prebuilt: skipped, no local asset (aws:asset:path)']);
  });

  it('no cdk.out: undefined; a broken manifest is a usage error naming it', () => {
    expect(detectCdk(project({ 'cdk.json': '{}' }))).toBeUndefined();
    expect(() => detectCdk(project({ 'cdk.out/manifest.json': '{ nope' }))).toThrow(/^cdk\.out\/manifest\.json: could not read: /);
  });
});
