/**
 * `Retry-After` (RFC 9110 §10.2.3): either delay-seconds (1*DIGIT) or an HTTP-date in one of
 * the three formats of §5.6.7. Parsed strictly by hand: `Date.parse` is lenient enough to read
 * "1" as the year 2001, and a garbage header must read as "no hint", not as a date.
 */

/**
 * A hostile or buggy server must not silence probes for years; a day still covers a daily
 * token quota (Azure OpenAI answers those with long Retry-After values).
 */
export const MAX_RETRY_AFTER_SECONDS = 86_400;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAY = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTH = '(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';

/** Sun, 06 Nov 1994 08:49:37 GMT */
const IMF_FIXDATE = new RegExp(`^${DAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`);
/** Sunday, 06-Nov-94 08:49:37 GMT (obsolete) */
const RFC850 = new RegExp(`^${LONG_DAY}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`);
/** Sun Nov  6 08:49:37 1994 (obsolete, C asctime) */
const ASCTIME = new RegExp(`^${DAY} ${MONTH} ([ \\d]\\d) ${TIME} (\\d{4})$`);

function utc(year: number, month: string, day: number, h: number, m: number, s: number): number | undefined {
  const monthIndex = MONTHS.indexOf(month.toLowerCase());
  if (day < 1 || day > 31 || h > 23 || m > 59 || s > 60) return undefined;
  const ms = Date.UTC(year, monthIndex, day, h, m, Math.min(s, 59));
  // Date.UTC rolls "31 Feb" into March: reject dates that do not exist.
  return new Date(ms).getUTCDate() === day ? ms : undefined;
}

/** Epoch ms of an HTTP-date, or undefined when `text` is not one. */
export function parseHttpDate(text: string, nowMs: number): number | undefined {
  let m = IMF_FIXDATE.exec(text);
  if (m) return utc(Number(m[3]), m[2], Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
  m = RFC850.exec(text);
  if (m) {
    // RFC 9110 §5.6.7: a two-digit year more than 50 years in the future means the past century.
    const nowYear = new Date(nowMs).getUTCFullYear();
    let year = Math.floor(nowYear / 100) * 100 + Number(m[3]);
    if (year > nowYear + 50) year -= 100;
    return utc(year, m[2], Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
  }
  m = ASCTIME.exec(text);
  if (m) return utc(Number(m[6]), m[1], Number(m[2].trim()), Number(m[3]), Number(m[4]), Number(m[5]));
  return undefined;
}

/**
 * Seconds to wait from `nowMs`, rounded up, capped at `MAX_RETRY_AFTER_SECONDS`; a date in the
 * past gives 0. Undefined when the header is absent or not one of the allowed forms.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value == null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Math.min(Number(text), MAX_RETRY_AFTER_SECONDS);
  const at = parseHttpDate(text, nowMs);
  if (at === undefined) return undefined;
  return Math.min(Math.max(0, Math.ceil((at - nowMs) / 1000)), MAX_RETRY_AFTER_SECONDS);
}

/**
 * The wait a 429 asks for: `Retry-After` first; else `retry-after-ms`, which Azure OpenAI sends
 * alongside (milliseconds, rounded up to whole seconds).
 */
export function retryAfterFromHeaders(headers: Headers, nowMs: number): number | undefined {
  const standard = parseRetryAfter(headers.get('retry-after'), nowMs);
  if (standard !== undefined) return standard;
  const ms = headers.get('retry-after-ms')?.trim();
  if (ms && /^\d+$/.test(ms)) return Math.min(Math.ceil(Number(ms) / 1000), MAX_RETRY_AFTER_SECONDS);
  return undefined;
}
