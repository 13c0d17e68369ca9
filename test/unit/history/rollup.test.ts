/**
 * The maths of the history: what a rollup keeps of its samples (min/mean/max, last class and
 * counts per class, OR-ed masks), that merging rollups is the rollup of all their samples (the
 * half hour from its minutes, a coarse point from fine ones), and that the stored bytes give
 * it back: exactly, but the mean, to a tenth of the stored unit.
 */
import { describe, expect, it } from 'vitest';
import { decodeSample, decodeStats, encodeSample, encodeStats } from '../../../electron/core/history/codec';
import { GPU_LAYOUT, LB_SERVER_LAYOUT, NODE_LAYOUT, REPLICA_LAYOUT, type Sample } from '../../../electron/core/history/layout';
import { lbServerSample, nodeSample, replicaSample } from '../../../electron/core/history/samples';
import { capPoints, columns, type Point } from '../../../electron/core/history/series';
import { Stats } from '../../../electron/core/history/stats';
import { ByteWriter } from '../../../electron/core/history/varint';
import { CLOCK_EVENT_REASON_BITS } from '../../../shared/clock-event-reasons';
import { Health } from '../../../shared/health';
import {
  HISTORY_FIELDS,
  NODE_HEALTH_CLASSES,
  REPLICA_HEALTH_CLASSES,
  REPLICA_OUTCOMES,
  clockReasonsMask,
  lbServerStateOf,
  nodeOutcomeOf,
} from '../../../shared/history';
import { ReplicaFailure, ReplicaHealth } from '../../../shared/services';
import { gpu, nodeReading } from './fixtures';

const bytes = (encode: (w: ByteWriter) => void) => {
  const w = new ByteWriter(16);
  encode(w);
  return w.toBuffer();
};
const roundTrip = (s: Stats) => decodeStats(s.layout, bytes((w) => encodeStats(s, w)));

function statsOf(layout = GPU_LAYOUT, samples: (number | null)[][]): Stats {
  const s = new Stats(layout);
  for (const values of samples) s.add({ values, gpus: null });
  return s;
}

/** temperatureC, memoryTemperatureC, powerW, utilizationPct, memoryUsedMiB, smClockMHz, clock reasons mask */
const gpuSamples: (number | null)[][] = [
  [60, 70, 650, 90, 70000, 1980, 0x1],
  [64, 72, 690, 100, 71000, 1755, 0x4],
  [94, 89, 300, null, 72000, 990, 0x60],
];

describe('rollup maths', () => {
  it('keeps count, min, mean and max of each number; a missing value counts for nothing', () => {
    const s = statsOf(GPU_LAYOUT, gpuSamples);
    const c = columns(GPU_LAYOUT, ['temperatureC', 'powerW', 'utilizationPct'], [{ ts: 0, stats: s }]);
    expect(s.n).toBe(3);
    expect(c.temperatureC).toEqual({ type: 'numeric', unit: '°C', values: [72.667], min: [60], max: [94] });
    expect(c.powerW).toMatchObject({ unit: 'W', values: [546.667], min: [300], max: [690] });
    expect(c.utilizationPct).toMatchObject({ values: [95], min: [90], max: [100] });
    expect(s.count(3)).toBe(2);
  });

  it('ORs the clock event reasons and counts the samples that were throttled', () => {
    const c = columns(GPU_LAYOUT, ['clockEventReasons'], [{ ts: 0, stats: statsOf(GPU_LAYOUT, gpuSamples) }]);
    // gpu_idle and applications clocks do not slow a GPU down; the power cap and thermal slowdown do.
    expect(c.clockEventReasons).toMatchObject({ type: 'flags', values: [0x1 | 0x4 | 0x60], active: [2] });
  });

  it('keeps the last class and the count of each, for states and outcomes', () => {
    // health, healthLatencyMs, healthOutcome, completionLatencyMs, completionOutcome
    const s = statsOf(REPLICA_LAYOUT, [
      [0, 25, 0, null, null],
      [3, null, 2, null, null], // unhealthy, refused
      [3, null, null, null, 4], // a completion: http-5xx
      [0, 31, 0, null, null],
    ]);
    const c = columns(REPLICA_LAYOUT, ['health', 'healthOutcome', 'completionOutcome', 'healthLatencyMs'], [{ ts: 0, stats: s }]);
    expect(c.health).toMatchObject({ values: ['healthy'], counts: { healthy: [2], unhealthy: [2] } });
    expect(c.healthOutcome).toMatchObject({ values: ['ok'], counts: { ok: [2], refused: [1] } });
    expect(c.completionOutcome).toMatchObject({ values: ['http-5xx'], counts: { 'http-5xx': [1] } });
    expect(c.healthLatencyMs).toMatchObject({ values: [2.8], min: [2.5], max: [3.1] });
  });

  it('merging rollups gives the rollup of all their samples: a half hour from its minutes', () => {
    const all = statsOf(GPU_LAYOUT, gpuSamples);
    const first = statsOf(GPU_LAYOUT, gpuSamples.slice(0, 1));
    first.merge(statsOf(GPU_LAYOUT, gpuSamples.slice(1)));
    expect(first.n).toBe(all.n);
    expect([...first.v]).toEqual([...all.v]);
    // Categorical: counts add up, and the later run's last class wins.
    const a = statsOf(LB_SERVER_LAYOUT, [[0, 3], [5, 0]]); // UP, DOWN
    a.merge(statsOf(LB_SERVER_LAYOUT, [[1, 2], [0, 4]])); // going-down, UP
    expect(columns(LB_SERVER_LAYOUT, ['status', 'sessions'], [{ ts: 0, stats: a }])).toEqual({
      status: expect.objectContaining({ values: ['UP'], counts: { UP: [2], 'going-down': [1], DOWN: [1] } }),
      sessions: { type: 'numeric', unit: 'sessions', values: [2.25], min: [0], max: [4] },
    });
  });

  it('merges nodes GPU by GPU, GPUs seen only on one side included', () => {
    const a = Stats.of(NODE_LAYOUT, nodeSample(nodeReading(0, {}, 2)));
    const b = Stats.of(NODE_LAYOUT, nodeSample(nodeReading(10_000, { gpus: [gpu(1, { temperatureC: 80 }), gpu(5)] })));
    a.merge(b);
    expect([...a.gpus!.keys()].sort()).toEqual([0, 1, 5]);
    expect(a.gpus!.get(1)!.n).toBe(2);
    expect(columns(GPU_LAYOUT, ['temperatureC'], [{ ts: 0, stats: a.gpus!.get(1)! }]).temperatureC).toMatchObject({ values: [60.5], min: [41], max: [80] });
  });
});

