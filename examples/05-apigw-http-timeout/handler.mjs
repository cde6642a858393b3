// Deliberately vulnerable: an HTTP API (API Gateway v2) listing endpoint that only accepts "plain" query
// values (words, dashes, single spaces). The check is a regular expression with a nested quantifier,
// ([\w-]+\s?)*, which tries exponentially many ways to split a long word before giving up on a bad
// character: `?q=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!` blocks the event loop for seconds (ReDoS, CWE-1333), so a
// few such requests keep the function busy until its timeout while the attacker pays almost nothing.

// VULNERABLE: nested quantifier, backtracks exponentially on a long run of word characters followed by `!`.
const PLAIN_VALUE = /^([\w-]+\s?)*$/;

/** @param {import('aws-lambda').APIGatewayProxyEventV2} event */
export async function handler(event) {
  const query = event.queryStringParameters ?? {};
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && !PLAIN_VALUE.test(value)) {
      return json(400, { error: `query parameter "${name}" may only contain letters, digits, dashes and spaces` });
    }
  }
  return json(200, { items: [], page: Number(query.page ?? 1) });
}

function json(statusCode, body) {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
