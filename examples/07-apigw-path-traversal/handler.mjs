// Deliberately vulnerable: a REST API that renders a stored document template named in the JSON body. path.join
// normalises `../` instead of rejecting it, so {"document":{"name":"../../../etc/passwd"}} reads /etc/passwd.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const TEMPLATES = '/var/task/templates';

/** @param {import('aws-lambda').APIGatewayProxyEvent} event */
export async function handler(event) {
  let name;
  try {
    name = JSON.parse(event.body ?? '{}').document.name;
  } catch {
    return { statusCode: 400, body: 'bad request' };
  }
  try {
    // VULNERABLE: `name` may climb out of TEMPLATES.
    return { statusCode: 200, body: readFileSync(join(TEMPLATES, String(name)), 'utf8') };
  } catch {
    return { statusCode: 404, body: 'not found' };
  }
}
