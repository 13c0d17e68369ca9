import { FleetError } from '../../../shared/errors';
import { MINUTES_PER_DAY } from './request-bucket';

/**
 * The average Gregorian month, 365.2425 / 12 = 30.436875 days (the "30.44-day month"), so a
 * month's budget is a twelfth of a year's: 43.8 minutes at 99.9%, 4.4 minutes at 99.99%.
 */
export const MONTH_DAYS = 365.2425 / 12;

/**
 * Targets are percentages given with at most this many decimals (99.9999 has four). Rounding to
 * it removes the binary noise of `100 - 99.9` (0.0999999999999943), so 0.1% of 10 000 requests is
 * exactly 10 allowed failures, not 9.99999999999943.
 */
const TARGET_DECIMALS = 6;

/** Throws unless `target` is a percentage in [0, 100]. */
export function checkTarget(target: number): void {
  if (typeof target !== 'number' || !Number.isFinite(target) || target < 0 || target > 100) {
    throw new FleetError('BAD_REQUEST', `SLO target must be a percentage between 0 and 100, got ${String(target)}`);
  }
}

/** The fraction of requests allowed to fail: 99.9 → 0.001. */
export function allowedErrorRate(target: number): number {
  checkTarget(target);
  const scale = 10 ** TARGET_DECIMALS;
  return Math.round((100 - target) * scale) / (100 * scale);
}

/** Minutes of total outage the target allows over `windowDays` days: (1 − target) × window. */
export function budgetMinutes(target: number, windowDays: number): number {
  if (!Number.isFinite(windowDays) || windowDays <= 0) {
    throw new FleetError('BAD_REQUEST', `SLO window must be a positive number of days, got ${String(windowDays)}`);
  }
  return allowedErrorRate(target) * windowDays * MINUTES_PER_DAY;
}

/** The budget of one average month: 99.9 → 43.83 (shown as 43.8), 99.99 → 4.38 (4.4). */
export function budgetMinutesPerMonth(target: number): number {
  return budgetMinutes(target, MONTH_DAYS);
}
