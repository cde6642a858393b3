// Deliberately vulnerable: a search endpoint that shows "your recent searches" from a module-level array. A
// warm Lambda container serves many callers, so each caller sees the searches of the callers before them.
const recentSearches = []; // BUG: module scope outlives the request

/** @param {import('aws-lambda').APIGatewayProxyEventV2} event */
export async function handler(event) {
  const query = event.queryStringParameters?.q ?? '';
  if (query !== '') recentSearches.push(query);
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, results: [], recent: recentSearches.slice(-5) }),
  };
}
