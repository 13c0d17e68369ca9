import { describe, expect, it } from 'vitest';
import {
  countSloStates,
  formatBudget,
  formatBurnRate,
  formatExhaustion,
  formatMinutes,
  formatRatio,
  formatTarget,
  meetsTarget,
  MINUTES_PER_MONTH,
  NO_TRAFFIC,
  sloState,
} from '../../../renderer/src/model/availability-format';
import { service } from './builders';

describe('formatRatio', () => {
  it('says "no traffic measured" for null, never 100%', () => {
    expect(formatRatio(null)).toBe('no traffic measured');
    expect(NO_TRAFFIC).toBe('no traffic measured');
  });

  it('shows 100% only for a ratio of 1, and never rounds a lower ratio up to 100%', () => {
    expect(formatRatio(1)).toBe('100%');
    for (const r of [0.99999, 0.999999, 0.9999999, 0.99995]) expect(formatRatio(r)).not.toMatch(/^100/);
    expect(formatRatio(0.99999)).toBe('99.9990%');
    expect(formatRatio(0.99995)).toBe('99.9950%');
  });

  it('keeps enough decimals to tell the nines apart, truncating rather than rounding', () => {
    expect(formatRatio(0.999)).toBe('99.90%');
    expect(formatRatio(0.9999)).toBe('99.990%');
    expect(formatRatio(0.99953)).toBe('99.953%');
    expect(formatRatio(0.99959)).toBe('99.959%');
    expect(formatRatio(0.95)).toBe('95.00%');
    expect(formatRatio(0.5)).toBe('50.00%');
    expect(formatRatio(0)).toBe('0.00%');
    // 2/3 = 66.666…%: truncated, not rounded up to 66.67.
    expect(formatRatio(2 / 3)).toBe('66.66%');
  });
});

describe('formatBurnRate', () => {
  it('writes infinite as ∞, null as a dash, numbers as a multiple', () => {
    expect(formatBurnRate('infinite')).toBe('∞');
    expect(formatBurnRate(null)).toBe('–');
    expect(formatBurnRate(0)).toBe('0.00×');
    expect(formatBurnRate(2.5)).toBe('2.50×');
    expect(formatBurnRate(14.44)).toBe('14.4×');
  });
});

describe('formatMinutes and formatExhaustion', () => {
  it('writes minutes with one decimal, and hours beside them past an hour', () => {
    expect(formatMinutes(4.38)).toBe('4.4 min');
    expect(formatMinutes(43.83)).toBe('43.8 min');
    expect(formatMinutes(0)).toBe('0.0 min');
    expect(formatMinutes(125)).toBe('125.0 min (2h 5m)');
  });

  it('says when the budget runs out at the 1 h burn rate', () => {
    expect(formatExhaustion(null)).toBe('not burning');
    expect(formatExhaustion(0)).toBe('budget spent');
    expect(formatExhaustion(3.2)).toBe('exhausted in 3h 12m');
    expect(formatExhaustion(0.5)).toBe('exhausted in 30m 0s');
  });
});

describe('formatBudget', () => {
  it('shows the remaining ratio as a percentage with its minutes', () => {
    expect(formatBudget({ allowedFailures: 20, failed: 5, remainingRatio: 0.75, remainingMinutes: 32.87 })).toBe('75.0% left (32.9 min)');
    expect(formatBudget({ allowedFailures: 20, failed: 20, remainingRatio: 0, remainingMinutes: 0 })).toBe('0.0% left (0.0 min)');
  });

  it('says overspent for a negative remainder, and no traffic for null', () => {
    expect(formatBudget({ allowedFailures: 20, failed: 25, remainingRatio: -0.25, remainingMinutes: -10.96 })).toBe('overspent: −25.0% (−11.0 min)');
    expect(formatBudget({ allowedFailures: 0, failed: 0, remainingRatio: null, remainingMinutes: null })).toBe('no traffic measured');
  });
});

describe('SLO verdicts', () => {
  it('writes targets as the inventory gives them', () => {
    expect(formatTarget(99.9)).toBe('99.9%');
    expect(formatTarget(99.99)).toBe('99.99%');
  });

  it('meets a target exactly at the line despite float noise, and misses just below it', () => {
    expect(meetsTarget(0.999, 99.9)).toBe(true);
    expect(meetsTarget(1 - 0.001, 99.9)).toBe(true);
    expect(meetsTarget(0.9989, 99.9)).toBe(false);
    expect(meetsTarget(0.9999, 99.99)).toBe(true);
  });

  it('judges a service on its 30-day ratio, and gives no verdict without traffic', () => {
    const none = { successRatio: null, requests: 0, failed: 0 };
    expect(sloState(service('a', { month: { successRatio: 0.9995, requests: 2000, failed: 1 } }))).toBe('meeting');
    expect(sloState(service('b', { month: { successRatio: 0.998, requests: 1000, failed: 2 } }))).toBe('missing');
    expect(sloState(service('c', { month: none }))).toBe('no-data');
    expect(
      countSloStates([service('a'), service('b', { month: { successRatio: 0.99, requests: 100, failed: 1 } }), service('c', { month: none })]),
    ).toEqual({ meeting: 1, missing: 1, 'no-data': 1 });
  });

  it('uses the average month of 30.44 days', () => {
    expect(MINUTES_PER_MONTH).toBeCloseTo(43_829.1, 1);
  });
});
