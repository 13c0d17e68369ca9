/** Plot data: a history series read once, then points from pushes at the live edge. */
import { describe, expect, it } from 'vitest';
import type { HistorySeries } from '../../../shared/history';
import { appendPoint, availabilityPoints, fromHistory, gpuPoint, replicaPoint, withRecentMinutes, type PlotData } from '../../../renderer/src/plots/live-series';
import { failureMarkers, nodeMarkers } from '../../../renderer/src/plots/markers';

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

  it('a rollup range takes one live point per step: within the step it replaces the last', () => {
    const d: PlotData = { range: '24h', stepMs: 60_000, ts: [T0], series: { x: [1] }, min: { x: [1] }, max: { x: [1] } };
    const same = appendPoint(d, { ts: T0 + 30_000, values: { x: 5 } });
    expect([same.ts, same.series.x]).toEqual([[T0], [5]]);
    const next = appendPoint(same, { ts: T0 + 61_000, values: { x: 6 } });
    expect([next.ts, next.series.x]).toEqual([[T0, T0 + 61_000], [5, 6]]);
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
