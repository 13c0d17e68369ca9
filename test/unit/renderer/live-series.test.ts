/** Plot data: a history series read once, then points from pushes at the live edge. */
import { describe, expect, it } from 'vitest';
import type { HistorySeries } from '../../../shared/history';
import { appendPoint, availabilityPoints, fromHistory, gpuPoint, quantileValues, replicaPoint, withRecentMinutes, type PlotData } from '../../../renderer/src/plots/live-series';
import { failureMarkers, nodeMarkers, withLiveFailure } from '../../../renderer/src/plots/markers';

const T0 = Date.UTC(2026, 11, 4, 12);
const raw = (ts: number[], temps: (number | null)[]): HistorySeries => ({
  kind: 'gpu',
  subject: 'n1',
  gpu: 0,
  range: '1h',
  from: T0 - 3_600_000,
  to: T0,
  source: 'raw',
  stepMs: null,
  ts,
  samples: ts.map(() => 1),
  columns: {
    temperatureC: { type: 'numeric', unit: '°C', values: temps, min: temps, max: temps },
    clockEventReasons: { type: 'flags', flags: [], values: ts.map(() => 0), active: ts.map((_, i) => (i === 1 ? 1 : 0)) },
    outcome: { type: 'categorical', classes: ['ok', 'timeout'], values: ts.map(() => 'ok'), counts: { ok: ts.map(() => 1) } },
  },
});

describe('fromHistory', () => {
  it('keeps numeric columns and turns flags into the throttled share; categorical ones are not plotted', () => {
    const d = fromHistory(raw([T0 - 20_000, T0 - 10_000], [60, 61]), ['temperatureC', 'clockEventReasons', 'outcome']);
    expect(d.ts).toEqual([T0 - 20_000, T0 - 10_000]);
    expect(d.series).toEqual({ temperatureC: [60, 61], clockEventReasons: [0, 1] });
    expect(d.stepMs).toBeNull();
    expect(d.p50).toEqual({});
  });

  it('keeps p50 and p95 where the column has them (latencies)', () => {
    const s = raw([T0 - 60_000, T0], [null, null]);
    s.columns.lat = { type: 'numeric', unit: 'ms', values: [5, 6], min: [1, 2], max: [90, 9], p50: [4, 6], p95: [80, null] };
    const d = fromHistory(s, ['lat', 'temperatureC']);
    expect([d.p50, d.p95]).toEqual([{ lat: [4, 6] }, { lat: [80, null] }]);
  });
});

describe('appendPoint', () => {
  const base = (): PlotData => fromHistory(raw([T0 - 3_500_000, T0 - 10_000], [50, 60]), ['temperatureC']);

  it('appends a newer point, ignores a repeated or older one (the same status pushed again)', () => {
    const d = base();
    const next = appendPoint(d, { ts: T0, values: { temperatureC: 70 } });
    expect(next.ts).toEqual([T0 - 3_500_000, T0 - 10_000, T0]);
    expect(next.series.temperatureC).toEqual([50, 60, 70]);
    expect(d.series.temperatureC).toEqual([50, 60]);
    expect(appendPoint(next, { ts: T0, values: { temperatureC: 99 } })).toBe(next);
    expect(appendPoint(next, { ts: T0 - 5_000, values: { temperatureC: 99 } })).toBe(next);
  });

  it('drops what fell out of the window, and a metric the point lacks is a gap', () => {
    const next = appendPoint(base(), { ts: T0 + 200_000, values: {} });
    expect(next.ts).toEqual([T0 - 10_000, T0 + 200_000]);
    expect(next.series.temperatureC).toEqual([60, null]);
  });

  it('a raw reading is its own p50 and p95', () => {
    const s = raw([T0 - 10_000], [12]);
    s.columns.temperatureC = { type: 'numeric', unit: 'ms', values: [12], min: [12], max: [12], p50: [12], p95: [12] };
    const next = appendPoint(fromHistory(s, ['temperatureC']), { ts: T0, values: { temperatureC: 30 } });
    expect([next.p50.temperatureC, next.p95.temperatureC]).toEqual([[12, 30], [12, 30]]);
  });
});

