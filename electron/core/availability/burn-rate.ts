import { bucketsInWindow, DAY_MS, totals, type RequestBucket } from './request-bucket';
import { allowedErrorRate } from './slo-target';

export interface BurnRateInput {
  /** Percent, e.g. 99.9. */
  target: number;
  buckets: readonly RequestBucket[];
  now: number;
  /** How far back to look: 1 h and 24 h are the windows shown. */
  windowMs: number;
}

/**
 * Observed error rate / allowed error rate over the window (Google SRE workbook, "Alerting on
 * SLOs"): 1 spends the budget exactly by the end of the SLO window, 14.4 over an hour spends 2% of
 * a 30-day budget in that hour. `null` without traffic in the window. With a 100% target nothing
 * is allowed: 0 while nothing fails, `Infinity` from the first failure (encode it explicitly
 * before sending it as JSON, where it would silently become null).
 */
export function burnRate(input: BurnRateInput): number | null {
  const allowed = allowedErrorRate(input.target);
  const t = totals(bucketsInWindow(input.buckets, { now: input.now, windowMs: input.windowMs }));
  if (t.total === 0) return null;
  if (allowed === 0) return t.failed === 0 ? 0 : Number.POSITIVE_INFINITY;
  return t.failed / t.total / allowed;
}

/**
 * How long until the budget is gone if the burn rate holds: at burn rate b a whole window's
 * budget lasts window / b, so what remains lasts remainingRatio × window / b. 0 when the budget is
 * already spent (or the burn rate is infinite); `null` when nothing is being spent (burn rate 0)
 * or nothing is known (no traffic, so no burn rate or no budget).
 */
export function timeToExhaustionMs(input: { remainingRatio: number | null; burnRate: number | null; windowDays?: number }): number | null {
  const { remainingRatio, burnRate: rate } = input;
  if (remainingRatio === null) return null;
  if (remainingRatio <= 0) return 0;
  if (rate === null || rate === 0) return null;
  if (rate === Number.POSITIVE_INFINITY) return 0;
  return (remainingRatio * (input.windowDays ?? 30) * DAY_MS) / rate;
}
