/**
 * The multi-window burn-rate rule on hand-made minutes: it fires only when both windows burn at
 * or above the factor (a burst that ended, or a slow leak, does not), takes the first alert that
 * fires, sees no burn in silence, and the inventory configures it (defaults, overrides, bad values
 * refused with the field named).
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_BURN_ALERTS, describeFastBurn, fastBurn, longestWindowMs } from '../../../electron/core/incidents/burn-rule';
import type { RequestBucket } from '../../../electron/core/availability/request-bucket';
import { InventorySlo } from '../../../shared/inventory';

const NOW = 1_000 * 60_000 + 30_000; // half way through minute 1000
const minute = (m: number, ok: number, failed: number): RequestBucket => ({ minute: m, ok, failed, latencySumMs: 0, latencyMaxMs: 0 });
/** `n` minutes ending with the current one, each with `ok` and `failed` requests. */
const minutes = (n: number, ok: number, failed: number) => Array.from({ length: n }, (_, i) => minute(1000 - n + 1 + i, ok, failed));

describe('fastBurn', () => {
  it('fires when the last hour and the last 5 minutes both burn at 14.4× or more (99.9 %: 1.44 % failed)', () => {
    const f = fastBurn({ target: 99.9, buckets: minutes(61, 980, 20), now: NOW, alerts: DEFAULT_BURN_ALERTS });
    expect(f?.alert).toBe(DEFAULT_BURN_ALERTS[0]);
    expect(f?.long).toBeCloseTo(20, 5);
    expect(f?.short).toBeCloseTo(20, 5);
    expect(describeFastBurn(f!)).toBe('burning its error budget at 20.0× over 1 h and 20.0× over 5 min (alert at 14.4×)');
  });

  it('does not fire just below the factor', () => {
    expect(fastBurn({ target: 99.9, buckets: minutes(61, 9860, 140), now: NOW, alerts: [DEFAULT_BURN_ALERTS[0]!] })).toBeNull(); // 14.0×
    expect(fastBurn({ target: 99.9, buckets: minutes(61, 9856, 144), now: NOW, alerts: [DEFAULT_BURN_ALERTS[0]!] })).not.toBeNull(); // 14.4×
  });

  it('a burst that is over (the last 5 minutes clean) does not fire, though the hour still burns', () => {
    const buckets = [...minutes(61, 900, 100).slice(0, 54), ...minutes(7, 1000, 0)];
    expect(fastBurn({ target: 99.9, buckets, now: NOW, alerts: [DEFAULT_BURN_ALERTS[0]!] })).toBeNull();
  });

  it('a fresh burst the hour has not made significant yet does not fire', () => {
    const buckets = [...minutes(61, 10_000, 0).slice(0, 58), ...minutes(3, 900, 100)];
    expect(fastBurn({ target: 99.9, buckets, now: NOW, alerts: [DEFAULT_BURN_ALERTS[0]!] })).toBeNull();
  });

  it('the slower pair catches a steady 6× burn the fast pair does not', () => {
    const f = fastBurn({ target: 99.9, buckets: minutes(361, 993, 7), now: NOW, alerts: DEFAULT_BURN_ALERTS });
    expect(f?.alert).toBe(DEFAULT_BURN_ALERTS[1]);
  });

  it('silence is no burn; a 100 % target burns infinitely from the first failure', () => {
    expect(fastBurn({ target: 99.9, buckets: [], now: NOW, alerts: DEFAULT_BURN_ALERTS })).toBeNull();
    expect(fastBurn({ target: 99.9, buckets: minutes(61, 0, 0), now: NOW, alerts: DEFAULT_BURN_ALERTS })).toBeNull();
    expect(longestWindowMs(DEFAULT_BURN_ALERTS)).toBe(6 * 3_600_000);
  });
});

describe('inventory slo[].alerts', () => {
  const slo = { service: 'llama', target: 99.9, probe: 'frontend' as const };
  it('takes alerts as durations and a factor', () => {
    expect(InventorySlo.parse({ ...slo, alerts: [{ long: '1h', short: '5m', burnRate: 14.4 }] }).alerts).toEqual([{ long: '1h', short: '5m', burnRate: 14.4 }]);
    expect(InventorySlo.parse({ ...slo, alerts: [] }).alerts).toEqual([]);
  });
  it('refuses a short window not shorter than the long one, a window past 30 days, a factor ≤ 1, an unknown field', () => {
    const issue = (alerts: unknown) => {
      const r = InventorySlo.safeParse({ ...slo, alerts });
      return r.success ? null : `${r.error.issues[0]!.path.join('.')}: ${r.error.issues[0]!.message}`;
    };
    expect(issue([{ long: '5m', short: '1h', burnRate: 10 }])).toBe('alerts.0.short: the short window must be shorter than the long one');
    expect(issue([{ long: '31d', short: '1h', burnRate: 10 }])).toBe('alerts.0.long: the long window is at most the 30-day SLO window');
    expect(issue([{ long: '1h', short: '5m', burnRate: 1 }])).toMatch(/^alerts\.0\.burnRate: /);
    expect(issue([{ long: '1h', short: '5 min', burnRate: 10 }])).toMatch(/^alerts\.0\.short: a duration is/);
    expect(issue([{ long: '1h', short: '5m', burnRate: 10, page: true }])).toMatch(/^alerts\.0: /);
  });
});
