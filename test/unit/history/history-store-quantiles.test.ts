/**
 * p50/p95 of a replica's latencies through `history.series`, on a real SQLite file: the hour from
 * the raw readings (exactly, per reading or per merged interval), the day from the minutes'
 * sketches and the month from the half hours' (each the exact merge of its minutes), every reply
 * valid against the contract; rows an older build wrote (no sketch) are read alongside and give
 * no p50/p95 rather than a wrong one.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { HistorySeries, quantileOf, type HistoryQuery } from '../../../shared/history';
import type { HistoryStore } from '../../../electron/core/history/history-store';
import { MINUTE_MS } from '../../../electron/core/history/history-store';
import { LatencySketch, SKETCH_RELATIVE_ERROR } from '../../../electron/core/history/quantiles';
import { M0, T0, historyFiles } from './store-setup';

const { setup } = historyFiles();

/** Health probes every 5 s (a spike now and then), a completion every minute; latencies in ms. */
const healthMs = (k: number) => Math.round((2 + ((k * 37) % 11) * 0.3 + (k % 17 === 0 ? 250 : 0)) * 10) / 10;
const completionMs = (k: number) => 300 + ((k * 53) % 29) * 10.3;

function record(h: HistoryStore, minutes: number, from = 0): { health: { at: number; ms: number }[]; completion: number[] } {
  const health: { at: number; ms: number }[] = [];
  const completion: number[] = [];
  for (let k = from * 12; k < (from + minutes) * 12; k++) {
    const at = T0 + k * 5000;
    health.push({ at, ms: healthMs(k) });
    h.recordReplicaProbe('r1', { kind: 'health', at, ok: true, latencyMs: healthMs(k), health: 'healthy' });
    if (k % 12 === 3) {
      completion.push(completionMs(k));
      h.recordReplicaProbe('r1', { kind: 'completion', at: at + 1, ok: true, latencyMs: completionMs(k), health: 'healthy' });
    }
  }
  // A failed probe has no latency: it must not count in the quantiles.
  h.recordReplicaProbe('r1', { kind: 'health', at: T0 + (from + minutes) * MINUTE_MS - 1, ok: false, latencyMs: 2000, failure: 'timeout', health: 'degraded' });
  return { health, completion };
}

const query = (range: HistoryQuery['range'], extra: Partial<HistoryQuery> = {}): HistoryQuery =>
  ({ kind: 'replica', subject: 'r1', metrics: ['healthLatencyMs', 'completionLatencyMs', 'healthOutcome'], range, ...extra }) as HistoryQuery;

function quantilesOf(s: HistorySeries, metric: string) {
  expect(HistorySeries.safeParse(s).success).toBe(true);
  const c = s.columns[metric]!;
  if (c.type !== 'numeric' || !c.p50 || !c.p95) throw new Error(`${metric} has no p50/p95`);
  return { p50: c.p50, p95: c.p95 };
}
const exact = (ms: readonly number[], q: number) => quantileOf(ms, q)!;
/** What the rollups' sketches answer for these readings (stored in 0.1 ms), back in ms. */
function sketched(ms: readonly number[], q: number): number {
  const s = new LatencySketch();
  for (const x of ms) s.add(Math.round(x * 10));
  return Math.round((s.quantile(q, Math.round(Math.min(...ms) * 10), Math.round(Math.max(...ms) * 10))! / 10) * 1000) / 1000;
}

