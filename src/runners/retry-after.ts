/**
 * HTTP's `Retry-After` (RFC 9110 §10.2.3), as a wait in milliseconds: how long a throttled (429) or unavailable
 * (503) server asks its clients to hold off. Pure: the caller gives the time the answer came.
 * @see https://www.rfc-editor.org/rfc/rfc9110#field.retry-after
 */

/** `delay-seconds`: one or more digits, nothing else (no sign, no fraction). */
const DELAY_SECONDS = /^\d+$/;
/** An HTTP-date names a weekday and a GMT time (IMF-fixdate, obsolete RFC 850 and asctime forms alike). */
const HTTP_DATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? /;

/**
 * The wait `Retry-After` asks for, in ms: `delay-seconds` as given, an HTTP-date as its distance from the answer's
 * own `Date` header when there is one (the server's clock on both sides: no skew with ours) or else from
 * `receivedAtMs` (epoch ms, our clock). A date in the past is 0. `undefined` when there is no header, it is neither
 * form, or it is a date with nothing to measure it from (the caller then backs off on its own schedule). Repeated
 * headers: the first counts.
 */
export function retryAfterMs(value: string | readonly string[] | undefined, date: string | readonly string[] | undefined, receivedAtMs: number | undefined): number | undefined {
  const text = (typeof value === 'string' ? value : value?.[0])?.trim();
  if (text === undefined || text === '') return undefined;
  if (DELAY_SECONDS.test(text)) return Number(text) * 1000;
  if (!HTTP_DATE.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  const serverNow = Date.parse((typeof date === 'string' ? date : date?.[0]) ?? '');
  const reference = Number.isNaN(serverNow) ? receivedAtMs : serverNow;
  return reference === undefined ? undefined : Math.max(0, at - reference);
}
