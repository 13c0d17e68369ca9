/**
 * The history store on a real SQLite file, with a clock the test moves: readings are written in
 * one transaction per flush (never one per reading), each minute's rollups once it has ended
 * (merged into its half hour), pruning keeps raw for an hour, minutes for a day and half hours
 * for 30 days, and a series is read from raw, 1-minute or 30-minute rows by its range, capped in
 * points; a bad query is a FleetError that says what is wrong.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { FleetError } from '../../../shared/errors';
import type { HistoryQuery, HistorySeries } from '../../../shared/history';
import { HistoryStore, MINUTE_MS } from '../../../electron/core/history/history-store';
import { gpu, nodeReading } from './fixtures';
import { DAY, HOUR, M0, T0, historyFiles } from './store-setup';

const { setup, cleanup } = historyFiles();

const temps = (h: HistoryStore, range: HistoryQuery['range'], extra: Partial<HistoryQuery> = {}) =>
  h.series({ kind: 'gpu', subject: 'n1', gpu: 0, metrics: ['temperatureC'], range, ...extra } as HistoryQuery);
const numeric = (s: HistorySeries, metric: string) => {
  const c = s.columns[metric]!;
  if (c.type !== 'numeric') throw new Error(`${metric} is not numeric`);
  return c;
};
const statements = (sql: string[], re: RegExp) => sql.filter((s) => re.test(s)).length;

function expectFleetError(fn: () => unknown, code: string, message: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(FleetError);
  expect((caught as FleetError).code).toBe(code);
  expect((caught as FleetError).message).toMatch(message);
}

describe('writing in batches', () => {
  it('records in memory only, then writes a whole probe cycle in one transaction', () => {
    const t = setup();
    const h = t.open();
    for (let i = 0; i < 1000; i++) h.recordNodeProbe(`n${i}`, nodeReading(T0 + i * 9));
    h.recordReplicaProbe('r1', { kind: 'health', at: T0, ok: true, latencyMs: 3.2, health: 'healthy' });
    h.recordReplicaProbe('r1', { kind: 'completion', at: T0, ok: true, latencyMs: 312, health: 'healthy' }); // same ms: both kept
    h.recordLbPoll('lb', T0, [
      { backend: 'llama', server: 'r1', status: 'UP', sessions: 3 },
      { backend: 'llama', server: 'r2', status: 'DOWN 1/2', sessions: 0 },
    ]);
    expect(t.sql).toEqual([]);
    expect(h.backlog()).toEqual({ samples: 1004, openMinutes: 1 });

    t.timers.advance(10_000); // the flush timer
    expect(statements(t.sql, /^BEGIN/)).toBe(1);
    expect(statements(t.sql, /^COMMIT/)).toBe(1);
    expect(statements(t.sql, /^INSERT OR REPLACE INTO history_raw/)).toBe(1004);
    expect(statements(t.sql, /history_rollup/i)).toBe(2); // only the once-a-minute prune: the minute has not ended
    expect(t.count('SELECT COUNT(*) FROM history_raw')).toBe(1004);
    expect(t.count('SELECT COUNT(*) FROM history_subjects')).toBe(1003);
    expect(h.backlog()).toEqual({ samples: 0, openMinutes: 1 });
  });

  it("writes a minute's rollups, merged into its half hour, in the first flush after it ended (and its grace)", () => {
    const t = setup();
    const h = t.open();
    for (let k = 0; k < 6; k++) h.recordNodeProbe('n1', nodeReading(T0 + k * 10_000, { gpus: [gpu(0, { temperatureC: 60 + k })] }));
    t.timers.advance(MINUTE_MS); // flushes at 10 s … 60 s: the minute ended, its grace (15 s) not yet
    expect(t.count('SELECT COUNT(*) FROM history_rollup')).toBe(0);
    t.sql.length = 0;
    t.timers.advance(20_000); // the flush at 80 s
    // The timer keeps running while a minute is open: one more flush, one transaction, both rows.
    expect(statements(t.sql, /^BEGIN/)).toBe(1);
    expect(t.count('SELECT COUNT(*) FROM history_rollup WHERE step = 1 AND bucket = ?', M0)).toBe(1);
    expect(t.count('SELECT COUNT(*) FROM history_rollup WHERE step = 30 AND bucket = ?', M0)).toBe(1);
    expect(h.backlog()).toEqual({ samples: 0, openMinutes: 0 });
    const day = temps(h, '24h');
    expect(day).toMatchObject({ source: '1m', stepMs: MINUTE_MS, ts: [T0], samples: [6] });
    expect(numeric(day, 'temperatureC')).toMatchObject({ values: [62.5], min: [60], max: [65] });
  });

  it('writes a big minute over several flushes a moment apart, each bounded, and reads it whole meanwhile', () => {
    const t = setup();
    const h = t.open({ closeBatch: 250 });
    for (let i = 0; i < 600; i++) h.recordNodeProbe(`n${i}`, nodeReading(T0 + i * 10));
    t.timers.advance(70_000);
    const rollups = () => t.count('SELECT COUNT(*) FROM history_rollup WHERE step = 1');
    t.sql.length = 0;
    t.timers.advance(10_000); // 80 s: the minute (and its grace) has ended
    expect(rollups()).toBe(250);
    expect(statements(t.sql, /^BEGIN/)).toBe(1);
    // Written or not yet, each node's minute is there once.
    for (const name of ['n0', 'n599']) expect(h.series({ kind: 'node', subject: name, metrics: ['latencyMs'], range: '24h' })).toMatchObject({ ts: [T0], samples: [1] });
    t.timers.advance(100);
    expect(rollups()).toBe(500);
    t.timers.advance(100);
    expect(rollups()).toBe(600);
    expect(statements(t.sql, /^BEGIN/)).toBe(3);
    expect(t.count('SELECT COUNT(*) FROM history_rollup WHERE step = 30')).toBe(600);
    expect(h.backlog()).toEqual({ samples: 0, openMinutes: 0 });
    t.timers.advance(10 * MINUTE_MS);
    expect(t.timers.pending.size).toBe(0); // nothing left to do: no timer
  });
});

describe('series', () => {
  it('reads the last hour from raw readings, the day from minutes and the month from half hours', () => {
    const t = setup();
    const h = t.open();
    // 12 probes over two minutes, then two more in the minute in progress.
    for (let k = 0; k < 14; k++) h.recordNodeProbe('n1', nodeReading(T0 + k * 10_000, { gpus: [gpu(0, { temperatureC: 50 + k })] }));
    t.timers.advance(2 * MINUTE_MS + 20_000);

    const hour = temps(h, '1h');
    expect(hour).toMatchObject({ source: 'raw', stepMs: null, gpu: 0, to: t.timers.nowMs, from: t.timers.nowMs - HOUR });
    expect(hour.ts).toEqual(Array.from({ length: 14 }, (_, k) => T0 + k * 10_000));
    expect(numeric(hour, 'temperatureC').values).toEqual(Array.from({ length: 14 }, (_, k) => 50 + k));

    const day = temps(h, '24h');
    expect(day.ts).toEqual([T0, T0 + MINUTE_MS, T0 + 2 * MINUTE_MS]); // the last from memory: not written yet
    expect(day.samples).toEqual([6, 6, 2]);
    expect(numeric(day, 'temperatureC')).toMatchObject({ values: [52.5, 58.5, 62.5], min: [50, 56, 62], max: [55, 61, 63] });

    const month = temps(h, '30d');
    expect(month).toMatchObject({ source: '30m', stepMs: 30 * MINUTE_MS, ts: [T0], samples: [14] });
    expect(numeric(month, 'temperatureC')).toMatchObject({ min: [50], max: [63] });
    expect(numeric(month, 'temperatureC').values[0]).toBeCloseTo(56.5, 1);
  });

  it('gives every kind its columns: states with counts per class, outcomes, masks', () => {
    const t = setup();
    const h = t.open();
    h.recordNodeProbe('n1', nodeReading(T0, { gpus: [gpu(0, { clockEventReasons: ['sw_thermal_slowdown', 'hw_thermal_slowdown'] })] }));
    h.recordNodeProbe('n1', nodeReading(T0 + 10_000, { error: { code: 'PROBE_TIMEOUT' }, gpus: [], health: 'unhealthy' }));
    h.recordReplicaProbe('r1', { kind: 'health', at: T0, ok: false, latencyMs: 2, failure: 'refused', health: 'unreachable' });
    h.recordLbPoll('lb', T0, [{ backend: 'llama', server: 'r1', status: 'MAINT', sessions: 0 }]);
    t.timers.advance(20_000);
    const node = h.series({ kind: 'node', subject: 'n1', metrics: ['latencyMs', 'outcome', 'health'], range: '1h' });
    expect(node.columns).toMatchObject({
      latencyMs: { values: [120.3, null] },
      outcome: { type: 'categorical', values: ['ok', 'timeout'], counts: { ok: [1, 0], timeout: [0, 1] } },
      health: { values: ['healthy', 'unhealthy'] },
    });
    const reasons = h.series({ kind: 'gpu', subject: 'n1', gpu: 0, metrics: ['clockEventReasons'], range: '1h' });
    expect(reasons.ts).toEqual([T0]); // the failed probe read no GPU: no point
    expect(reasons.columns.clockEventReasons).toMatchObject({ type: 'flags', values: [0x60], active: [1] });
    expect(h.series({ kind: 'replica', subject: 'r1', metrics: ['healthOutcome'], range: '24h' }).columns.healthOutcome).toMatchObject({ values: ['refused'] });
    // A completion-only metric: the health probe holds none of it, so there is no point.
    expect(h.series({ kind: 'replica', subject: 'r1', metrics: ['completionLatencyMs'], range: '1h' }).ts).toEqual([]);
    expect(h.series({ kind: 'lbServer', subject: 'lb/llama/r1', metrics: ['status'], range: '1h' }).columns.status).toMatchObject({ values: ['MAINT'] });
  });

  it('caps the points: readings every second for an hour come back as at most 1,500 coarser points', () => {
    const t = setup();
    const h = t.open();
    for (let s = 0; s < 3600; s++) {
      h.recordLbPoll('lb', T0 + s * 1000, [{ backend: 'b', server: 's', status: 'UP', sessions: s % 10 }]);
      t.timers.advance(1000);
    }
    const q: HistoryQuery = { kind: 'lbServer', subject: 'lb/b/s', metrics: ['sessions'], range: '1h' };
    const hour = h.series(q);
    expect(hour.ts.length).toBeLessThanOrEqual(1500);
    expect(hour).toMatchObject({ source: 'raw', stepMs: 3000 });
    expect(hour.samples.slice(1, 4)).toEqual([3, 3, 3]);
    expect(numeric(hour, 'sessions')).toMatchObject({ min: expect.arrayContaining([0]), max: expect.arrayContaining([9]) });
    const narrow = h.series({ ...q, maxPoints: 100 });
    expect(narrow.ts.length).toBeLessThanOrEqual(100);
    expect(narrow.stepMs! % 1000).toBe(0);
    expect(narrow.samples.reduce((a, b) => a + b, 0)).toBe(hour.samples.reduce((a, b) => a + b, 0));
    // The day: a point a minute (the last one, still in its grace, from memory).
    const day = h.series({ ...q, range: '24h' });
    expect(day).toMatchObject({ source: '1m', stepMs: MINUTE_MS });
    expect(day.ts.length).toBe(60);
    expect(day.samples.every((c) => c === 60)).toBe(true);
    // Coarser buckets are chosen for the whole window (a day in 19 whole-minute buckets), not for the data in it.
    const coarse = h.series({ ...q, range: '24h', maxPoints: 20 });
    expect(coarse).toMatchObject({ source: '1m', stepMs: 76 * MINUTE_MS });
    expect(coarse.samples.reduce((a, b) => a + b, 0)).toBe(3600);
  });

  it('says what is wrong with a bad query', () => {
    const t = setup();
    const h = t.open();
    h.recordNodeProbe('n1', nodeReading(T0));
    expectFleetError(() => h.series({ kind: 'node', subject: 'nope', metrics: ['health'], range: '1h' }), 'NOT_FOUND', /no node "nope" in the inventory or in the history/);
    expectFleetError(() => h.series({ kind: 'lbServer', subject: 'lb/b/x', metrics: ['status'], range: '1h' }), 'NOT_FOUND', /load balancer server "lb\/b\/x"/);
    expectFleetError(() => h.series({ kind: 'node', subject: 'n1', metrics: ['health'], range: '7d' } as never), 'BAD_REQUEST', /range/);
    expectFleetError(() => h.series({ kind: 'gpu', subject: 'n1', metrics: ['temperatureC'], range: '1h' } as never), 'BAD_REQUEST', /gpu/);
    expectFleetError(() => h.series({ kind: 'gpu', subject: 'n1', gpu: 0, metrics: ['sessions'], range: '1h' } as never), 'BAD_REQUEST', /metrics/);
    expectFleetError(() => h.series({ kind: 'node', subject: 'n1', metrics: ['latencyMs'], range: '1h', stepMs: 10 }), 'BAD_REQUEST', /stepMs/);
    // Known to the inventory but not measured yet: an empty series, not an error.
    expect(h.series({ kind: 'node', subject: 'new', metrics: ['health'], range: '24h' }, () => true)).toMatchObject({ ts: [], samples: [] });
    // A GPU the node never reported: no points.
    expect(temps(h, '1h', { gpu: 9 } as Partial<HistoryQuery>).ts).toEqual([]);
  });
  it('reads a window that ends earlier than now (an incident days ago, on the timeline), and never later than now', () => {
    const t = setup();
    const h = t.open();
    for (let k = 0; k < 30; k++) h.recordNodeProbe('n1', nodeReading(T0 + k * MINUTE_MS, { gpus: [gpu(0, { temperatureC: 40 + k })] }));
    t.timers.advance(31 * MINUTE_MS);
    h.flush({ all: true });
    const early = temps(h, '24h', { end: T0 + 9 * MINUTE_MS });
    expect(early).toMatchObject({ from: T0 + 9 * MINUTE_MS - DAY, to: T0 + 9 * MINUTE_MS });
    expect(early.ts).toEqual(Array.from({ length: 10 }, (_, k) => T0 + k * MINUTE_MS));
    expect(numeric(early, 'temperatureC').values.at(-1)).toBe(49);
    const raw = temps(h, '1h', { end: T0 + 4 * MINUTE_MS + 1 });
    expect(raw.ts).toEqual([0, 1, 2, 3, 4].map((k) => T0 + k * MINUTE_MS));
    expect(temps(h, '24h', { end: T0 + 10 * DAY }).to).toBe(t.timers.now()); // later than now is now
  });
});

describe('pruning', () => {
  it('keeps raw readings an hour, minutes a day and half hours 30 days', () => {
    const t = setup();
    const h = t.open();
    h.recordNodeProbe('n1', nodeReading(T0));
    h.recordNodeProbe('n1', nodeReading(T0 + 40 * MINUTE_MS));
    h.flush({ all: true });
    const rows = () => [t.count('SELECT COUNT(*) FROM history_raw'), t.count('SELECT COUNT(*) FROM history_rollup WHERE step = 1'), t.count('SELECT COUNT(*) FROM history_rollup WHERE step = 30')];
    expect(rows()).toEqual([2, 2, 2]);

    t.timers.nowMs = T0 + HOUR + 5 * MINUTE_MS;
    h.flush(); // nothing pending: the once-a-minute prune alone
    expect(rows()).toEqual([1, 2, 2]);
    expect(temps(h, '1h').ts).toEqual([T0 + 40 * MINUTE_MS]);

    t.timers.nowMs = T0 + DAY + 20 * MINUTE_MS;
    h.flush();
    expect(rows()).toEqual([0, 1, 2]);
    expect(temps(h, '24h').ts).toEqual([T0 + 40 * MINUTE_MS]);

    t.timers.nowMs = T0 + 30 * DAY + 50 * MINUTE_MS;
    h.prune();
    expect(rows()).toEqual([0, 0, 2]);
    // The 30 days start inside the second half hour: it is still plotted, the first is not.
    expect(temps(h, '30d').ts).toEqual([T0 + 30 * MINUTE_MS]);
    t.timers.nowMs = T0 + 30 * DAY + 95 * MINUTE_MS;
    h.prune();
    expect(rows()).toEqual([0, 0, 1]);
  });
});

describe('across restarts and failures', () => {
  it('merges the minute in progress written at close with what comes after the restart', () => {
    const t = setup();
    const first = t.open();
    for (let k = 0; k < 3; k++) first.recordNodeProbe('n1', nodeReading(T0 + k * 10_000, { gpus: [gpu(0, { temperatureC: 70 })] }));
    t.timers.advance(30_000);
    first.close();
    expect(t.count('SELECT COUNT(*) FROM history_rollup')).toBe(2);

    const second = t.open();
    for (let k = 3; k < 6; k++) second.recordNodeProbe('n1', nodeReading(T0 + k * 10_000, { gpus: [gpu(0, { temperatureC: 80 })] }));
    t.timers.advance(MINUTE_MS);
    expect(numeric(temps(second, '24h'), 'temperatureC')).toMatchObject({ values: [75], min: [70], max: [80] });
    expect(temps(second, '24h').samples).toEqual([6]);
    expect(temps(second, '30d').samples).toEqual([6]);
    expect(temps(second, '1h').ts).toHaveLength(6);
  });

  it('keeps what a failed flush could not write, says so once, and writes it when it can', () => {
    const t = setup();
    const errors: FleetError[] = [];
    const h = t.open({ onError: (e) => errors.push(e) });
    const other = new Database(t.file);
    cleanup(() => other.close());
    other.exec("CREATE TRIGGER refuse BEFORE INSERT ON history_raw BEGIN SELECT RAISE(ABORT, 'disk says no'); END");
    h.recordNodeProbe('n1', nodeReading(T0));
    t.timers.advance(10_000);
    h.recordNodeProbe('n1', nodeReading(T0 + 10_000));
    t.timers.advance(10_000);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'INTERNAL', message: expect.stringMatching(/cannot write the history \(\d+ readings.*disk says no/) });
    expect(h.backlog().samples).toBe(2);
    expect(t.count('SELECT COUNT(*) FROM history_subjects')).toBe(0); // rolled back with the rest

    other.exec('DROP TRIGGER refuse');
    t.timers.advance(10_000);
    expect(t.count('SELECT COUNT(*) FROM history_raw')).toBe(2);
    expect(temps(h, '1h').ts).toEqual([T0, T0 + 10_000]);
  });

  it('counts a reading that arrives after its minute was written in the next minute', () => {
    const t = setup();
    const h = t.open();
    h.recordNodeProbe('n1', nodeReading(T0));
    t.timers.advance(MINUTE_MS + 20_000); // minute M0 written
    h.recordNodeProbe('n1', nodeReading(T0 + 50_000)); // a probe that hung past the grace
    h.flush({ all: true });
    expect(temps(h, '24h')).toMatchObject({ ts: [T0, T0 + MINUTE_MS], samples: [1, 1] });
    expect(temps(h, '1h').ts).toEqual([T0, T0 + 50_000]); // the raw reading keeps its own time
  });
});
