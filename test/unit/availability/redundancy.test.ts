import { describe, expect, it } from 'vitest';
import { FleetError } from '../../../shared/errors';
import { downtimeMinutesPerMonth, meetsTarget, redundancyEstimate, redundancyOfReplicas, whatRedundancyBuys } from '../../../electron/core/availability/redundancy';

describe('redundancyEstimate: 1 − (1 − a)^N', () => {
  it.each([
    [0.99, 1, 0.99],
    [0.99, 2, 0.9999],
    [0.99, 3, 0.999999],
    [0.9, 3, 0.999],
    [0.5, 2, 0.75],
    [0, 4, 0],
    [1, 2, 1],
  ])('a = %s, N = %s → %s', (a, n, expected) => {
    expect(redundancyEstimate(a, n)).toBeCloseTo(expected, 12);
  });

  it.each([
    [1.5, 2, /availability must be a ratio between 0 and 1/],
    [99.9, 2, /availability must be a ratio between 0 and 1/],
    [Number.NaN, 2, /availability/],
    [0.9, 0, /replica count must be a positive integer/],
    [0.9, 1.5, /replica count must be a positive integer/],
  ])('refuses a = %s, N = %s', (a, n, message) => {
    let error: unknown;
    try {
      redundancyEstimate(a, n);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(FleetError);
    expect((error as FleetError).code).toBe('BAD_REQUEST');
    expect((error as FleetError).message).toMatch(message);
  });
});

describe('redundancyOfReplicas: 1 − Π(1 − a_i)', () => {
  it('weighs each replica by its own availability', () => {
    expect(redundancyOfReplicas([0.97, 0.988])).toBeCloseTo(1 - 0.03 * 0.012, 15);
    expect(redundancyOfReplicas([0.9])).toBeCloseTo(0.9, 15);
    // A replica that never answers adds nothing.
    expect(redundancyOfReplicas([0.99, 0])).toBeCloseTo(0.99, 15);
  });

  it('equals redundancyEstimate when every replica is alike', () => {
    expect(redundancyOfReplicas([0.99, 0.99, 0.99])).toBeCloseTo(redundancyEstimate(0.99, 3), 15);
  });

  it('refuses no replicas and a value that is not a ratio', () => {
    expect(() => redundancyOfReplicas([])).toThrow(/replica count must be a positive integer, got 0/);
    expect(() => redundancyOfReplicas([0.9, 97])).toThrow(/availability must be a ratio between 0 and 1, got 97/);
  });
});

describe('meetsTarget', () => {
  it('compares with the allowed error rate, forgiving float noise at the boundary', () => {
    // 1 − 0.999 is 0.0010000000000000009 in floating point: still 99.9%.
    expect(meetsTarget(0.999, 99.9)).toBe(true);
    expect(meetsTarget(0.99899, 99.9)).toBe(false);
    expect(meetsTarget(1, 99.99)).toBe(true);
  });
});

describe('whatRedundancyBuys', () => {
  it('lists 1 … N replicas next to the 99.9% / 99.99% lines', () => {
    const table = whatRedundancyBuys(0.99, 3);
    expect(table.single).toBe(0.99);
    expect(table.lines.map((l) => [l.target, Number(l.minutesPerMonth.toFixed(1))])).toEqual([
      [99.9, 43.8],
      [99.99, 4.4],
    ]);
    expect(table.rows.map((r) => r.replicas)).toEqual([1, 2, 3]);
    // One replica at 99% is down 1% of 43,829.1 minutes a month: 438.291; two, 1% of that.
    expect(table.rows[0].downtimeMinutesPerMonth).toBeCloseTo(438.291, 9);
    expect(table.rows[1].downtimeMinutesPerMonth).toBeCloseTo(4.38291, 9);
    expect(table.rows[2].downtimeMinutesPerMonth).toBeCloseTo(0.0438291, 9);
    expect(table.rows.map((r) => r.meets)).toEqual([
      { '99.9': false, '99.99': false },
      { '99.9': true, '99.99': true },
      { '99.9': true, '99.99': true },
    ]);
  });

  it('counts a replica exactly at the target as meeting it despite float noise', () => {
    expect(1 - 0.999).toBeGreaterThan(0.001);
    expect(whatRedundancyBuys(0.999, 1).rows[0].meets).toEqual({ '99.9': true, '99.99': false });
  });

  it('converts availability into monthly downtime', () => {
    expect(downtimeMinutesPerMonth(0.999)).toBeCloseTo(43.8291, 9);
    expect(downtimeMinutesPerMonth(1)).toBe(0);
  });
});
