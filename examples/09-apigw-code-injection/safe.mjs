// The fixed twin of handler.mjs: the rule is not code. A whitelist grammar (numbers, `price`, + - * /) is checked
// with a regular expression, and a ten-line evaluator computes it; nothing the client sends is ever compiled.

const NUMBER_OR_PRICE = String.raw`(?:price|\d{1,9}(?:\.\d{1,6})?)`;
const RULE = new RegExp(String.raw`^\s*${NUMBER_OR_PRICE}(?:\s*[-+*/]\s*${NUMBER_OR_PRICE}){0,20}\s*$`);

/** `price * 0.9 + 2`, with * and / before + and -. Only called on text RULE accepted. */
function evaluate(expression, price) {
  const tokens = expression.match(/price|\d+(?:\.\d+)?|[-+*/]/g);
  const value = (token) => (token === 'price' ? price : Number(token));
  const terms = [value(tokens[0])];
  const signs = [];
  for (let i = 1; i < tokens.length; i += 2) {
    const operator = tokens[i];
    const operand = value(tokens[i + 1]);
    if (operator === '*') terms[terms.length - 1] *= operand;
    else if (operator === '/') terms[terms.length - 1] /= operand;
    else {
      signs.push(operator);
      terms.push(operand);
    }
  }
  return terms.reduce((total, term, i) => (i === 0 ? term : signs[i - 1] === '+' ? total + term : total - term));
}

/** @param {import('aws-lambda').APIGatewayProxyEvent} event */
export async function handler(event) {
  let request;
  try {
    request = JSON.parse(event.body ?? '{}');
  } catch {
    return { statusCode: 400, body: JSON.stringify({ message: 'body must be JSON' }) };
  }
  const expression = request?.rule?.expression;
  if (typeof expression !== 'string' || !RULE.test(expression)) {
    return { statusCode: 400, body: JSON.stringify({ message: 'rule.expression must use numbers, price and + - * /' }) };
  }
  const price = Number(request.price ?? 100);
  return { statusCode: 200, body: JSON.stringify({ price, total: evaluate(expression, Number.isFinite(price) ? price : 100) }) };
}