describe('appendPoint, points wider than a reading (rollups, intervals of readings)', () => {
  /** The engine's last minute: mean 10 of readings from 4 to 40, p50 9, p95 38. */
  const minute = (): PlotData => ({
    ...fromHistory(raw([], []), []),
    range: '24h',
    stepMs: 60_000,
    ts: [T0],
    series: { x: [10] },
    min: { x: [4] },
    max: { x: [40] },
    p50: { x: [9] },
    p95: { x: [38] },
    edge: T0,
  });
  const column = (d: PlotData) => [d.series.x, d.min.x, d.max.x, d.p50.x, d.p95.x];

  it("a reading in the engine's last point widens its min and max, and leaves its mean and quantiles (of samples seen only by the engine)", () => {
    const d = appendPoint(minute(), { ts: T0 + 30_000, values: { x: 50 } });
    expect(d.ts).toEqual([T0]);
    expect(column(d)).toEqual([[10], [4], [50], [9], [38]]);
    expect(column(appendPoint(d, { ts: T0 + 40_000, values: { x: 1 } }))).toEqual([[10], [1], [50], [9], [38]]);
  });

  it('a reading in a later interval starts a point at its start; the readings pushed into it make its mean, min, max, p50 and p95', () => {
    let d = minute();
    const readings = [20, 5, 7, 100, 6];
    readings.forEach((x, i) => (d = appendPoint(d, { ts: T0 + 61_000 + i * 5_000, values: { x } })));
    expect(d.ts).toEqual([T0, T0 + 60_000]);
    expect(column(d)).toEqual([
      [10, 27.6],
      [4, 5],
      [40, 100],
      [9, 7],
      [38, 100],
    ]);
    // The same status pushed again is not a second reading.
    expect(appendPoint(d, { ts: T0 + 61_000 + 4 * 5_000, values: { x: 6 } })).toBe(d);
    // A push without the metric (the other probe's) leaves the point as it is.
    const other = appendPoint(d, { ts: T0 + 90_000, values: {} });
    expect(column(other)).toEqual(column(d));
    // The next interval starts afresh.
    const next = appendPoint(other, { ts: T0 + 125_000, values: { x: 3 } });
    expect(next.ts).toEqual([T0, T0 + 60_000, T0 + 120_000]);
    expect(column(next).map((c) => c.at(-1))).toEqual([3, 3, 3, 3, 3]);
  });

  it('plots p50 and p95 under their own keys', () => {
    expect(quantileValues(minute(), 'x')).toEqual({ 'x.p50': [9], 'x.p95': [38] });
    expect(quantileValues(minute(), 'y')).toEqual({ 'y.p50': [], 'y.p95': [] });
  });
});

describe('points from pushes', () => {
  const gpu = { index: 0, temperatureC: 71, memoryTemperatureC: 80, powerW: 300.5, utilizationPct: 97, memoryUsedMiB: 1000, smClockMHz: 1980, clockEventReasons: ['hw_thermal_slowdown'] };
  it('a GPU reading from a node status; none when the probe failed (its GPUs are the last ones seen)', () => {
    const node = { lastProbeAt: T0, lastError: null, gpus: [gpu] } as unknown as Parameters<typeof gpuPoint>[0];
    expect(gpuPoint(node, 0)).toEqual({ ts: T0, values: { temperatureC: 71, memoryTemperatureC: 80, powerW: 300.5, utilizationPct: 97, memoryUsedMiB: 1000, smClockMHz: 1980, clockEventReasons: 1 } });
    expect(gpuPoint({ ...node, gpus: [{ ...gpu, clockEventReasons: ['gpu_idle'] }] } as typeof node, 0)!.values.clockEventReasons).toBe(0);
    expect(gpuPoint({ ...node, lastError: { code: 'PROBE_TIMEOUT', message: 'x' } } as typeof node, 0)).toBeNull();
    expect(gpuPoint(node, 3)).toBeNull();
  });

  it('a replica’s latest probe latencies; a failed probe has none', () => {
    const probe = (at: number, ok: boolean, latencyMs: number | null) => ({ kind: 'health' as const, at, ok, latencyMs, failure: null, status: null, detail: '' });
    expect(replicaPoint({ lastHealth: probe(T0, true, 12), lastCompletion: probe(T0 - 5000, true, 300) })).toEqual({ ts: T0, values: { healthLatencyMs: 12, completionLatencyMs: null } });
    expect(replicaPoint({ lastHealth: probe(T0, false, 5000), lastCompletion: null })!.values.healthLatencyMs).toBeNull();
    expect(replicaPoint({ lastHealth: null, lastCompletion: null })).toBeNull();
  });
});

