import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';

// The HTTP side of test/support/invoke-api-server.ts: routes of the Lambda REST API, function references, replies.
const API = '/2015-03-31/functions/';

/** Invoke (`POST …/invocations`) or GetFunctionConfiguration (`GET …/configuration`), with the name as sent. */
export function parseRoute(method: string, path: string): { operation: 'Invoke' | 'GetFunctionConfiguration'; functionName: string } | undefined {
  if (!path.startsWith(API)) return undefined;
  const rest = path.slice(API.length);
  const slash = rest.lastIndexOf('/');
  if (slash <= 0) return undefined;
  const functionName = decodeURIComponent(rest.slice(0, slash));
  const tail = rest.slice(slash + 1);
  if (method === 'POST' && tail === 'invocations') return { operation: 'Invoke', functionName };
  if (method === 'GET' && tail === 'configuration') return { operation: 'GetFunctionConfiguration', functionName };
  return undefined;
}

/** A function name, an ARN or a partial ARN (`123456789012:function:name`), each with an optional `:qualifier`. */
export function parseFunctionRef(text: string): { name: string; qualifier: string | undefined } {
  const arn = /^(?:arn:aws[a-z-]*:lambda:[a-z0-9-]+:)?\d{12}:function:([^:]+)(?::(.+))?$/.exec(text);
  if (arn !== null) return { name: arn[1] ?? '', qualifier: arn[2] };
  const [name = '', qualifier] = text.split(':');
  return { name, qualifier };
}

export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, headers).end(body);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  send(res, status, JSON.stringify(body), { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID(), ...headers });
}

/** Service errors carry their type in x-amzn-ErrorType, where the SDK's restJson1 parser reads it first. */
export function sendError(res: ServerResponse, status: number, type: string, message: string): void {
  sendJson(res, status, { Type: 'User', message }, { 'x-amzn-errortype': type });
}
