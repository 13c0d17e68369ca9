import { describe, expect, it } from 'vitest';
import { MAX_RETRY_AFTER_SECONDS, parseHttpDate, parseRetryAfter, retryAfterFromHeaders } from '../../../electron/core/replica/retry-after';

const NOW = Date.UTC(2025, 10, 6, 8, 49, 30); // Thu, 06 Nov 2025 08:49:30 GMT

describe('Retry-After parsing', () => {
  it('reads delay-seconds', () => {
    expect(parseRetryAfter('30', NOW)).toBe(30);
    expect(parseRetryAfter(' 0 ', NOW)).toBe(0);
    expect(parseRetryAfter('120', NOW)).toBe(120);
  });

  it('reads the three HTTP-date formats as seconds from now, rounded up', () => {
    expect(parseRetryAfter('Thu, 06 Nov 2025 08:50:00 GMT', NOW)).toBe(30);
    expect(parseRetryAfter('Thursday, 06-Nov-25 08:50:00 GMT', NOW)).toBe(30);
    expect(parseRetryAfter('Thu Nov  6 08:50:00 2025', NOW)).toBe(30);
    expect(parseRetryAfter('Thu, 06 Nov 2025 08:50:00 GMT', NOW + 500)).toBe(30);
  });

  it('gives 0 for a date already past', () => {
    expect(parseRetryAfter('Thu, 06 Nov 2025 08:00:00 GMT', NOW)).toBe(0);
  });

  it('reads an obsolete two-digit year more than 50 years ahead as the past century', () => {
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT', NOW)).toBe(Date.UTC(1994, 10, 6, 8, 49, 37));
  });

  it.each(['', 'soon', '1.5', '-5', '30s', '1e3', 'Thu, 31 Feb 2025 08:50:00 GMT', 'Thu, 06 Nov 2025 25:00:00 GMT', '2025-11-06T08:50:00Z', 'Nov 6 2025', 'one', 'Thu, 06 Nov 2025 08:50:00 UTC'])(
    'treats %j as no hint (no lenient Date.parse)',
    (value) => {
      expect(parseRetryAfter(value, NOW)).toBeUndefined();
    },
  );

  it('treats an absent header as no hint', () => {
    expect(parseRetryAfter(null, NOW)).toBeUndefined();
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
  });

  it('caps absurd waits at a day, in both forms', () => {
    expect(parseRetryAfter('99999999999', NOW)).toBe(MAX_RETRY_AFTER_SECONDS);
    expect(parseRetryAfter('Thu, 06 Nov 2125 08:50:00 GMT', NOW)).toBe(MAX_RETRY_AFTER_SECONDS);
  });

  it('prefers Retry-After and falls back to Azure retry-after-ms, rounded up to seconds', () => {
    expect(retryAfterFromHeaders(new Headers({ 'retry-after': '7', 'retry-after-ms': '1500' }), NOW)).toBe(7);
    expect(retryAfterFromHeaders(new Headers({ 'retry-after-ms': '1500' }), NOW)).toBe(2);
    expect(retryAfterFromHeaders(new Headers({ 'retry-after': 'garbage', 'retry-after-ms': '400' }), NOW)).toBe(1);
    expect(retryAfterFromHeaders(new Headers({ 'retry-after-ms': 'x' }), NOW)).toBeUndefined();
    expect(retryAfterFromHeaders(new Headers(), NOW)).toBeUndefined();
  });
});
