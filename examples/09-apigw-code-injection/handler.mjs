// Deliberately vulnerable: a REST API that prices a cart with a rule the client sends, e.g.
// POST /pricing/quote {"rule":{"expression":"price * 0.9"},"price":100}. The expression is compiled with
// new Function, so any JavaScript in it runs inside the function, with its IAM role and environment:
// {"rule":{"expression":"process.env.AWS_SECRET_ACCESS_KEY"}} is all it takes.

/** @param {import('aws-lambda').APIGatewayProxyEvent} event */
export async function handler(event) {
  let request;
  try {
    request = JSON.parse(event.body ?? '{}');
  } catch {
    return { statusCode: 400, body: JSON.stringify({ message: 'body must be JSON' }) };
  }
  const expression = request?.rule?.expression;
  if (typeof expression !== 'string') return { statusCode: 400, body: JSON.stringify({ message: 'rule.expression is required' }) };
  const price = Number(request.price ?? 100);
  try {
    // VULNERABLE: the client's text becomes code.
    const rule = new Function('price', `return ${expression}`);
    return { statusCode: 200, body: JSON.stringify({ price, total: rule(price) }) };
  } catch {
    return { statusCode: 422, body: JSON.stringify({ message: 'the rule could not be applied' }) };
  }
}
