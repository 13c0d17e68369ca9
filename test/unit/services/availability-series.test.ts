import { describe, expect, it } from 'vitest';
import { MINUTE_MS, type RequestBucket } from '../../../electron/core/availability/request-bucket';
import { availabilitySeries } from '../../../electron/core/services/availability-series';

const NOW = Date.UTC(2026, 11, 4, 12, 0, 30);
const bucket = (minutesAgo: number, ok: number, failed: number): RequestBucket => ({ minute: Math.floor(NOW / MINUTE_MS) - minutesAgo, ok, failed, latencySumMs: 0, latencyMaxMs: 0 });

describe('availability series', () => {
  it('1 h: one point per minute that saw requests, only the last hour, gaps left out', () => {
    const s = availabilitySeries('llama', 99.9, '1h', [bucket(90, 5, 0), bucket(61, 1, 1), bucket(3, 10, 0), bucket(2, 0, 0), bucket(0, 7, 3)], NOW);
    expect(s).toMatchObject({ service: 'llama', target: 99.9, range: '1h', stepMs: MINUTE_MS, from: NOW - 3_600_000, to: NOW });
    expect(s.ts).toEqual([bucket(3, 0, 0).minute * MINUTE_MS, bucket(0, 0, 0).minute * MINUTE_MS]);
    expect([s.ok, s.failed]).toEqual([
      [10, 7],
      [0, 3],
    ]);
  });

  it('30 d: minutes summed into 30-minute points aligned on the half hour', () => {
    const buckets = Array.from({ length: 120 }, (_, i) => bucket(119 - i, 1, i % 30 === 0 ? 1 : 0));
    const s = availabilitySeries('llama', 99, '30d', buckets, NOW);
    expect(s.stepMs).toBe(30 * MINUTE_MS);
    expect(s.ts.every((t) => t % (30 * MINUTE_MS) === 0)).toBe(true);
    expect(s.ok.reduce((a, b) => a + b, 0)).toBe(120);
    expect(s.failed.reduce((a, b) => a + b, 0)).toBe(4);
    expect(s.ts.length).toBeLessThanOrEqual(5);
  });
});
