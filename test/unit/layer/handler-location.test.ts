import { describe, expect, it } from 'vitest';
import { locateHandler } from '../../../src/layer/handler-location.js';

describe('locateHandler: the Node runtime reading of _HANDLER', () => {
  it('tries the file as given, then .js, .mjs, .cjs, under the task root', () => {
    expect(locateHandler('index.handler', '/var/task')).toEqual({
      files: ['/var/task/index', '/var/task/index.js', '/var/task/index.mjs', '/var/task/index.cjs'],
      exportPath: ['handler'],
    });
  });

  it('keeps the directory part and splits the file name at its first dot: the rest is a nested export', () => {
    expect(locateHandler('src/api/orders.handlers.create', '/var/task')).toEqual({
      files: ['/var/task/src/api/orders', '/var/task/src/api/orders.js', '/var/task/src/api/orders.mjs', '/var/task/src/api/orders.cjs'],
      exportPath: ['handlers', 'create'],
    });
  });

  it.each(['handler', 'index.', '.handler', '../outside/index.handler'])('gives nothing for %s, which the runtime rejects itself', (setting) => {
    expect(locateHandler(setting, '/var/task')).toBeUndefined();
  });
});