describe('stored bytes', () => {
  it('give a rollup back: counts, min, max and classes exactly, the mean to 1/meanScale of the stored unit', () => {
    for (const s of [statsOf(GPU_LAYOUT, gpuSamples), statsOf(REPLICA_LAYOUT, [[0, 25, 0, null, null], [3, null, 1, 4000, 5]])]) {
      const back = roundTrip(s);
      expect(back.n).toBe(s.n);
      for (let i = 0; i < s.layout.fields.length; i++) {
        const f = s.layout.fields[i]!;
        const o = i * 4;
        expect(back.v[o]).toBe(s.v[o]);
        if (f.type === 'numeric' && s.v[o]) {
          expect([back.v[o + 1], back.v[o + 2]]).toEqual([s.v[o + 1], s.v[o + 2]]);
          expect(Math.abs(back.v[o + 3]! / back.v[o]! - s.v[o + 3]! / s.v[o]!)).toBeLessThanOrEqual(0.5 / s.layout.meanScale[i]!);
        } else {
          expect([back.v[o + 1], back.v[o + 2]]).toEqual([s.v[o + 1], s.v[o + 2]]);
        }
      }
      expect(back.cats.map((c) => (c ? [...c] : null))).toEqual(s.cats.map((c) => (c ? [...c] : null)));
    }
  });

  it('give a node rollup back with its GPUs, and merge after decoding (a restart, a second process)', () => {
    const s = Stats.of(NODE_LAYOUT, nodeSample(nodeReading(0)));
    s.add(nodeSample(nodeReading(10_000, { error: { code: 'HOST_UNREACHABLE' }, gpus: [], health: 'unreachable' })));
    const back = roundTrip(s);
    expect(columns(NODE_LAYOUT, ['latencyMs', 'outcome', 'health'], [{ ts: 0, stats: back }])).toMatchObject({
      latencyMs: { values: [120.3], min: [120.3], max: [120.3] },
      outcome: { values: ['unreachable'], counts: { ok: [1], unreachable: [1] } },
      health: { values: ['unreachable'], counts: { healthy: [1], unreachable: [1] } },
    });
    expect(back.gpus!.size).toBe(8);
    back.merge(s);
    expect(back.n).toBe(4);
    expect(back.gpus!.get(7)!.n).toBe(2);
  });

  it('give a raw sample back as it was', () => {
    const samples: [typeof NODE_LAYOUT, Sample][] = [
      [NODE_LAYOUT, nodeSample(nodeReading(0, { gpus: [gpu(0, { clockEventReasons: ['sw_thermal_slowdown', 'hw_thermal_slowdown'], memoryTemperatureC: null })] }))],
      [REPLICA_LAYOUT, replicaSample({ kind: 'completion', at: 0, ok: false, latencyMs: 5000, failure: 'timeout', health: 'degraded' })],
      [LB_SERVER_LAYOUT, lbServerSample({ backend: 'b', server: 's', status: 'DOWN 1/2', sessions: 7 })],
    ];
    for (const [layout, sample] of samples) expect(decodeSample(layout, bytes((w) => encodeSample(layout, sample, w)))).toEqual(sample);
    expect(samples[0]![1].gpus![0]!.values).toEqual([40, null, 650, 90, 70000, 1980, 0x60]);
    expect(samples[1]![1].values).toEqual([REPLICA_HEALTH_CLASSES.indexOf('degraded'), null, null, null, REPLICA_OUTCOMES.indexOf('timeout')]);
  });

  it('are small: an 8-GPU node probe in ~120 bytes, its minute rollup in ~250', () => {
    const raw = bytes((w) => encodeSample(NODE_LAYOUT, nodeSample(nodeReading(0)), w));
    expect(raw.length).toBeLessThanOrEqual(130);
    // Six probes of a busy node whose readings move (10 s apart).
    const s = new Stats(NODE_LAYOUT);
    for (let k = 0; k < 6; k++) {
      const gpus = Array.from({ length: 8 }, (_, i) =>
        gpu(i, { temperatureC: 60 + ((k + i) % 7), powerW: 500 + 31.7 * ((k * 3 + i) % 5), utilizationPct: 80 + k, memoryUsedMiB: 70000 + 37 * k, smClockMHz: 1980 - 15 * k }),
      );
      s.add(nodeSample(nodeReading(k * 10_000, { gpus, latencyMs: 100 + k * 13.7 })));
    }
    expect(bytes((w) => encodeStats(s, w)).length).toBeLessThanOrEqual(300);
  });
});

