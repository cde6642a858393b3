// Deliberately fragile: an SNS subscriber (CommonJS, as many older functions are) that trusts the message
// to be an order document. A plain-text notification, another event type on the same topic, or a field of an
// unexpected type makes it throw, so Lambda retries the message and finally drops it, with the rest of the
// batch's work lost.

/** @param {import('aws-lambda').SNSEvent} event */
exports.handler = async function handler(event) {
  let units = 0;
  for (const record of event.Records) {
    // FRAGILE: no check that the message is JSON, is an order, or has the expected field types.
    const order = JSON.parse(record.Sns.Message);
    const lines = order.items.map((item) => `${item.quantity} x ${item.name.trim()}`);
    units += order.items.reduce((sum, item) => sum + item.quantity, 0);
    console.log(`order ${order.orderId} to ${order.shippingAddress.city.toUpperCase()}: ${lines.join(', ')}`);
  }
  return { units };
};
