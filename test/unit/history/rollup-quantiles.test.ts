/**
 * p50/p95 in the rollups: a replica's latency sketches ride in the rollup's bytes (after the
 * rest, so rows written before sketches existed still decode, and give no p50/p95 rather than
 * a wrong one), survive a round trip exactly, merge minute by minute into the half hour exactly,
 * and points of raw readings give exact quantiles of their values.
 */
import { describe, expect, it } from 'vitest';
import { decodeStats, encodeStats, sketchBytes } from '../../../electron/core/history/codec';
import { NODE_LAYOUT, REPLICA_LAYOUT } from '../../../electron/core/history/layout';
import { LatencySketch } from '../../../electron/core/history/quantiles';
import { nodeSample, replicaSample } from '../../../electron/core/history/samples';
import { capPoints, columns, type Point } from '../../../electron/core/history/series';
import { Stats } from '../../../electron/core/history/stats';
import { ByteWriter } from '../../../electron/core/history/varint';
import { NumericColumn, quantileOf, type HistoryColumn } from '../../../shared/history';
import type { ReplicaProbeReading } from '../../../electron/core/history/history-sink';

const bytes = (s: Stats) => {
  const w = new ByteWriter(16);
  encodeStats(s, w);
  return w.toBuffer();
};
const numeric = (c: HistoryColumn | undefined) => {
  if (c?.type !== 'numeric') throw new Error('not a numeric column');
  return c;
};
const HEALTH = REPLICA_LAYOUT.names.indexOf('healthLatencyMs');

const probe = (kind: ReplicaProbeReading['kind'], latencyMs: number, ok = true): ReplicaProbeReading => ({
  kind,
  at: 0,
  ok,
  latencyMs,
  failure: ok ? null : 'timeout',
  health: ok ? 'healthy' : 'degraded',
});
function replicaMinute(health: readonly number[], completion: readonly number[] = [], exact = false): Stats {
  const s = new Stats(REPLICA_LAYOUT, exact);
  for (const ms of health) s.add(replicaSample(probe('health', ms)));
  for (const ms of completion) s.add(replicaSample(probe('completion', ms)));
  return s;
}
const quantiles = (s: Stats, metric = 'healthLatencyMs') => {
  const c = numeric(columns(REPLICA_LAYOUT, [metric], [{ ts: 0, stats: s }])[metric]);
  return [c.p50![0], c.p95![0]];
};

/**
 * Rollups as the encoder before sketches wrote them (`git show 891d631:electron/core/history/codec.ts`),
 * the bytes kept here as they came out, since users' data directories hold such rows:
 * - a replica minute: health probes of 2.1, 2.4, 2.2, 9.8, 2.3, 2.2, 2.6, 2.5, 2.2, 31.4, 2.4 ms,
 *   one refused, one completion of 412.7 ms;
 * - a node minute with two GPUs: probes of 120.34 and 98.5 ms, then a timeout.
 */
const OLD_REPLICA_MINUTE = '0ddf070201000b0b382382020c0201000b019f200000010000';
const OLD_REPLICA_HEALTH = [2.1, 2.4, 2.2, 9.8, 2.3, 2.2, 2.6, 2.5, 2.2, 31.4, 2.4];
const OLD_NODE_MINUTE =
  '030f02c6086d6d04010002010100020200017fec040101f4030000e432000084070000f0a2040000bc0f0000040201017f8a050101f4030000e432000084070000f1a2040000bc0f00000402';

