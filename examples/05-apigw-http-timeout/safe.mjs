// The fixed twin of handler.mjs: the same rule, written so that there is only one way to match a value
// (words separated by exactly one whitespace character), which makes the check linear; a length cap bounds it anyway.

const MAX_VALUE_LENGTH = 256;
const PLAIN_VALUE = /^[\w-]+(?:\s[\w-]+)*\s?$/;

/** @param {import('aws-lambda').APIGatewayProxyEventV2} event */
export async function handler(event) {
  const query = event.queryStringParameters ?? {};
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && (value.length > MAX_VALUE_LENGTH || (value !== '' && !PLAIN_VALUE.test(value)))) {
      return json(400, { error: `query parameter "${name}" may only contain letters, digits, dashes and spaces` });
    }
  }
  return json(200, { items: [], page: Number(query.page ?? 1) });
}

function json(statusCode, body) {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