describe('p50/p95 through history.series', () => {
  it('the last hour: each reading its own p50 and p95; merged intervals the exact quantiles of their readings', () => {
    const t = setup();
    const h = t.open();
    const { health } = record(h, 10);
    t.timers.advance(10 * MINUTE_MS + 20_000);
    const each = quantilesOf(h.series(query('1h')), 'healthLatencyMs');
    const s = h.series(query('1h'));
    const healthPoints = s.ts.map((ts, i) => [ts, each.p50[i], each.p95[i]]).filter(([, p]) => p !== null);
    expect(healthPoints).toEqual(health.map((r) => [r.at, r.ms, r.ms]));

    // 10 points over the hour: 400 s intervals, the first holding 80 readings, the second 40.
    const coarse = h.series(query('1h', { maxPoints: 10 }));
    expect(coarse.stepMs).toBe(400_000);
    const q = quantilesOf(coarse, 'healthLatencyMs');
    const groups = [health.filter((r) => r.at < T0 + 400_000), health.filter((r) => r.at >= T0 + 400_000)].map((g) => g.map((r) => r.ms));
    expect(q.p50).toEqual(groups.map((g) => exact(g, 0.5)));
    expect(q.p95).toEqual(groups.map((g) => exact(g, 0.95)));
    expect(q.p95[0]).toBe(252); // the spikes are 5 of 80 (252 … 254.4 ms): p95 is the smallest of them

    // Intervals asked for (what the replica plot does): 30 s each, however few readings there are.
    const thirty = h.series(query('1h', { stepMs: 30_000 }));
    expect(thirty.stepMs).toBe(30_000);
    expect(thirty.ts).toEqual(Array.from({ length: 20 }, (_, i) => T0 + i * 30_000));
    const tq = quantilesOf(thirty, 'healthLatencyMs');
    const intervals = thirty.ts.map((ts) => health.filter((r) => r.at >= ts && r.at < ts + 30_000).map((r) => r.ms));
    expect(tq.p50).toEqual(intervals.map((g) => exact(g, 0.5)));
    expect(tq.p95).toEqual(intervals.map((g) => exact(g, 0.95)));
  });

  it('the day from each minute’s sketch (the minute in progress from memory), the month from the half hour’s', () => {
    const t = setup();
    const h = t.open();
    const { health, completion } = record(h, 4);
    t.timers.advance(3 * MINUTE_MS + 20_000); // minutes 0–2 written, minute 3 still open
    const day = h.series(query('24h'));
    expect(day.ts).toEqual([0, 1, 2, 3].map((m) => T0 + m * MINUTE_MS));
    const q = quantilesOf(day, 'healthLatencyMs');
    for (let m = 0; m < 4; m++) {
      const minute = health.slice(m * 12, (m + 1) * 12).map((r) => r.ms);
      for (const [p, got] of [[0.5, q.p50[m]!], [0.95, q.p95[m]!]] as const) {
        expect(got).toBe(sketched(minute, p));
        expect(Math.abs(got - exact(minute, p))).toBeLessThanOrEqual(exact(minute, p) * SKETCH_RELATIVE_ERROR);
      }
    }
    // One completion a minute: its p50 and p95 are that completion.
    expect(quantilesOf(day, 'completionLatencyMs').p95).toEqual(completion.map((c) => Math.round(c * 10) / 10));

    t.timers.advance(MINUTE_MS); // all four written, and merged into the half hour on disk
    expect(t.count('SELECT COUNT(*) FROM history_rollup WHERE step = 30')).toBe(1);
    const month = h.series(query('30d'));
    expect(month).toMatchObject({ source: '30m', ts: [T0] });
    const all = health.map((r) => r.ms);
    const mq = quantilesOf(month, 'healthLatencyMs');
    expect([mq.p50[0], mq.p95[0]]).toEqual([sketched(all, 0.5), sketched(all, 0.95)]);
    for (const [p, got] of [[0.5, mq.p50[0]!], [0.95, mq.p95[0]!]] as const) {
      expect(Math.abs(got - exact(all, p))).toBeLessThanOrEqual(exact(all, p) * SKETCH_RELATIVE_ERROR);
    }
    // A day asked in hours merges the minutes' sketches: the same as the half hour's.
    const hours = h.series(query('24h', { stepMs: 3_600_000 }));
    expect(hours).toMatchObject({ stepMs: 3_600_000, ts: [T0] });
    const coarse = quantilesOf(hours, 'healthLatencyMs');
    expect([coarse.p50[0], coarse.p95[0]]).toEqual([mq.p50[0], mq.p95[0]]);
  });

  it('reads rows an older build wrote (no sketch) beside new ones: their points have no p50/p95', () => {
    const t = setup();
    // As the encoder before sketches wrote them (see rollup-quantiles.test.ts): a replica minute of
    // 11 health probes from 2.1 to 31.4 ms and a refused one, with one completion of 412.7 ms.
    const oldRow = Buffer.from('0ddf070201000b0b382382020c0201000b019f200000010000', 'hex');
    const db = new Database(t.file);
    const id = db.prepare("INSERT INTO history_subjects (kind, name) VALUES (2, 'r1')").run().lastInsertRowid;
    db.prepare('INSERT INTO history_rollup (step, bucket, subject, stats) VALUES (1, ?, ?, ?), (30, ?, ?, ?)').run(M0 - 1, id, oldRow, M0, id, oldRow);
    db.close();

    const h = t.open();
    record(h, 2);
    t.timers.advance(2 * MINUTE_MS + 20_000);
    const day = h.series(query('24h'));
    expect(day.ts).toEqual([T0 - MINUTE_MS, T0, T0 + MINUTE_MS]);
    const q = quantilesOf(day, 'healthLatencyMs');
    expect(q.p50[0]).toBeNull();
    expect(q.p50.slice(1).every((x) => x !== null && x > 0)).toBe(true);
    expect(day.columns.healthLatencyMs).toMatchObject({ min: [2.1, expect.any(Number), expect.any(Number)], max: [31.4, expect.any(Number), expect.any(Number)] });
    // The half hour was written by the old build and then by this one: part of it has a sketch.
    const month = h.series(query('30d'));
    expect(month.samples).toEqual([13 + 2 * 12 + 2 + 1]); // the old row's, then 24 health probes, 2 completions, 1 failure
    expect(quantilesOf(month, 'healthLatencyMs').p50).toEqual([null]);
  });
});