describe('sketches in the stored bytes', () => {
  it('round trip exactly: the same bins, the same p50/p95', () => {
    // A bin of 20 samples (its count stored apart from its gap), neighbouring bins, a far one.
    const health = [...Array.from({ length: 12 }, (_, i) => 1.5 + ((i * 7) % 5) * 0.9 + (i === 11 ? 250 : 0)), ...new Array<number>(20).fill(3.3)];
    const s = replicaMinute(health, [412.7, 380.2, 1999.9]);
    expect(Math.max(...(s.quantilesOf(HEALTH) as LatencySketch).bins.values())).toBeGreaterThanOrEqual(16);
    const back = decodeStats(REPLICA_LAYOUT, bytes(s));
    for (let k = 0; k < s.quantiles.length; k++) {
      expect([...(back.quantiles[k] as LatencySketch).bins].sort()).toEqual([...(s.quantiles[k] as LatencySketch).bins].sort());
    }
    expect(quantiles(back)).toEqual(quantiles(s));
    expect(quantiles(back, 'completionLatencyMs')).toEqual(quantiles(s, 'completionLatencyMs'));
    // Below 6.4 ms every stored value has a bin of its own: exact.
    expect(quantiles(back)[0]).toBe(quantileOf(health.map((h) => Math.round(h * 10)), 0.5)! / 10);
  });

  it('come after the bytes an older build wrote for the same minute, a byte or so per distinct latency', () => {
    const s = new Stats(REPLICA_LAYOUT);
    OLD_REPLICA_HEALTH.forEach((ms) => s.add(replicaSample(probe('health', ms))));
    s.add(replicaSample({ ...probe('health', 2000, false), failure: 'refused' }));
    s.add(replicaSample({ ...probe('completion', 412.7), health: 'degraded' }));
    const hex = bytes(s).toString('hex');
    expect(hex.startsWith(OLD_REPLICA_MINUTE)).toBe(true);
    // The mask; health: its bin count, 8 bins (2.1 … 2.6 ms next to each other: a byte each but the
    // first, 2 bytes for 9.8 and 31.4 ms, far apart); the completion: bin count and one bin of 2 bytes.
    expect(hex.length / 2 - OLD_REPLICA_MINUTE.length / 2).toBe(1 + (1 + 2 + 5 + 2 + 2) + (1 + 2));
    // What the benchmark counts as the sketches' share of a row.
    expect(sketchBytes(REPLICA_LAYOUT, bytes(s))).toBe(16);
    expect(sketchBytes(REPLICA_LAYOUT, Buffer.from(OLD_REPLICA_MINUTE, 'hex'))).toBe(0);
  });

  it('leave the rows of subjects without latency sketches byte for byte as they were', () => {
    const gpu = (index: number, temperatureC: number) =>
      ({ index, temperatureC, memoryTemperatureC: 50, utilizationPct: 90, memoryUsedMiB: 70000 + index, powerW: 650.25, smClockMHz: 1980, clockEventReasons: ['sw_power_cap'] }) as never;
    const node = new Stats(NODE_LAYOUT);
    node.add(nodeSample({ at: 0, latencyMs: 120.34, error: null, health: 'healthy', gpus: [gpu(0, 61), gpu(1, 64)] }));
    node.add(nodeSample({ at: 10_000, latencyMs: 98.5, error: null, health: 'healthy', gpus: [gpu(0, 63), gpu(1, 66)] }));
    node.add(nodeSample({ at: 20_000, latencyMs: 3000, error: { code: 'PROBE_TIMEOUT' }, health: 'degraded', gpus: [] }));
    expect(bytes(node).toString('hex')).toBe(OLD_NODE_MINUTE);
  });
});

describe('rows written before sketches were kept', () => {
  const old = () => decodeStats(REPLICA_LAYOUT, Buffer.from(OLD_REPLICA_MINUTE, 'hex'));

  it('decode as before: counts, min, mean, max and classes; no p50/p95 rather than a wrong one', () => {
    const c = columns(REPLICA_LAYOUT, ['healthLatencyMs', 'healthOutcome', 'completionLatencyMs'], [{ ts: 0, stats: old() }]);
    const health = numeric(c.healthLatencyMs);
    expect(health).toMatchObject({ min: [2.1], max: [31.4], p50: [null], p95: [null] });
    expect(health.values[0]).toBeCloseTo(OLD_REPLICA_HEALTH.reduce((a, b) => a + b) / OLD_REPLICA_HEALTH.length, 1);
    expect(c.healthOutcome).toMatchObject({ counts: { ok: [11], refused: [1] } });
    expect(numeric(c.completionLatencyMs)).toMatchObject({ values: [412.7], p50: [null], p95: [null] });
    expect(NumericColumn.safeParse(health).success).toBe(true);
  });

  it('merged with newer minutes (a half hour across the upgrade): that point has no p50/p95, later ones do', () => {
    const half = old();
    half.merge(replicaMinute([3, 3.1, 3.2]));
    expect(quantiles(half)).toEqual([null, null]);
    // Written back and read again (the half hour's row is rewritten each minute): still partial.
    const again = decodeStats(REPLICA_LAYOUT, bytes(half));
    expect(again.quantilesOf(HEALTH)!.count).toBe(3);
    expect(again.count(HEALTH)).toBe(14);
    expect(quantiles(again)).toEqual([null, null]);
    expect(quantiles(replicaMinute([3, 3.1, 3.2]))).toEqual([3.1, 3.2]);
  });
});

