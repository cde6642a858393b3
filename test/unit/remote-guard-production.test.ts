import { describe, expect, it } from 'vitest';
import { looksLikeProduction } from '../../src/runners/remote-guard.js';

describe('looksLikeProduction', () => {
  it.each([
    ['orders-prod', 'prod'],
    ['orders_production', 'production'],
    ['prod-orders', 'prod'],
    ['ordersProd', 'prod'],
    ['OrdersPROD', 'prod'],
    ['orders-prod2', 'prod'],
    ['PROD', 'prod'],
    ['live', 'live'],
    ['checkout-live-eu', 'live'],
    ['arn:aws:lambda:eu-west-1:123456789012:function:orders-prod', 'prod'],
    ['arn:aws:lambda:eu-west-1:123456789012:function:orders:live', 'live'],
    ['arn:aws:lambda:eu-west-1:123456789012:function:orders:production', 'production'],
    ['https://abc123.execute-api.eu-west-1.amazonaws.com/prod', 'prod'],
    ['https://abc123.execute-api.eu-west-1.amazonaws.com/production/orders', 'production'],
    ['https://api.prod.example.com/orders', 'prod'],
    ['https://live.example.com/', 'live'],
    ['https://abc.lambda-url.eu-west-1.on.aws/v1/Live/items', 'live'],
    ['https://example.com/%70rod/x', 'prod'],
  ])('%s is refused (segment %s)', (ref, word) => {
    expect(looksLikeProduction(ref)).toContain(`"${word}"`);
  });

  it.each([
    'orders-staging',
    'product-catalog',
    'productivity-tracker',
    'delivery-service',
    'olive-oil',
    'products',
    'reproduce',
    'golive-checklist',
    'liveness-probe',
    'oliver',
    'arn:aws:lambda:eu-west-1:123456789012:function:product-catalog:staging',
    'arn:aws:lambda:eu-west-1:123456789012:function:delivery:$LATEST',
    'https://abc123.execute-api.eu-west-1.amazonaws.com/staging',
    'https://product.example.com/delivery/olive',
    // a query value is data, not the target's name
    'https://staging.example.com/orders?env=prod',
  ])('%s is not production', (ref) => {
    expect(looksLikeProduction(ref)).toBeUndefined();
  });

  it('names where the word was found', () => {
    expect(looksLikeProduction('https://api.example.com/prod/x')).toBe('the path "/prod/x" contains the segment "prod", which names production');
    expect(looksLikeProduction('prod.example.com')).toBe('the name "prod.example.com" contains the segment "prod", which names production');
  });
});
