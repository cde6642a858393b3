// One Lambda execution environment for test/support/invoke-api-server.ts, run as a child process so a handler's
// process.exit, hangs and crashes end this process the way they end a Lambda runtime, never the test's.
// Protocol (IPC): parent → {type:'invoke', requestId, event, deadlineMs, context}; child → {type:'ready'} |
// {type:'init-error', error} once, then {type:'result', requestId, ok, payload | error, rssMb} per invocation.
// After each invocation the child writes END_MARK to stdout and stderr, so the parent knows it has all the
// output of that invocation before it answers (pipe data and IPC messages arrive in no fixed order).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';

const END_MARK = (requestId) => `\u001eefz-end:${requestId}\u001e`;
let currentRequestId = 'undefined';

// Lambda's Node runtime writes every console call as one record: timestamp, request id, level, message.
for (const [method, level] of [['log', 'INFO'], ['info', 'INFO'], ['warn', 'WARN'], ['error', 'ERROR'], ['debug', 'DEBUG'], ['trace', 'TRACE']]) {
  console[method] = (...args) => {
    process.stdout.write(`${new Date().toISOString()}\t${currentRequestId}\t${level}\t${format(...args)}\n`);
  };
}

function errorPayload(thrown) {
  if (thrown instanceof Error) {
    return { errorType: thrown.name, errorMessage: thrown.message, trace: (thrown.stack ?? '').split('\n') };
  }
  // What the Node runtime reports for a thrown non-Error value.
  return { errorType: typeof thrown, errorMessage: typeof thrown === 'string' ? thrown : JSON.stringify(thrown) ?? String(thrown), trace: [] };
}

// As the Node runtime loads the handler (aws-lambda-nodejs-runtime-interface-client, UserFunction.js): `_HANDLER` is
// `<path>/<file>.<export>` relative to LAMBDA_TASK_ROOT; an extensionless file and a `.js` file outside a
// `"type": "module"` package are required, a `.js` inside one and a `.mjs` imported, a `.cjs` required.
function packageIsModule(file) {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        return JSON.parse(readFileSync(manifest, 'utf8')).type === 'module';
      } catch {
        return false;
      }
    }
    if (dirname(dir) === dir) return false;
  }
}

async function loadModule(base) {
  const require = createRequire(base);
  if (existsSync(base) && statSync(base).isFile()) return require(base);
  const isModule = packageIsModule(base);
  if (existsSync(`${base}.js`)) return isModule ? import(pathToFileURL(`${base}.js`).href) : require(`${base}.js`);
  if (existsSync(`${base}.mjs`)) return import(pathToFileURL(`${base}.mjs`).href);
  if (existsSync(`${base}.cjs`)) return require(`${base}.cjs`);
  throw Object.assign(new Error(`Cannot find module '${base}'`), { code: 'MODULE_NOT_FOUND' });
}

const setting = process.env._HANDLER;
const dot = basename(setting).indexOf('.');
const moduleBase = join(process.env.LAMBDA_TASK_ROOT, dirname(setting), basename(setting).slice(0, dot));
const exportPath = basename(setting).slice(dot + 1).split('.');

let handler;
try {
  const mod = await loadModule(moduleBase);
  handler = exportPath.reduce((value, key) => (value == null ? undefined : value[key]), mod);
  if (typeof handler !== 'function') {
    process.send({ type: 'init-error', error: { errorType: 'Runtime.HandlerNotFound', errorMessage: `${basename(setting)} is undefined or not exported`, trace: [] } });
  } else {
    process.send({ type: 'ready' });
  }
} catch (error) {
  process.send({ type: 'init-error', error: { ...errorPayload(error), errorType: 'Runtime.ImportModuleError' } });
}

function invokeHandler(event, context) {
  // Callback-style handlers (three parameters) answer through the callback, as in Lambda.
  if (handler.length >= 3) {
    return new Promise((resolve, reject) => {
      const result = handler(event, context, (error, value) => (error ? reject(error) : resolve(value)));
      if (result && typeof result.then === 'function') result.then(resolve, reject);
    });
  }
  return Promise.resolve().then(() => handler(event, context));
}

process.on('message', async (message) => {
  if (message.type !== 'invoke') return;
  const { requestId, event, deadlineMs, context: fields } = message;
  currentRequestId = requestId;
  const context = { ...fields, awsRequestId: requestId, callbackWaitsForEmptyEventLoop: true, getRemainingTimeInMillis: () => Math.max(0, deadlineMs - Date.now()) };
  let reply;
  try {
    const value = await invokeHandler(event, context);
    reply = { type: 'result', requestId, ok: true, payload: JSON.stringify(value) ?? 'null' };
  } catch (thrown) {
    const error = errorPayload(thrown);
    process.stdout.write(`${new Date().toISOString()}\t${requestId}\tERROR\tInvoke Error \t${JSON.stringify({ errorType: error.errorType, errorMessage: error.errorMessage, stack: error.trace })}\n`);
    reply = { type: 'result', requestId, ok: false, error };
  }
  process.stdout.write(END_MARK(requestId));
  process.stderr.write(END_MARK(requestId));
  process.send({ ...reply, rssMb: Math.ceil(process.memoryUsage().rss / 1048576) });
});
