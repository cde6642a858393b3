import { afterAll, describe, expect, it } from 'vitest';
import { detectSam } from '../../../../src/config/init/sam.js';
import { initFixture, project, removeProjects } from './project.js';

afterAll(removeProjects);

const template = (resources: string, head = ''): Record<string, string> => ({ 'template.yaml': `Transform: AWS::Serverless-2016-10-31\n${head}Resources:\n${resources}` });

describe('detectSam', () => {
  it('the fixture app: three Node.js functions from Globals and Events, the Python one skipped', () => {
    const detection = detectSam(initFixture('sam'))!;
    expect(detection.kind).toBe('sam');
    expect(detection.file).toBe('template.yaml');
    expect(detection.functions.map((fn) => [fn.name, fn.handler, fn.source, fn.sourceFrom])).toEqual([
      // Handler under Globals.Function.CodeUri (src/), the file found by extension: .ts, .mjs, .cjs.
      ['CreateOrderFunction', 'src/handlers/create-order.ts#handler', 'apigw-rest', 'event'],
      ['ProcessPaymentFunction', 'src/handlers/process-payment.mjs#handler', 'sqs', 'event'],
      ['ThumbnailFunction', 'src/handlers/thumbnail.cjs#handler', 's3', 'event'],
    ]);
    expect(detection.notes).toEqual(['ReportsFunction: skipped, runtime python3.12 (eventfuzz fuzzes Node.js handlers)']);
  });

  it('env: Globals then the function, literals kept, Ref of a parameter as its default, of a resource as its id, other intrinsics left out', () => {
    const payment = detectSam(initFixture('sam'))!.functions.find((fn) => fn.name === 'ProcessPaymentFunction')!;
    expect(payment.env).toEqual({ POWERTOOLS_SERVICE_NAME: 'orders', TABLE_NAME: 'OrdersTable', STAGE: 'dev', PAYMENTS_QUEUE_URL: 'PaymentsQueue' });
  });

  it('Globals.Function gives Handler, Runtime and CodeUri too; the function own values win', () => {
    const dir = project({
      ...template(
        [
          '  A:',
          '    Type: AWS::Serverless::Function',
          '    Properties: { Runtime: nodejs20.x, Events: { Q: { Type: SQS } } }',
          '  B:',
          '    Type: AWS::Serverless::Function',
          '    Properties: { Handler: b.main, Runtime: nodejs22.x, CodeUri: other/, Events: { Q: { Type: SQS } } }',
          '  C:',
          '    Type: AWS::Serverless::Function',
          '',
        ].join('\n'),
        'Globals:\n  Function: { Handler: app.handler, Runtime: python3.12, CodeUri: fn/ }\n',
      ),
      'other/b.js': 'exports.main = async () => 1;\n',
      'fn/app.ts': 'export const handler = async () => 1;\n',
    });
    const detection = detectSam(dir)!;
    expect(detection.functions.map((fn) => [fn.name, fn.handler])).toEqual([
      ['A', 'fn/app.ts#handler'],
      ['B', 'other/b.js#main'],
    ]);
    expect(detection.notes).toEqual(['C: skipped, runtime python3.12 (eventfuzz fuzzes Node.js handlers)']);
  });

  it('HttpApi and SNS events: a target per source; unknown events give a guessed source with a note', () => {
    const dir = project({
      ...template(
        [
          '  Api:',
          '    Type: AWS::Serverless::Function',
          '    Properties:',
          '      Handler: api.handler',
          '      Runtime: nodejs20.x',
          '      Events:',
          '        Http: { Type: HttpApi, Properties: { Path: /x, Method: get } }',
          '        Topic: { Type: SNS, Properties: { Topic: !Ref Topic } }',
          '  QueueConsumer:',
          '    Type: AWS::Serverless::Function',
          '    Properties:',
          '      Handler: api.handler',
          '      Runtime: nodejs20.x',
          '      Events:',
          '        Stream: { Type: DynamoDB, Properties: { Stream: !GetAtt Table.StreamArn } }',
          '',
        ].join('\n'),
      ),
      'api.mjs': 'export const handler = async () => 1;\n',
    });
    const detection = detectSam(dir)!;
    expect(detection.functions.map((fn) => [fn.name, fn.source, fn.sourceFrom])).toEqual([
      ['Api', 'apigw-http', 'event'],
      ['Api-sns', 'sns', 'event'],
      ['QueueConsumer', 'sqs', 'guess'],
    ]);
    expect(detection.notes).toEqual([
      'QueueConsumer: its events (DynamoDB) have no eventfuzz source; source "sqs" is a guess, check it in the config',
    ]);
  });

  it('AWS::Lambda::Function: a local Code path, sources from an SQS mapping or an API Gateway permission', () => {
    const dir = project({
      ...template(
        [
          '  Worker:',
          '    Type: AWS::Lambda::Function',
          '    Properties: { Handler: index.handler, Runtime: nodejs20.x, Code: ./worker, Role: !GetAtt Role.Arn }',
          '  Queue: { Type: AWS::SQS::Queue }',
          '  Mapping:',
          '    Type: AWS::Lambda::EventSourceMapping',
          '    Properties: { FunctionName: !Ref Worker, EventSourceArn: !GetAtt Queue.Arn }',
          '  Api:',
          '    Type: AWS::Lambda::Function',
          '    Properties: { Handler: index.handler, Runtime: nodejs20.x, Code: ./worker }',
          '  HttpApi: { Type: AWS::ApiGatewayV2::Api, Properties: { ProtocolType: HTTP } }',
          '  ApiPermission:',
          '    Type: AWS::Lambda::Permission',
          '    Properties:',
          '      FunctionName: !GetAtt Api.Arn',
          '      Principal: apigateway.amazonaws.com',
          "      SourceArn: !Sub 'arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${HttpApi}/*'",
          '  Inline:',
          '    Type: AWS::Lambda::Function',
          '    Properties: { Handler: index.handler, Runtime: nodejs20.x, Code: { ZipFile: "exports.handler = async () => 1" } }',
          '',
        ].join('\n'),
      ),
      'worker/index.js': 'exports.handler = async () => 1;\n',
    });
    const detection = detectSam(dir)!;
    expect(detection.functions.map((fn) => [fn.name, fn.handler, fn.source])).toEqual([
      ['Worker', 'worker/index.js#handler', 'sqs'],
      ['Api', 'worker/index.js#handler', 'apigw-http'],
    ]);
    expect(detection.notes).toEqual(['Inline: skipped, inline code (Code.ZipFile)']);
  });

  it('skips with a note: no handler file, a handler that is an intrinsic, an image, inline code; a JSON template reads the same', () => {
    const dir = project({
      'template.json': JSON.stringify({
        Resources: {
          Missing: { Type: 'AWS::Serverless::Function', Properties: { Handler: 'dist/app.handler', Runtime: 'nodejs20.x' } },
          Chosen: { Type: 'AWS::Serverless::Function', Properties: { Handler: { 'Fn::If': ['IsProd', 'a.handler', 'b.handler'] }, Runtime: 'nodejs20.x' } },
          Image: { Type: 'AWS::Serverless::Function', Properties: { PackageType: 'Image', ImageUri: 'repo:latest' } },
          Inline: { Type: 'AWS::Serverless::Function', Properties: { InlineCode: 'exports.handler = 1', Handler: 'index.handler', Runtime: 'nodejs20.x' } },
          NoHandler: { Type: 'AWS::Serverless::Function', Properties: { Runtime: 'nodejs20.x' } },
        },
      }),
    });
    const detection = detectSam(dir)!;
    expect(detection.file).toBe('template.json');
    expect(detection.functions).toEqual([]);
    expect(detection.notes).toEqual([
      'Missing: skipped, no file dist/app.{ts,mts,js,mjs,cjs,cts} for handler "dist/app.handler" (build it first, or add the target by hand)',
      'Chosen: skipped, its handler is not a plain string ({"Fn::If":["IsProd","a.handler","b.handler"]})',
      'Image: skipped, a container image function',
      'Inline: skipped, inline code',
      'NoHandler: skipped, no Handler',
    ]);
  });

  it('no template: undefined', () => {
    expect(detectSam(project({ 'README.md': '#' }))).toBeUndefined();
  });
});
