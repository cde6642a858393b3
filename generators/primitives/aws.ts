import type { Entropy } from './entropy.js';

/** Commercial regions that real traffic comes from, weighted towards the common ones by repetition. */
export const REGIONS = [
  'us-east-1', 'us-east-1', 'us-east-1', 'us-east-2', 'us-west-2', 'us-west-2', 'us-west-1', 'eu-west-1', 'eu-west-1',
  'eu-central-1', 'eu-west-2', 'eu-west-3', 'eu-north-1', 'eu-south-1', 'ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1',
  'ap-northeast-2', 'ap-south-1', 'ca-central-1', 'sa-east-1', 'me-south-1', 'af-south-1',
] as const;

/** Events from mid-2023 to late 2026: recent enough to look live, fixed so output is deterministic. */
const EPOCH_MS_MIN = 1_688_169_600_000;
const EPOCH_MS_MAX = 1_793_491_200_000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

export const region = (e: Entropy): string => e.pick(REGIONS);
export const accountId = (e: Entropy): string => `${e.int(1, 9)}${e.digits(11)}`;
export const epochMs = (e: Entropy): number => e.int(EPOCH_MS_MIN, EPOCH_MS_MAX);

/**
 * `2024-06-17T14:48:14.262Z`, as `Date#toISOString` writes it. Formatted by hand for the years 1970-9999 (all
 * that is generated): an event carries several timestamps, and a `Date` plus `toISOString` costs ~0.4 µs each.
 */
export function isoMs(epoch: number): string {
  if (!(epoch >= 0 && epoch <= MAX_FOUR_DIGIT_YEAR_MS) || !Number.isInteger(epoch)) return new Date(epoch).toISOString();
  const seconds = Math.floor(epoch / 1000);
  const days = Math.floor(seconds / 86_400);
  const secondOfDay = seconds - days * 86_400;
  // Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's civil_from_days, for days >= 0).
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153); // 0 = March
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const hour = Math.floor(secondOfDay / 3600);
  const minute = Math.floor((secondOfDay % 3600) / 60);
  return `${year}-${pad2(month)}-${pad2(day)}T${pad2(hour)}:${pad2(minute)}:${pad2(secondOfDay % 60)}.${String(epoch % 1000).padStart(3, '0')}Z`;
}

/** 9999-12-31T23:59:59.999Z: beyond it `toISOString` writes six-digit years. */
const MAX_FOUR_DIGIT_YEAR_MS = 253_402_300_799_999;
const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** `2017-12-22T18:43:48Z` (EventBridge: no milliseconds) */
export const isoSeconds = (epoch: number): string => `${new Date(epoch).toISOString().slice(0, 19)}Z`;

/** API Gateway's CLF time: `17/Jun/2024:14:48:13 +0000`. */
export function clfTime(epoch: number): string {
  const d = new Date(epoch);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/** X-Ray root id whose time part is the request's second, as API Gateway writes it. */
export const traceRoot = (e: Entropy, epoch: number): string =>
  `1-${Math.floor(epoch / 1000).toString(16).padStart(8, '0')}-${e.hex(24)}`;

/** An IAM unique id: `AIDA…` for users, `AROA…` for roles (21 chars). */
export const iamUniqueId = (e: Entropy, prefix: 'AIDA' | 'AROA' = 'AIDA'): string => `${prefix}${e.upperAlnum(17)}`;

/** A public-looking IPv4 address (no private, loopback or reserved first octet). */
export function publicIpv4(e: Entropy): string {
  let first = e.int(1, 223);
  while (first === 10 || first === 127 || first === 172 || first === 192 || first === 169 || first === 100) first = e.int(1, 223);
  return `${first}.${e.int(0, 255)}.${e.int(0, 255)}.${e.int(1, 254)}`;
}

/** Realistic client user agents (browsers, SDKs, curl), as real API traffic mixes them. */
export const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0',
  'curl/8.7.1',
  'PostmanRuntime/7.39.0',
  'python-requests/2.32.3',
  'okhttp/4.12.0',
  'axios/1.7.2',
  'Go-http-client/2.0',
] as const;

export const userAgent = (e: Entropy): string => e.pick(USER_AGENTS);

/** Names that real apps give queues, topics, buckets and functions. */
export const RESOURCE_WORDS = ['orders', 'payments', 'invoices', 'uploads', 'users', 'events', 'notifications', 'reports', 'media', 'audit', 'billing', 'inventory'] as const;
export const STAGES = ['prod', 'staging', 'dev', 'v1', 'test'] as const;

export const resourceName = (e: Entropy): string =>
  `${e.pick(RESOURCE_WORDS)}${e.pick(['', '-queue', '-events', '-prod', '-staging', '-dev'])}`;
