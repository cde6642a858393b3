import type { Entropy } from './entropy.js';
import { accountId as randomAccountId } from './aws.js';
import { randomText } from './http.js';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const USERS = ['alice', 'bob', 'chen', 'dana', 'emeka', 'fatima'] as const;

/** REST Cognito authorizers render time claims as `Mon Jun 17 15:48:13 UTC 2024`. */
function javaDate(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

/**
 * Claims of a Cognito user-pool token that API Gateway validated, every value a string. `style: 'rest'` is a REST
 * Cognito authorizer (id token, Java-style dates); `'jwt'` an HTTP API JWT authorizer (epoch-second strings).
 */
export function cognitoClaims(e: Entropy, region: string, epochMs: number, style: 'rest' | 'jwt', tokenUse: 'id' | 'access' = 'id'): Record<string, string> {
  const issuedAt = Math.floor(epochMs / 1000) - e.int(60, 3000);
  const time = (s: number): string => (style === 'rest' ? javaDate(s) : String(s));
  const user = e.pick(USERS);
  const clientId = e.alnumLower(26);
  const claims: Record<string, string> = { sub: e.uuid() };
  if (tokenUse === 'id') {
    claims['aud'] = clientId;
    claims['email_verified'] = 'true';
    claims['email'] = `${user}@example.com`;
    claims['cognito:username'] = user;
  } else {
    claims['client_id'] = clientId;
    claims['scope'] = 'aws.cognito.signin.user.admin openid';
    claims['username'] = user;
  }
  claims['event_id'] = e.uuid();
  claims['token_use'] = tokenUse;
  claims['auth_time'] = time(issuedAt);
  claims['iss'] = `https://cognito-idp.${region}.amazonaws.com/${region}_${e.alnum(9)}`;
  claims['exp'] = time(issuedAt + 3600);
  claims['iat'] = time(issuedAt);
  claims['jti'] = e.uuid();
  return claims;
}

/** SigV4 credentials of an assumed role, as IAM-authorized requests carry them. */
export interface IamCaller {
  readonly accessKey: string;
  readonly accountId: string;
  readonly callerId: string;
  readonly userArn: string;
}

/** A random assumed-role caller (`ASIA…` key, `AROA…:session` caller id, `assumed-role` ARN). */
export function iamCaller(e: Entropy): IamCaller {
  const account = randomAccountId(e);
  const session = e.pick(USERS);
  const roleId = `AROA${e.upperAlnum(17)}`;
  return {
    accessKey: `ASIA${e.upperAlnum(16)}`,
    accountId: account,
    callerId: `${roleId}:${session}`,
    userArn: `arn:aws:sts::${account}:assumed-role/${e.pick(['Admin', 'Developer', 'ci-deployer', 'ReadOnly'])}/${session}`,
  };
}

/** The `x-amz-*` headers of a SigV4-signed request (the `Authorization` header itself is dropped in REST). */
export function sigV4Headers(e: Entropy, epochMs: number): [string, string][] {
  const iso = new Date(epochMs - e.int(0, 900)).toISOString().replace(/[-:]/g, '').slice(0, 15);
  return [
    ['x-amz-content-sha256', randomText(e, '0123456789abcdef', 64)],
    ['x-amz-date', `${iso}Z`],
    ['X-Amz-Security-Token', `IQoJb3JpZ2luX2Vj${randomText(e, BASE64, e.int(300, 600))}==`],
  ];
}

/** A Lambda authorizer's context as REST delivers it: `principalId`, `integrationLatency`, stringified values. */
export function lambdaAuthorizerContext(e: Entropy): { principalId: string; integrationLatency: number; [key: string]: string | number } {
  return { principalId: `user|${e.alnum(12)}`, integrationLatency: e.int(0, 450), tenantId: `t-${e.digits(4)}`, role: e.pick(['admin', 'member', 'viewer']), mfa: e.pick(['true', 'false']) };
}