describe('points for a plot', () => {
  const samplesEvery = (ms: number, count: number): Point[] =>
    Array.from({ length: count }, (_, i) => ({ ts: i * ms, stats: statsOf(LB_SERVER_LAYOUT, [[0, i]]) }));

  it('leaves points that fit alone', () => {
    const points = samplesEvery(10_000, 360);
    expect(capPoints(points, 1500, 3_600_000, 1000)).toEqual({ points, stepMs: null });
  });

  it('merges points into whole buckets of the base width when there are too many, keeping min and max', () => {
    const points = samplesEvery(1000, 3600); // one an hour at 1 s
    const { points: out, stepMs } = capPoints(points, 1500, 3_600_000, 1000);
    expect(out.length).toBeLessThanOrEqual(1500);
    expect(stepMs).toBe(3000);
    expect(out[1]!.ts).toBe(3000);
    const c = columns(LB_SERVER_LAYOUT, ['sessions'], out);
    expect(c.sessions).toMatchObject({ type: 'numeric' });
    if (c.sessions!.type !== 'numeric') throw new Error('numeric');
    expect([c.sessions.min[1], c.sessions.values[1], c.sessions.max[1]]).toEqual([3, 4, 5]);
    expect(out.reduce((n, p) => n + p.stats.n, 0)).toBe(3600);
    // The originals are not changed by merging.
    expect(points[3]!.stats.n).toBe(1);
  });
});

describe('classes and flags', () => {
  it('match the enums they mirror, and keep the clock event bits stored on disk', () => {
    // Stored masks are made of these bits: the history's flags are the one list, with nvml.h's values.
    expect(HISTORY_FIELDS.gpu.clockEventReasons).toEqual({ type: 'flags', flags: CLOCK_EVENT_REASON_BITS, activeMask: 0x4 | 0x8 | 0x20 | 0x40 | 0x80 });
    expect(CLOCK_EVENT_REASON_BITS.map((b) => b.bit)).toEqual([0x1, 0x2, 0x4, 0x8, 0x10, 0x20, 0x40, 0x80, 0x100]);
    expect([...NODE_HEALTH_CLASSES].sort()).toEqual([...Health.options].sort());
    expect([...REPLICA_HEALTH_CLASSES].sort()).toEqual([...ReplicaHealth.options].sort());
    expect(REPLICA_OUTCOMES.slice(1, -1).sort()).toEqual([...ReplicaFailure.options].sort());
  });

  it('turn readings into classes and masks', () => {
    expect(clockReasonsMask(['gpu_idle', 'hw_thermal_slowdown', 'bit_0x400', 'nonsense'])).toBe(0x1 | 0x40 | 0x400);
    expect(clockReasonsMask(['bit_0x100000000'])).toBe(0);
    expect(['UP', 'UP 1/2', 'DRAIN 1/3', 'DOWN 1/2', 'DOWN', 'DOWN (agent)', 'MAINT (via b/s)', 'no check', 'NOLB', 'weird'].map(lbServerStateOf)).toEqual([
      'UP', 'going-down', 'going-down', 'going-up', 'DOWN', 'DOWN', 'MAINT', 'no check', 'NOLB', 'other',
    ]);
    expect([null, { code: 'CONNECT_TIMEOUT' }, { code: 'SSH_HOST_KEY_MISMATCH' }, { code: 'PROBE_TIMEOUT' }, { code: 'DRIVER_ERROR' }, { code: 'INTERNAL' }].map(nodeOutcomeOf)).toEqual([
      'ok', 'unreachable', 'host-key', 'timeout', 'driver', 'other',
    ]);
  });
});