describe('availability', () => {
  it('availability and burn per point; no requests is a gap, a 100 % target has no burn rate', () => {
    expect(availabilityPoints({ target: 99, ts: [1, 2, 3], ok: [99, 0, 50], failed: [1, 0, 50] })).toEqual({ ts: [1, 2, 3], availabilityPct: [99, null, 50], burn: [expect.closeTo(1, 9), null, expect.closeTo(50, 9)] });
    expect(availabilityPoints({ target: 100, ts: [1], ok: [1], failed: [1] }).burn).toEqual([null]);
  });

  it('pushed minutes: the filling one replaces its point, a new one is appended; 30 d plots are not touched', () => {
    const s = { range: '1h' as const, stepMs: 60_000, ts: [T0 - 60_000, T0], ok: [10, 3], failed: [0, 0] };
    const next = withRecentMinutes(s, [{ ts: T0, ok: 8, failed: 1 }, { ts: T0 + 60_000, ok: 1, failed: 0 }]);
    expect([next.ts, next.ok, next.failed]).toEqual([[T0 - 60_000, T0, T0 + 60_000], [10, 8, 1], [0, 1, 0]]);
    expect(withRecentMinutes(next, [{ ts: T0 + 60_000, ok: 1, failed: 0 }])).toBe(next);
    const month = { ...s, range: '30d' as const, stepMs: 1_800_000 };
    expect(withRecentMinutes(month, [{ ts: T0 + 60_000, ok: 1, failed: 0 }])).toBe(month);
  });
});

describe('markers', () => {
  it('health changes and XIDs of a node; other events are not marked', () => {
    const m = nodeMarkers([
      { ts: 1, kind: 'node.health', message: 'n1: healthy → unhealthy', severity: 'error' },
      { ts: 2, kind: 'node.xid', message: 'XID 79', severity: 'error' },
      { ts: 3, kind: 'node.health', message: 'n1: unhealthy → healthy', severity: 'info' },
      { ts: 4, kind: 'lab.fault.injected', message: 'x', severity: 'info' },
    ]);
    expect(m.map((x) => [x.ts, x.color])).toEqual([
      [1, '--unhealthy'],
      [2, '--unreachable'],
      [3, '--healthy'],
    ]);
  });

  it('a point is a failure when it holds any class but ok', () => {
    const s = raw([10, 20, 30], [1, 2, 3]);
    s.columns.outcome = { type: 'categorical', classes: ['ok', 'timeout'], values: ['ok', 'ok', 'timeout'], counts: { ok: [5, 4, 0], timeout: [0, 1, 2] } };
    expect(failureMarkers(s, 'outcome', 'probe').map((m) => [m.ts, m.label])).toEqual([
      [20, 'probe failed: 1 × timeout'],
      [30, 'probe failed: 2 × timeout'],
    ]);
    expect(failureMarkers(undefined, 'outcome', 'probe')).toEqual([]);
  });

  it('a failed probe pushed after the series was read is marked once; successes and older probes are not', () => {
    const none: ReturnType<typeof withLiveFailure> = [];
    const failed = { at: T0 + 5_000, ok: false, failure: 'timeout' };
    const marks = withLiveFailure(none, failed, 'completion', T0);
    expect(marks).toEqual([{ ts: T0 + 5_000, color: '--unhealthy', label: 'completion failed: timeout' }]);
    expect(withLiveFailure(marks, failed, 'completion', T0)).toBe(marks);
    expect(withLiveFailure(none, { ...failed, ok: true }, 'completion', T0)).toBe(none);
    expect(withLiveFailure(none, failed, 'completion', T0 + 5_000)).toBe(none); // already in the series read
    expect(withLiveFailure(none, null, 'completion', T0)).toBe(none);
  });
});

describe('LB state strips', () => {
  it('each point takes the worst state it held; runs of one state merge; the last lasts until `to`', async () => {
    const { stripSegments } = await import('../../../renderer/src/plots/markers');
    const col = { type: 'categorical' as const, classes: ['UP', 'DOWN'], values: ['UP', 'UP', 'UP', 'DOWN'], counts: { UP: [6, 6, 5, 0], DOWN: [0, 0, 1, 6] } };
    expect(stripSegments({ ts: [0, 60, 120, 180], to: 240, columns: { status: col } }, 'status')).toEqual([
      { from: 0, to: 120, state: 'UP', color: '--healthy' },
      { from: 120, to: 240, state: 'DOWN', color: '--unhealthy' },
    ]);
  });
});