describe('half hours from minutes, through the bytes', () => {
  it('give exactly the sketch (and p50/p95) of all their samples', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const all: number[][] = Array.from({ length: 30 }, () => Array.from({ length: 12 }, () => Math.round((20 + 400 * rnd() ** 3) * 10) / 10));
    // As the store does it: each minute written, the half hour read back, merged, written again.
    let stored: Buffer | null = null;
    for (const minute of all) {
      const s = replicaMinute(minute);
      const half: Stats = stored ? decodeStats(REPLICA_LAYOUT, stored) : new Stats(REPLICA_LAYOUT);
      half.merge(s);
      stored = bytes(half);
    }
    const half = decodeStats(REPLICA_LAYOUT, stored!);
    const direct = replicaMinute(all.flat());
    expect([...(half.quantilesOf(HEALTH) as LatencySketch).bins].sort()).toEqual([...(direct.quantilesOf(HEALTH) as LatencySketch).bins].sort());
    expect(quantiles(half)).toEqual(quantiles(direct));
    const exact = [quantileOf(all.flat(), 0.5)!, quantileOf(all.flat(), 0.95)!];
    quantiles(half).forEach((q, i) => expect(Math.abs(q! - exact[i]!)).toBeLessThanOrEqual(exact[i]! / 64));
  });
});

describe('points of raw readings (the last hour)', () => {
  it('give p50/p95 of their values exactly, one reading or many merged into a coarser point', () => {
    const readings = [12.5, 480.1, 13.2, 14.9, 612.3, 12.8, 13.3, 1000.4, 13.1, 12.9];
    const points: Point[] = readings.map((ms, i) => ({ ts: i * 1000, stats: Stats.of(REPLICA_LAYOUT, replicaSample(probe('health', ms)), true) }));
    const one = numeric(columns(REPLICA_LAYOUT, ['healthLatencyMs'], points).healthLatencyMs);
    expect(one.p50).toEqual(readings);
    expect(one.p95).toEqual(readings);
    const { points: merged } = capPoints(points, 3, 10_000, 1000); // buckets of 5 s
    expect(merged).toHaveLength(2);
    const c = numeric(columns(REPLICA_LAYOUT, ['healthLatencyMs'], merged).healthLatencyMs);
    const halves = [readings.slice(0, 5), readings.slice(5)];
    // A sketch would answer 13.35 for the first half's p50 (the middle of 13.2's bin); the raw view answers the reading.
    expect(c.p50).toEqual(halves.map((h) => quantileOf(h, 0.5)));
    expect(c.p95).toEqual(halves.map((h) => quantileOf(h, 0.95)));
    // A failed probe has no latency: it counts for nothing in the quantiles.
    const failed = Stats.of(REPLICA_LAYOUT, replicaSample(probe('health', 5000, false)), true);
    expect(numeric(columns(REPLICA_LAYOUT, ['healthLatencyMs'], [{ ts: 0, stats: failed }]).healthLatencyMs).p50).toEqual([null]);
  });

  it('are never stored as rollups', () => {
    expect(() => bytes(replicaMinute([1], [], true))).toThrow(/raw readings/);
  });
});
