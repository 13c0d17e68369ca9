import { describe, expect, it } from 'vitest';
import { LatencyWindow, percentile } from '../../../electron/core/replica/latency-window';

describe('nearest-rank percentile', () => {
  it('is null for no sample', () => expect(percentile([], 50)).toBeNull());
  it('picks values that exist', () => {
    const xs = Array.from({ length: 20 }, (_, i) => i + 1); // 1..20
    expect(percentile(xs, 50)).toBe(10);
    expect(percentile(xs, 95)).toBe(19);
    expect(percentile(xs, 100)).toBe(20);
    expect(percentile([7], 95)).toBe(7);
  });
});

describe('latency window', () => {
  it('gives p50 and p95 of the samples in the window', () => {
    const w = new LatencyWindow(60_000, 1000);
    // 100 samples 1..100 ms, in random-ish order: the window sorts them.
    for (let i = 0; i < 100; i++) w.add(1000 + i, ((i * 37) % 100) + 1);
    expect(w.summary(2000)).toEqual({ p50: 50, p95: 95, samples: 100, windowMs: 60_000 });
  });

  it('forgets samples older than the window', () => {
    const w = new LatencyWindow(5 * 60_000, 1000);
    w.add(0, 900); // an old slow spell
    w.add(500, 900);
    w.add(300_000, 10);
    w.add(301_000, 20);
    expect(w.summary(301_000)).toMatchObject({ p50: 10, p95: 20, samples: 2 });
    expect(w.summary(10_000_000)).toMatchObject({ p50: null, p95: null, samples: 0 });
  });

  it('keeps memory bounded when samples come faster than planned', () => {
    const w = new LatencyWindow(5 * 60_000, 64);
    for (let i = 0; i < 100_000; i++) w.add(i, i % 2 === 0 ? 1 : 1000);
    expect(w.size).toBe(64);
    // Only the newest 64 are kept: the most recent samples are what the window describes.
    w.add(100_000, 5000);
    const s = w.summary(100_000);
    expect(s.samples).toBe(64);
    expect(s.p95).toBe(1000);
    expect(new LatencyWindow(60_000, 3).summary(0).samples).toBe(0);
  });

  it('rejects a window that cannot hold anything', () => {
    expect(() => new LatencyWindow(0, 10)).toThrow();
    expect(() => new LatencyWindow(1000, 0)).toThrow();
  });
});
