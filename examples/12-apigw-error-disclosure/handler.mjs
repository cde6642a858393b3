// Deliberately vulnerable: a REST endpoint that answers failures with the error itself. The stack trace tells
// an attacker the runtime, the file layout and the code paths, and database errors echo the broken query.
/** @param {import('aws-lambda').APIGatewayProxyEvent} event */
export async function handler(event) {
  try {
    const order = JSON.parse(event.body ?? '{}');
    const total = order.items.reduce((sum, item) => sum + item.price * item.quantity, 0);
    return { statusCode: 200, body: JSON.stringify({ total }) };
  } catch (error) {
    // BUG: internals go back to the caller
    return { statusCode: 500, body: JSON.stringify({ error: error.message, stack: error.stack }) };
  }
}
