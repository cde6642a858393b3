import type { Entropy } from './entropy.js';
import { randomText, URL_SAFE } from './http.js';

const HEX = '0123456789abcdef';
const COUNTRIES = ['US', 'US', 'GB', 'DE', 'FR', 'IN', 'BR', 'JP', 'NG', 'CA', 'AU', 'NL'] as const;
const ASNS = ['7224', '16509', '7922', '3320', '2856', '701', '20940', '13335'] as const;

/** The headers CloudFront adds in front of an edge-optimized REST API, and the edge's own address. */
export interface EdgeHeaders {
  readonly headers: readonly (readonly [string, string])[];
  /** The CloudFront edge IP that API Gateway appends to `X-Forwarded-For` after the client's. */
  readonly edgeIp: string;
}

/**
 * `CloudFront-*`, `Via` and `X-Amz-Cf-Id` for one request through an edge-optimized endpoint (FIELDS.md §1
 * invariant 6). Device flags follow the user agent the way CloudFront classifies it (unknown clients are desktop).
 */
export function edgeHeaders(e: Entropy, userAgent: string, protocol: string): EdgeHeaders {
  const mobile = /iPhone|Android|okhttp/.test(userAgent);
  const flag = (on: boolean): string => (on ? 'true' : 'false');
  return {
    headers: [
      ['CloudFront-Forwarded-Proto', 'https'],
      ['CloudFront-Is-Desktop-Viewer', flag(!mobile)],
      ['CloudFront-Is-Mobile-Viewer', flag(mobile)],
      ['CloudFront-Is-SmartTV-Viewer', 'false'],
      ['CloudFront-Is-Tablet-Viewer', 'false'],
      ['CloudFront-Viewer-ASN', e.pick(ASNS)],
      ['CloudFront-Viewer-Country', e.pick(COUNTRIES)],
      ['Via', `${protocol === 'HTTP/2.0' ? '2.0' : '1.1'} ${randomText(e, HEX, 32)}.cloudfront.net (CloudFront)`],
      ['X-Amz-Cf-Id', `${randomText(e, URL_SAFE, 54)}==`],
    ],
    edgeIp: `${e.pick(['130.176', '64.252', '70.132', '15.158'])}.${e.int(0, 255)}.${e.int(1, 254)}`,
  };
}
