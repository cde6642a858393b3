import { afterAll, describe, expect, it } from 'vitest';
import { detectServerless, resolveVariables } from '../../../../src/config/init/serverless.js';
import { initFixture, project, removeProjects } from './project.js';

afterAll(removeProjects);

describe('detectServerless', () => {
  it('the fixture service: handlers through ${self:…}, events to sources, the schedule guessed, Python skipped', () => {
    const detection = detectServerless(initFixture('serverless'))!;
    expect(detection.file).toBe('serverless.yml');
    expect(detection.functions.map((fn) => [fn.name, fn.handler, fn.source, fn.sourceFrom])).toEqual([
      ['createOrder', 'src/orders.ts#create', 'apigw-http', 'event'],
      ['listOrders', 'src/orders.ts#list', 'apigw-rest', 'event'],
      ['orderCreated', 'src/notify.mjs#handler', 'sns', 'event'],
      ['nightlyExport', 'src/nightly-export.ts#handler', 'apigw-rest', 'guess'],
    ]);
    expect(detection.notes).toEqual([
      'nightlyExport: its events (schedule) have no eventfuzz source; source "apigw-rest" is a guess, check it in the config',
      'legacyImport: skipped, runtime python3.12 (eventfuzz fuzzes Node.js handlers)',
    ]);
  });

  it('env: provider then function, variables resolved, the unresolvable (${ssm:…}, ${sls:stage}) left out', () => {
    const notify = detectServerless(initFixture('serverless'))!.functions.find((fn) => fn.name === 'orderCreated')!;
    expect(notify.env).toEqual({ TABLE_NAME: 'orders-orders-dev', NODE_OPTIONS: '--enable-source-maps', TOPIC_NAME: 'orders-order-created' });
  });

  it('no runtime anywhere is Node.js (the framework default); s3 and sqs events; a handler with an unknown variable is skipped', () => {
    const dir = project({
      'serverless.yml': [
        'service: media',
        'provider: { name: aws }',
        'functions:',
        '  resize:',
        '    handler: handlers/resize.handler',
        '    events: [{ s3: { bucket: uploads, event: "s3:ObjectCreated:*" } }, { sqs: { arn: "arn:aws:sqs:eu-west-1:123456789012:q" } }]',
        '  fromParam:',
        '    handler: ${param:handlerPath}.handler',
        '    events: [{ sqs: arn }]',
        '',
      ].join('\n'),
      'handlers/resize.js': 'exports.handler = async () => 1;\n',
    });
    const detection = detectServerless(dir)!;
    expect(detection.functions.map((fn) => [fn.name, fn.handler, fn.source])).toEqual([
      ['resize', 'handlers/resize.js#handler', 's3'],
      ['resize-sqs', 'handlers/resize.js#handler', 'sqs'],
    ]);
    expect(detection.notes).toEqual([
      'fromParam: skipped, its handler is not a plain string ({"unresolved":"${param:handlerPath}.handler"})',
    ]);
  });

  it('no serverless.yml: undefined', () => {
    expect(detectServerless(project({ 'serverless.ts': 'export default {}' }))).toBeUndefined();
  });
});

describe('resolveVariables', () => {
  const root = { service: 'orders', custom: { stage: "${opt:stage, 'dev'}", nested: { dir: 'src' }, port: 3000 } };
  it.each([
    ['${self:service}-api', 'orders-api'],
    ['${self:custom.nested.dir}/handler.main', 'src/handler.main'],
    ['${self:custom.stage}', 'dev'],
    ['port ${self:custom.port}', 'port 3000'],
    ["${opt:region, 'eu-west-1'}", 'eu-west-1'],
    ['${opt:stage, ${self:custom.nested.dir}}', 'src'],
    ['${env:HOME}/x', '${env:HOME}/x'],
    ['${self:custom.missing}', '${self:custom.missing}'],
    ['no variables', 'no variables'],
  ])('%s → %s', (value, expected) => {
    expect(resolveVariables(value, root)).toBe(expected);
  });
});
