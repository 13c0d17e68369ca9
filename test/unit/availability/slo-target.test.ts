import { describe, expect, it } from 'vitest';
import { FleetError } from '../../../shared/errors';
import { allowedErrorRate, budgetMinutes, budgetMinutesPerMonth, MONTH_DAYS } from '../../../electron/core/availability/slo-target';

function badRequest(fn: () => unknown): FleetError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(FleetError);
    expect((err as FleetError).code).toBe('BAD_REQUEST');
    return err as FleetError;
  }
  throw new Error('expected a FleetError');
}

describe('SLO targets and budgets in minutes', () => {
  it('uses the average Gregorian month of 30.44 days', () => {
    expect(MONTH_DAYS).toBe(30.436875);
    expect(MONTH_DAYS.toFixed(2)).toBe('30.44');
  });

  it('gives the issue its 43.8 minutes a month at 99.9% and 4.4 at 99.99%', () => {
    // 0.001 × 30.436875 d × 1440 min/d = 43.8291 min; 0.0001 × the same = 4.38291 min.
    expect(budgetMinutesPerMonth(99.9)).toBeCloseTo(43.8291, 10);
    expect(budgetMinutesPerMonth(99.99)).toBeCloseTo(4.38291, 10);
    expect(budgetMinutesPerMonth(99.9).toFixed(1)).toBe('43.8');
    expect(budgetMinutesPerMonth(99.99).toFixed(1)).toBe('4.4');
  });

  it('gives 43.2 minutes over a 30-day window at 99.9%, 432 at 99%, none at 100%', () => {
    expect(budgetMinutes(99.9, 30)).toBeCloseTo(43.2, 10);
    expect(budgetMinutes(99, 30)).toBeCloseTo(432, 10);
    expect(budgetMinutes(100, 30)).toBe(0);
  });

  it('turns a percentage into an exact allowed error rate, without the binary noise of 100 − 99.9', () => {
    expect(100 - 99.9).not.toBe(0.1);
    expect(allowedErrorRate(99.9)).toBe(0.001);
    expect(allowedErrorRate(99.99)).toBe(0.0001);
    expect(allowedErrorRate(99.95)).toBe(0.0005);
    expect(allowedErrorRate(100)).toBe(0);
    expect(allowedErrorRate(0)).toBe(1);
    expect(allowedErrorRate(99.9) * 10_000).toBe(10);
  });

  it.each([100.1, -1, Number.NaN, Number.POSITIVE_INFINITY])('refuses target %s', (target) => {
    expect(badRequest(() => allowedErrorRate(target)).message).toMatch(/SLO target must be a percentage between 0 and 100/);
  });

  it.each([0, -3, Number.NaN])('refuses a window of %s days', (days) => {
    expect(badRequest(() => budgetMinutes(99.9, days)).message).toMatch(/SLO window must be a positive number of days/);
  });
});
