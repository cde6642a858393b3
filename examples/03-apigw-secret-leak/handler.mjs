// Deliberately vulnerable: a REST API (API Gateway v1) endpoint whose error path was written for debugging.
// When a JSON request body does not parse, it answers with "everything you need to debug", including
// process.env, i.e. the function's temporary AWS credentials and every secret configured on the function.
// Any client can trigger it by sending a broken body with `Content-Type: application/json`.

/** @param {import('aws-lambda').APIGatewayProxyEvent} event */
export async function handler(event) {
  if (event.body === null || event.body === '') return json(200, { ok: true, path: event.path });
  if (!isJson(header(event, 'content-type'))) return json(415, { error: 'Expected application/json' });
  let input;
  try {
    input = JSON.parse(event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body);
  } catch (error) {
    // VULNERABLE: the environment goes to the caller: AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, DB_PASSWORD…
    return json(400, { error: 'Invalid JSON body', details: { message: error.message, env: process.env } });
  }
  return json(201, { ok: true, path: event.path, fields: Object.keys(input ?? {}).length });
}

function header(event, name) {
  const found = Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === name);
  return found?.[1] ?? '';
}

function isJson(contentType) {
  return /^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType ?? '');
}

function json(statusCode, body) {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
