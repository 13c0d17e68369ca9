import { describe, expect, it } from 'vitest';
import { burnRate, timeToExhaustionMs } from '../../../electron/core/availability/burn-rate';
import { errorBudget } from '../../../electron/core/availability/error-budget';
import { DAY_MS, HOUR_MS, MINUTE_MS, type RequestBucket } from '../../../electron/core/availability/request-bucket';

const M = 28_333_333;
const NOW = M * MINUTE_MS + 30_000;
const b = (minute: number, ok: number, failed: number): RequestBucket => ({ minute, ok, failed, latencySumMs: 0, latencyMaxMs: 0 });
const budgetAfter = (failed: number, target = 99.9) => errorBudget({ target, buckets: [b(M - 10, 10_000 - failed, failed)], now: NOW });

describe('errorBudget', () => {
  it('allows 0.1% of the requests seen at 99.9%: 10 of 10,000', () => {
    const budget = budgetAfter(0);
    expect(budget).toEqual({
      target: 99.9,
      windowDays: 30,
      total: 10_000,
      failed: 0,
      allowedFailures: 10,
      remainingRatio: 1,
      remainingMinutes: expect.closeTo(43.2, 10),
      budgetMinutes: expect.closeTo(43.2, 10),
      exhausted: false,
      minutesWithTraffic: 1,
    });
  });

  it('after 4 failures has 60% left: 25.92 of 43.2 minutes', () => {
    const budget = budgetAfter(4);
    expect(budget.remainingRatio).toBeCloseTo(0.6, 12);
    expect(budget.remainingMinutes).toBeCloseTo(25.92, 10);
    expect(budget.exhausted).toBe(false);
  });

  it('is spent after exactly 10 failures and overspent, negatively, after 15', () => {
    expect(budgetAfter(10)).toMatchObject({ remainingRatio: 0, remainingMinutes: 0, exhausted: true });
    const over = budgetAfter(15);
    expect(over.remainingRatio).toBeCloseTo(-0.5, 12);
    expect(over.remainingMinutes).toBeCloseTo(-21.6, 10);
    expect(over.exhausted).toBe(true);
  });

  it('counts only the last 30 days', () => {
    const old = b(M - 30 * 24 * 60 - 1, 0, 1_000_000); // just before the window
    const budget = errorBudget({ target: 99.9, buckets: [old, b(M, 1000, 0)], now: NOW });
    expect(budget).toMatchObject({ total: 1000, failed: 0, remainingRatio: 1 });
  });

  it('has no remaining ratio without traffic (unknown, not untouched)', () => {
    expect(errorBudget({ target: 99.9, buckets: [], now: NOW })).toMatchObject({
      total: 0,
      allowedFailures: 0,
      remainingRatio: null,
      remainingMinutes: null,
      exhausted: false,
      minutesWithTraffic: 0,
    });
  });

  it('with a 100% target has no budget: untouched until the first failure, then exhausted', () => {
    expect(budgetAfter(0, 100)).toMatchObject({ allowedFailures: 0, remainingRatio: 1, remainingMinutes: 0, budgetMinutes: 0, exhausted: false });
    expect(budgetAfter(1, 100)).toMatchObject({ allowedFailures: 0, remainingRatio: 0, remainingMinutes: 0, exhausted: true });
  });

  it('takes another window length', () => {
    const budget = errorBudget({ target: 99, windowDays: 7, buckets: [b(M - 8 * 24 * 60, 0, 50), b(M, 190, 10)], now: NOW });
    expect(budget).toMatchObject({ windowDays: 7, total: 200, failed: 10, allowedFailures: 2 });
    expect(budget.remainingRatio).toBe(-4);
    expect(budget.budgetMinutes).toBeCloseTo(100.8, 10);
  });
});

describe('burnRate', () => {
  it('is exactly 1 when the error rate equals the allowed rate', () => {
    expect(burnRate({ target: 99.9, buckets: [b(M, 5994, 6)], now: NOW, windowMs: HOUR_MS })).toBe(1);
  });

  it('is 14.4 at 1.44% errors against 99.9%, and 0 without failures', () => {
    expect(burnRate({ target: 99.9, buckets: [b(M, 9856, 144)], now: NOW, windowMs: HOUR_MS })).toBeCloseTo(14.4, 10);
    expect(burnRate({ target: 99.9, buckets: [b(M, 100, 0)], now: NOW, windowMs: HOUR_MS })).toBe(0);
  });

  it('looks only at its window: the last hour versus the last day', () => {
    const buckets = [b(M - 120, 5000, 0), b(M - 10, 990, 10)]; // 2 h ago clean, 10 min ago 1% errors
    expect(burnRate({ target: 99.9, buckets, now: NOW, windowMs: HOUR_MS })).toBeCloseTo(10, 10);
    expect(burnRate({ target: 99.9, buckets, now: NOW, windowMs: DAY_MS })).toBeCloseTo(10 / 6, 10);
  });

  it('is null without traffic in the window', () => {
    expect(burnRate({ target: 99.9, buckets: [b(M - 120, 0, 100)], now: NOW, windowMs: HOUR_MS })).toBeNull();
  });

  it('against a 100% target is 0 without failures and infinite with any', () => {
    expect(burnRate({ target: 100, buckets: [b(M, 100, 0)], now: NOW, windowMs: HOUR_MS })).toBe(0);
    expect(burnRate({ target: 100, buckets: [b(M, 99, 1)], now: NOW, windowMs: HOUR_MS })).toBe(Number.POSITIVE_INFINITY);
  });

  it('refuses a bad target even without traffic', () => {
    expect(() => burnRate({ target: 101, buckets: [], now: NOW, windowMs: HOUR_MS })).toThrow(/SLO target/);
  });
});

describe('timeToExhaustionMs', () => {
  it('at burn rate 1 spends a whole budget in exactly the window', () => {
    expect(timeToExhaustionMs({ remainingRatio: 1, burnRate: 1 })).toBe(30 * DAY_MS);
  });

  it('spends half a budget at burn rate 2 in 7.5 days', () => {
    expect(timeToExhaustionMs({ remainingRatio: 0.5, burnRate: 2 })).toBe(7.5 * DAY_MS);
    expect(timeToExhaustionMs({ remainingRatio: 0.5, burnRate: 2, windowDays: 7 })).toBe(1.75 * DAY_MS);
  });

  it('is 0 when the budget is spent or the burn rate infinite', () => {
    expect(timeToExhaustionMs({ remainingRatio: 0, burnRate: 3 })).toBe(0);
    expect(timeToExhaustionMs({ remainingRatio: -0.5, burnRate: 0 })).toBe(0);
    expect(timeToExhaustionMs({ remainingRatio: 1, burnRate: Number.POSITIVE_INFINITY })).toBe(0);
  });

  it('is null when nothing is being spent or nothing is known', () => {
    expect(timeToExhaustionMs({ remainingRatio: 0.7, burnRate: 0 })).toBeNull();
    expect(timeToExhaustionMs({ remainingRatio: 0.7, burnRate: null })).toBeNull();
    expect(timeToExhaustionMs({ remainingRatio: null, burnRate: 2 })).toBeNull();
  });
});
