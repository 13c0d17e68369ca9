import { bucketsInWindow, totals, type RequestBucket, type TimeWindow } from './request-bucket';

/**
 * Successful requests / all requests, in [0, 1], over the buckets in `window` (all given buckets
 * when no window is given). `null` when there was no request: no traffic says nothing about
 * availability, and showing it as 100% would hide a frontend nobody can reach.
 */
export function successRatio(buckets: readonly RequestBucket[], window?: TimeWindow): number | null {
  const t = totals(window ? bucketsInWindow(buckets, window) : buckets);
  return t.total === 0 ? null : t.ok / t.total;
}

/**
 * Downtime as error-weighted minutes: the sum over minutes of failed / total for that minute. A
 * minute in which every request failed counts 1, a minute with 10% failures counts 0.1, a minute
 * without requests counts 0 (nothing failed).
 *
 * Why not "a minute is down when its success ratio is below X%": that is the time-slice
 * ("good minutes") SLI, a different SLO. Ours is request-based ("percent of successful
 * requests"), whose budget is spent in proportion to failed requests (Google SRE workbook,
 * "Implementing SLOs"); a threshold would count a minute at 1.1% errors as a whole minute down
 * and a minute at 0.9% errors as none, so a slow burn could empty the budget with zero downtime
 * shown. Error-weighted minutes are the budget's own currency: 43.8 of them per month at 99.9%.
 */
export function downtimeMinutes(buckets: readonly RequestBucket[], window?: TimeWindow): number {
  let minutes = 0;
  for (const b of window ? bucketsInWindow(buckets, window) : buckets) {
    const total = b.ok + b.failed;
    if (total > 0) minutes += b.failed / total;
  }
  return minutes;
}

/** Mean latency of the successful requests in the window, or null when none succeeded. */
export function meanLatencyMs(buckets: readonly RequestBucket[], window?: TimeWindow): number | null {
  let sum = 0;
  let ok = 0;
  for (const b of window ? bucketsInWindow(buckets, window) : buckets) {
    sum += b.latencySumMs;
    ok += b.ok;
  }
  return ok === 0 ? null : sum / ok;
}
