/**
 * One service's request outcomes during one minute: the unit the request log stores and every
 * availability figure is computed from. A minute is the finest grain kept because 30 days of
 * per-request rows would grow without bound, while 43,200 small rows per service do not.
 */
export interface RequestBucket {
  /** Minutes since the Unix epoch (UTC): the bucket covers [minute * 60 000, (minute + 1) * 60 000) ms. */
  minute: number;
  ok: number;
  failed: number;
  /** Sum and maximum of the latency of the successful requests only (a timeout's "latency" is the timeout). */
  latencySumMs: number;
  latencyMaxMs: number;
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
export const MINUTES_PER_DAY = 24 * 60;

/** The minute (since the epoch) that contains the instant `ms`. */
export function minuteOf(ms: number): number {
  return Math.floor(ms / MINUTE_MS);
}

/** A window of time that ends now: the last `windowMs` milliseconds before `now`. */
export interface TimeWindow {
  now: number;
  windowMs: number;
}

/**
 * The buckets that overlap the window: those whose minute is at or after the minute containing
 * `now - windowMs`. A 1 h window therefore spans 60 to 61 buckets (the oldest and the current one
 * are partial), never fewer, so a failure just inside the window's edge is never left out.
 *
 * Buckets stamped after `now` are kept: they were written by a clock that is ahead of the one
 * evaluating (or that has since stepped back), and dropping them would hide recent failures.
 */
export function bucketsInWindow(buckets: readonly RequestBucket[], window: TimeWindow): RequestBucket[] {
  const first = minuteOf(window.now - window.windowMs);
  return buckets.filter((b) => b.minute >= first);
}

export interface RequestTotals {
  ok: number;
  failed: number;
  total: number;
  /** How many minutes had at least one request: how much of the window was measured at all. */
  minutesWithTraffic: number;
}

export function totals(buckets: readonly RequestBucket[]): RequestTotals {
  let ok = 0;
  let failed = 0;
  let minutesWithTraffic = 0;
  for (const b of buckets) {
    ok += b.ok;
    failed += b.failed;
    if (b.ok + b.failed > 0) minutesWithTraffic += 1;
  }
  return { ok, failed, total: ok + failed, minutesWithTraffic };
}
