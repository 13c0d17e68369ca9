import { bucketsInWindow, DAY_MS, totals, type RequestBucket } from './request-bucket';
import { allowedErrorRate, budgetMinutes } from './slo-target';

export interface ErrorBudgetInput {
  /** Percent of requests that must succeed, e.g. 99.9. */
  target: number;
  /** The SLO window; the SLOs are over 30 days. */
  windowDays?: number;
  buckets: readonly RequestBucket[];
  now: number;
}

export interface ErrorBudget {
  target: number;
  windowDays: number;
  total: number;
  failed: number;
  /** (1 − target) × the requests seen in the window: the budget of a request-based SLO, in requests. May be fractional. */
  allowedFailures: number;
  /**
   * 1 − failed / allowedFailures: 1 = untouched, 0 = spent, negative = overspent (−1 = twice the
   * budget). `null` without traffic. A 100% target has no budget: 1 while nothing has failed, 0
   * (and `exhausted`) from the first failure on.
   */
  remainingRatio: number | null;
  /**
   * The remaining ratio in minutes of total outage over the whole window (remainingRatio ×
   * budgetMinutes). When the store holds less than the window (a new service, a pruned store),
   * this assumes the error rate seen so far is representative of the window: `minutesWithTraffic`
   * says how much was actually measured.
   */
  remainingMinutes: number | null;
  /** The whole window's budget in minutes of total outage: 43.2 for 99.9% over 30 days. */
  budgetMinutes: number;
  exhausted: boolean;
  minutesWithTraffic: number;
}

/** The error budget of a request-based SLO over the last `windowDays` days before `now`. */
export function errorBudget(input: ErrorBudgetInput): ErrorBudget {
  const windowDays = input.windowDays ?? 30;
  const windowBudgetMinutes = budgetMinutes(input.target, windowDays);
  const allowedRate = allowedErrorRate(input.target);
  const t = totals(bucketsInWindow(input.buckets, { now: input.now, windowMs: windowDays * DAY_MS }));
  const allowedFailures = allowedRate * t.total;

  let remainingRatio: number | null;
  if (t.total === 0) remainingRatio = null;
  else if (allowedFailures === 0) remainingRatio = t.failed === 0 ? 1 : 0;
  else remainingRatio = 1 - t.failed / allowedFailures;

  return {
    target: input.target,
    windowDays,
    total: t.total,
    failed: t.failed,
    allowedFailures,
    remainingRatio,
    remainingMinutes: remainingRatio === null ? null : remainingRatio * windowBudgetMinutes,
    budgetMinutes: windowBudgetMinutes,
    exhausted: remainingRatio !== null && remainingRatio <= 0,
    minutesWithTraffic: t.minutesWithTraffic,
  };
}
