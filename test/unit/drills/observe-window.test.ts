/**
 * The hypothesis math on an injected clock: the sliding window's success ratio and p95, what counts
 * (skipped probes fail without a latency), the window's edge, and when a breach starts and ends.
 */
import { describe, expect, it } from 'vitest';
import { HypothesisTracker, ProbeWindow, holds } from '../../../electron/core/drills/observe/probe-window';
import { SecondSeries } from '../../../electron/core/drills/observe/second-series';

const T = 1_800_000_000_000; // a whole second

describe('ProbeWindow', () => {
  it('gives the success ratio and nearest-rank p95 of what ended inside the window', () => {
    const w = new ProbeWindow(10);
    // 20 probes, latencies 10 … 200 ms, the last two failed.
    for (let i = 1; i <= 20; i++) w.add(T + i * 100, i <= 18, i * 10);
    const s = w.summary(T + 2000);
    expect(s.requests).toBe(20);
    expect(s.successPct).toBe(90);
    // Nearest rank: ceil(0.95 × 20) = 19th smallest.
    expect(s.p95Ms).toBe(190);
  });

  it('drops what ended at or before now − window, and keeps what ended after', () => {
    const w = new ProbeWindow(5);
    w.add(T, false, 900);
    w.add(T + 1000, true, 10);
    expect(w.summary(T + 4999)).toEqual({ requests: 2, successPct: 50, p95Ms: 900 });
    // Exactly window later the first one is out: the window is (now − 5 s, now].
    expect(w.summary(T + 5000)).toEqual({ requests: 1, successPct: 100, p95Ms: 10 });
    expect(w.summary(T + 6000)).toEqual({ requests: 0, successPct: null, p95Ms: null });
  });

  it('counts a skipped probe as failed but gives it no latency', () => {
    const w = new ProbeWindow(10);
    w.add(T, true, 40);
    w.add(T + 1, false, null);
    expect(w.summary(T + 2)).toEqual({ requests: 2, successPct: 50, p95Ms: 40 });
  });

  it('keeps the latencies sorted as probes come and go (p95 after many evictions)', () => {
    const w = new ProbeWindow(1);
    // 3,000 probes a millisecond apart with latencies in a shuffled order; only the last 1,000 ms count.
    const lat = (i: number) => (i * 7919) % 3000;
    for (let i = 0; i < 3000; i++) w.add(T + i, true, lat(i));
    const kept = Array.from({ length: 1000 }, (_, k) => lat(2000 + k)).sort((a, b) => a - b);
    const s = w.summary(T + 2999);
    expect(s.requests).toBe(1000);
    expect(s.p95Ms).toBe(kept[949]);
  });

  it('an empty window holds; otherwise both limits must be met', () => {
    const limits = { minSuccessPct: 95, maxP95Ms: 500, windowSeconds: 10 };
    expect(holds(limits, { requests: 0, successPct: null, p95Ms: null })).toBe(true);
    expect(holds(limits, { requests: 20, successPct: 95, p95Ms: 500 })).toBe(true);
    expect(holds(limits, { requests: 20, successPct: 94.9, p95Ms: 10 })).toBe(false);
    expect(holds(limits, { requests: 20, successPct: 100, p95Ms: 501 })).toBe(false);
  });
});

describe('HypothesisTracker', () => {
  it('breaks at the probe that takes the window under the limit, once, and holds again when enough failures left the window', () => {
    const h = new HypothesisTracker({ minSuccessPct: 80, maxP95Ms: 1000, windowSeconds: 10 });
    // 10 good probes, one a second.
    for (let i = 0; i < 10; i++) expect(h.add(T + i * 1000, true, 20)).toBeNull();
    // Failures: 10 ok + 2 failed = 83 % still holds; the third failure makes it 10/13 = 76.9 %.
    expect(h.add(T + 10_000, false, 5)).toBeNull(); // the first probe (T) left the window: 9 ok + 1 failed
    expect(h.add(T + 10_100, false, 5)).toBeNull(); // 9 / 11 = 81.8 %
    const broke = h.add(T + 10_200, false, 5); // 9 / 12 = 75 %
    expect(broke).toEqual({ kind: 'broken', at: T + 10_200, successPct: 75, p95Ms: 20 });
    expect(h.state()).toMatchObject({ holds: false, brokenSince: T + 10_200, successPct: 75, requests: 12 });
    // More failures do not break it again.
    expect(h.add(T + 10_300, false, 5)).toBeNull();
    // Good probes every 500 ms from now on: it holds again once the window is back at 80 %. At
    // +17.5 s the window (7.5 s, 17.5 s] has the ok probes of 8 s and 9 s, the 4 failures and 14
    // new ok probes: 16 / 20.
    let held = null;
    for (let t = T + 11_000; t <= T + 21_000 && !held; t += 500) held = h.add(t, true, 20);
    expect(held).toEqual({ kind: 'held', at: T + 17_500 });
    expect(h.state()).toMatchObject({ holds: true, brokenSince: null, successPct: 80, requests: 20 });
  });

  it('breaks on latency alone: a timeout-long p95 with every probe answered', () => {
    const h = new HypothesisTracker({ minSuccessPct: 50, maxP95Ms: 300, windowSeconds: 5 });
    expect(h.add(T, true, 100)).toBeNull();
    expect(h.add(T + 100, true, 2000)).toEqual({ kind: 'broken', at: T + 100, successPct: 100, p95Ms: 2000 });
  });

  it('holds again on the tick alone when the breach leaves the window and nothing new arrives', () => {
    const h = new HypothesisTracker({ minSuccessPct: 90, maxP95Ms: 1000, windowSeconds: 2 });
    expect(h.add(T, false, 10)).toMatchObject({ kind: 'broken' });
    expect(h.evaluate(T + 1999)).toBeNull();
    expect(h.evaluate(T + 2000)).toEqual({ kind: 'held', at: T + 2000 });
    expect(h.state()).toEqual({ holds: true, brokenSince: null, successPct: null, p95Ms: null, requests: 0 });
  });
});

describe('SecondSeries', () => {
  it('buckets probes by the wall second they were due, zero-fills quiet seconds and sums LB deltas', () => {
    const s = new SecondSeries(T + 300);
    s.probe(T + 400, true, 10);
    s.probe(T + 900, true, 30);
    s.probe(T + 950, false, 2000); // a timeout counts in the second it was sent
    s.probe(T + 2100, false, null); // skipped at the cap: sent and failed, no latency
    s.lb(T + 500, { hrsp5xx: 1, econ: 0, eresp: 2, retries: 3, redispatches: 1 });
    s.lb(T + 700, { hrsp5xx: 1, econ: 1, eresp: 0, retries: 0, redispatches: 0 });
    const out = s.seconds(T + 2500);
    expect(out.map((x) => x.at)).toEqual([T, T + 1000, T + 2000]);
    expect(out[0]).toEqual({ at: T, sent: 3, ok: 2, failed: 1, p50Ms: 30, p95Ms: 2000, maxMs: 2000, lb: { hrsp5xx: 2, econ: 1, eresp: 2, retries: 3, redispatches: 1 } });
    expect(out[1]).toEqual({ at: T + 1000, sent: 0, ok: 0, failed: 0, p50Ms: null, p95Ms: null, maxMs: null, lb: { hrsp5xx: 0, econ: 0, eresp: 0, retries: 0, redispatches: 0 } });
    expect(out[2]).toMatchObject({ sent: 1, ok: 0, failed: 1, p50Ms: null, maxMs: null });
  });
});
