// The fixed twin of handler.cjs: messages that are not well-formed orders are logged and skipped (a real
// function might also publish them to a dead-letter topic) instead of throwing.

/** @param {import('aws-lambda').SNSEvent} event */
exports.handler = async function handler(event) {
  let units = 0;
  for (const record of event.Records) {
    const order = parseOrder(record.Sns.Message);
    if (order === undefined) {
      console.warn(`skipping SNS message ${record.Sns.MessageId}: not an order`);
      continue;
    }
    const lines = order.items.map((item) => `${item.quantity} x ${item.name.trim()}`);
    units += order.items.reduce((sum, item) => sum + item.quantity, 0);
    const city = order.shippingAddress?.city;
    console.log(`order ${order.orderId} to ${typeof city === 'string' ? city.toUpperCase() : 'unknown'}: ${lines.join(', ')}`);
  }
  return { units };
};

/** The message as an order, or undefined when it is not JSON or not shaped like one. */
function parseOrder(message) {
  let doc;
  try {
    doc = JSON.parse(message);
  } catch {
    return undefined;
  }
  if (typeof doc !== 'object' || doc === null || typeof doc.orderId !== 'string' || !Array.isArray(doc.items)) return undefined;
  const itemsOk = doc.items.every(
    (item) => typeof item === 'object' && item !== null && typeof item.name === 'string' && Number.isInteger(item.quantity),
  );
  if (!itemsOk) return undefined;
  if (doc.shippingAddress !== undefined && (typeof doc.shippingAddress !== 'object' || doc.shippingAddress === null)) return undefined;
  return doc;
}
