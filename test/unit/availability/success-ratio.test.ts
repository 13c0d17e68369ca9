import { describe, expect, it } from 'vitest';
import { bucketsInWindow, HOUR_MS, MINUTE_MS, minuteOf, totals, type RequestBucket } from '../../../electron/core/availability/request-bucket';
import { downtimeMinutes, meanLatencyMs, successRatio } from '../../../electron/core/availability/success-ratio';

const M = 28_333_333; // some minute since the epoch (2023-11-14)
const b = (minute: number, ok: number, failed: number, latencySumMs = 0, latencyMaxMs = 0): RequestBucket => ({ minute, ok, failed, latencySumMs, latencyMaxMs });

describe('successRatio', () => {
  it('is ok / (ok + failed) over all buckets', () => {
    expect(successRatio([b(M, 90, 10), b(M + 1, 100, 0)])).toBe(0.95);
  });

  it('is null, not 100%, without traffic', () => {
    expect(successRatio([])).toBeNull();
    expect(successRatio([b(M, 0, 0), b(M + 1, 0, 0)])).toBeNull();
    // Traffic only outside the window is no traffic in it.
    expect(successRatio([b(M - 120, 5, 5)], { now: M * MINUTE_MS, windowMs: HOUR_MS })).toBeNull();
  });

  it('is 0 when every request failed', () => {
    expect(successRatio([b(M, 0, 7)])).toBe(0);
  });
});

describe('window edges', () => {
  it('includes the bucket holding the window start and excludes the one before', () => {
    const now = M * MINUTE_MS + 30_000; // half a minute into minute M; an hour ago was half-way through M − 60
    const buckets = [b(M - 61, 0, 100), b(M - 60, 1, 0), b(M, 3, 0)];
    expect(bucketsInWindow(buckets, { now, windowMs: HOUR_MS }).map((x) => x.minute)).toEqual([M - 60, M]);
    expect(successRatio(buckets, { now, windowMs: HOUR_MS })).toBe(1);
  });

  it('on an exact minute boundary starts the window at that minute', () => {
    const now = M * MINUTE_MS;
    const buckets = [b(M - 61, 1, 0), b(M - 60, 1, 0), b(M - 59, 1, 0)];
    expect(bucketsInWindow(buckets, { now, windowMs: HOUR_MS }).map((x) => x.minute)).toEqual([M - 60, M - 59]);
    expect(bucketsInWindow(buckets, { now: now - 1, windowMs: HOUR_MS }).map((x) => x.minute)).toEqual([M - 61, M - 60, M - 59]);
  });

  it('keeps buckets stamped after now (a clock ahead, or stepped back) so failures are not hidden', () => {
    const now = M * MINUTE_MS;
    expect(successRatio([b(M, 1, 0), b(M + 5, 0, 1)], { now, windowMs: HOUR_MS })).toBe(0.5);
  });

  it('places an instant in its minute', () => {
    expect(minuteOf(M * MINUTE_MS)).toBe(M);
    expect(minuteOf(M * MINUTE_MS + 59_999)).toBe(M);
    expect(minuteOf(M * MINUTE_MS - 1)).toBe(M - 1);
  });

  it('counts the minutes that were measured', () => {
    expect(totals([b(M, 1, 0), b(M + 1, 0, 0), b(M + 2, 0, 4)])).toEqual({ ok: 1, failed: 4, total: 5, minutesWithTraffic: 2 });
  });
});

describe('downtimeMinutes (error-weighted)', () => {
  it('counts each minute by its share of failed requests', () => {
    // 1 (all failed) + 0.1 (10 of 100) + 0 (no traffic) + 0.01 (1 of 100) + 0 (all fine)
    expect(downtimeMinutes([b(M, 0, 50), b(M + 1, 90, 10), b(M + 2, 0, 0), b(M + 3, 99, 1), b(M + 4, 60, 0)])).toBeCloseTo(1.11, 12);
  });

  it('is 0 without traffic and honours the window', () => {
    expect(downtimeMinutes([])).toBe(0);
    const now = M * MINUTE_MS;
    expect(downtimeMinutes([b(M - 61, 0, 1), b(M - 1, 1, 1)], { now, windowMs: HOUR_MS })).toBe(0.5);
  });
});

describe('meanLatencyMs', () => {
  it('averages the successful requests only, null when none succeeded', () => {
    expect(meanLatencyMs([b(M, 2, 5, 300, 200), b(M + 1, 2, 0, 100, 60)])).toBe(100);
    expect(meanLatencyMs([b(M, 0, 5)])).toBeNull();
  });
});
