// The fixed twin of handler.mjs: the name is resolved against the templates directory and refused unless the
// result stays inside it, so no file-system call ever sees an escaped path.
import { readFileSync } from 'node:fs';
import { resolve, sep } from 'node:path';

const TEMPLATES = '/var/task/templates';

/** @param {import('aws-lambda').APIGatewayProxyEvent} event */
export async function handler(event) {
  let name;
  try {
    name = JSON.parse(event.body ?? '{}').document.name;
  } catch {
    return { statusCode: 400, body: 'bad request' };
  }
  const file = resolve(TEMPLATES, String(name));
  if (!file.startsWith(TEMPLATES + sep)) return { statusCode: 400, body: 'bad request' };
  try {
    return { statusCode: 200, body: readFileSync(file, 'utf8') };
  } catch {
    return { statusCode: 404, body: 'not found' };
  }
}
