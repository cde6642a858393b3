// The safe twin: details go to the logs (CloudWatch, inside the account); the caller gets a request id to quote.
/** @param {import('aws-lambda').APIGatewayProxyEvent} event */
export async function handler(event, context) {
  try {
    const order = JSON.parse(event.body ?? '{}');
    const items = Array.isArray(order?.items) ? order.items : [];
    const total = items.reduce((sum, item) => sum + (Number(item?.price) || 0) * (Number(item?.quantity) || 0), 0);
    return { statusCode: 200, body: JSON.stringify({ total }) };
  } catch (error) {
    console.error('order total failed', error);
    return { statusCode: 400, body: JSON.stringify({ message: 'Invalid order', requestId: context.awsRequestId }) };
  }
}
