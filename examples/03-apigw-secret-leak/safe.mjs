// The fixed twin of handler.mjs: the caller gets a generic error; the details go to the function's own
// logs (CloudWatch), and those details are the parser's message, never the environment.

/** @param {import('aws-lambda').APIGatewayProxyEvent} event */
export async function handler(event) {
  if (event.body === null || event.body === '') return json(200, { ok: true, path: event.path });
  if (!isJson(header(event, 'content-type'))) return json(415, { error: 'Expected application/json' });
  let input;
  try {
    input = JSON.parse(event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body);
  } catch (error) {
    console.warn(`request ${event.requestContext.requestId}: invalid JSON body (${error.message})`);
    return json(400, { error: 'Invalid JSON body' });
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
