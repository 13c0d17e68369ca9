/**
 * A plot's data: the series `history.series` returned, then the points the usual pushes bring
 * (nodes.updated, replicas.updated) appended at the live edge — never a re-fetch of the whole
 * series (../shared/DESIGN.md, "Renderer by view"). Pure functions over plain arrays, so a push
 * costs an append, and tests run in Node.
 */
import { HISTORY_RANGE_MS, THROTTLE_REASONS_MASK, clockReasonsMask, quantileOf, type HistoryRange, type HistorySeries } from '../../../shared/history';
import type { ReplicaStatus } from '../../../shared/services';
import type { NodeStatus } from '../../../shared/status';

/** Columns as uPlot wants them: x in ms here (converted at the plot), one array per metric, null for a gap. */
export interface PlotData {
  range: HistoryRange;
  /** Width of a point (null: raw samples). Points start on multiples of it, like the engine's buckets. */
  stepMs: number | null;
  ts: number[];
  series: Record<string, (number | null)[]>;
  /** Where each point's value came from: min and max of numeric metrics, for the band. */
  min: Record<string, (number | null)[]>;
  max: Record<string, (number | null)[]>;
  /** p50 and p95 of each point, for the metrics whose columns have them (latencies). */
  p50: Record<string, (number | null)[]>;
  p95: Record<string, (number | null)[]>;
  /** The newest reading held: a push not newer than it (the same status again) changes nothing. */
  edge: number;
  /**
   * The readings pushed into the last point, per metric, when a push started that point (a range
   * of points wider than a reading); its mean, min, max, p50 and p95 are theirs. null when the
   * last point is the engine's.
   */
  live: Record<string, number[]> | null;
}

/** A live reading: when, and each metric's value (null: not measured this time). */
export interface LivePoint {
  ts: number;
  values: Record<string, number | null>;
}

/** The plottable columns of a series: numeric ones as they are, flags as "samples with a throttling reason". */
export function fromHistory(s: Pick<HistorySeries, 'ts' | 'samples' | 'columns' | 'stepMs' | 'source'> & { range?: HistoryRange }, metrics: readonly string[]): PlotData {
  const series: PlotData['series'] = {};
  const min: PlotData['min'] = {};
  const max: PlotData['max'] = {};
  const p50: PlotData['p50'] = {};
  const p95: PlotData['p95'] = {};
  for (const m of metrics) {
    const col = s.columns[m];
    if (!col) continue;
    if (col.type === 'numeric') {
      series[m] = [...col.values];
      min[m] = [...col.min];
      max[m] = [...col.max];
      if (col.p50 && col.p95) {
        p50[m] = [...col.p50];
        p95[m] = [...col.p95];
      }
    } else if (col.type === 'flags') {
      // The share of a point's samples that were throttled, 0 … 1: a raw sample is 0 or 1.
      series[m] = col.active.map((a, i) => (s.samples[i] ? a / s.samples[i]! : null));
      min[m] = series[m]!.slice();
      max[m] = series[m]!.slice();
    }
  }
  const stepMs = s.stepMs ?? (s.source === 'raw' ? null : s.source === '1m' ? 60_000 : 1_800_000);
  // An incident's series (incidents.history) has no range of its own: it is read as history, never extended live.
  return { range: s.range ?? '30d', stepMs, ts: [...s.ts], series, min, max, p50, p95, edge: s.ts.at(-1) ?? -Infinity, live: null };
}

/** The last point made of `readings` alone: their mean, min, max and quantiles. */
function summarise(readings: readonly number[]): { mean: number | null; min: number | null; max: number | null; p50: number | null; p95: number | null } {
  if (readings.length === 0) return { mean: null, min: null, max: null, p50: null, p95: null };
  return {
    mean: readings.reduce((a, b) => a + b, 0) / readings.length,
    min: Math.min(...readings),
    max: Math.max(...readings),
    p50: quantileOf(readings, 0.5),
    p95: quantileOf(readings, 0.95),
  };
}

/**
 * The data with `p` at its live edge; points that fell out of the range's window are dropped, and
 * a reading not newer than the newest held (a repeated push) changes nothing (the same object is
 * returned). Raw samples: a point per reading. Wider points (rollups, or raw readings in intervals):
 * a reading in a later interval starts a point there, and the readings pushed into it make its
 * mean, min, max, p50 and p95 exactly; a reading in the engine's last point widens its min and max
 * only (its mean and quantiles are of samples this side never saw one by one).
 */
export function appendPoint(d: PlotData, p: LivePoint): PlotData {
  if (p.ts <= d.edge) return d;
  const from = p.ts - HISTORY_RANGE_MS[d.range];
  let drop = 0;
  while (drop < d.ts.length && d.ts[drop]! < from) drop++;
  const cut = <T>(xs: readonly T[]): T[] => xs.slice(drop);
  const ts = cut(d.ts);
  const start = d.stepMs === null ? p.ts : Math.floor(p.ts / d.stepMs) * d.stepMs;
  const within = d.stepMs !== null && ts.length > 0 && start <= ts[ts.length - 1]!;
  if (!within) ts.push(start);
  const next: PlotData = { ...d, ts, edge: p.ts, series: {}, min: {}, max: {}, p50: {}, p95: {}, live: d.stepMs === null ? null : within ? d.live && {} : {} };
  for (const m of Object.keys(d.series)) {
    const v = p.values[m] ?? null;
    const cols = [cut(d.series[m]!), cut(d.min[m]!), cut(d.max[m]!), ...(d.p50[m] ? [cut(d.p50[m]), cut(d.p95[m]!)] : [])];
    const lastAt = ts.length - 1;
    if (!within) {
      for (const c of cols) c.push(v);
      if (next.live) next.live[m] = v === null ? [] : [v];
    } else if (d.live && next.live) {
      const readings = v === null ? (d.live[m] ?? []) : [...(d.live[m] ?? []), v];
      next.live[m] = readings;
      const sum = summarise(readings);
      [sum.mean, sum.min, sum.max, sum.p50, sum.p95].forEach((x, k) => {
        if (cols[k]) cols[k][lastAt] = x;
      });
    } else if (v !== null) {
      const [, min, max] = cols;
      min![lastAt] = min![lastAt] === null ? v : Math.min(min![lastAt]!, v);
      max![lastAt] = max![lastAt] === null ? v : Math.max(max![lastAt]!, v);
    }
    [next.series[m], next.min[m], next.max[m]] = [cols[0]!, cols[1]!, cols[2]!];
    if (cols[3]) [next.p50[m], next.p95[m]] = [cols[3], cols[4]!];
  }
  return next;
}

/** The p50 and p95 of a metric as plot values: keys `METRIC.p50` and `METRIC.p95`. */
export function quantileValues(d: PlotData, metric: string): Record<string, (number | null)[]> {
  return { [`${metric}.p50`]: d.p50[metric] ?? [], [`${metric}.p95`]: d.p95[metric] ?? [] };
}

/** A GPU's reading from a node's pushed status; null when the probe failed (its GPUs are the last ones seen, not new readings). */
export function gpuPoint(node: Pick<NodeStatus, 'lastProbeAt' | 'lastError' | 'gpus'>, gpu: number): LivePoint | null {
  if (node.lastProbeAt === null || node.lastError !== null) return null;
  const g = node.gpus.find((x) => x.index === gpu);
  if (!g) return null;
  return {
    ts: node.lastProbeAt,
    values: {
      temperatureC: g.temperatureC,
      memoryTemperatureC: g.memoryTemperatureC,
      powerW: g.powerW,
      utilizationPct: g.utilizationPct,
      memoryUsedMiB: g.memoryUsedMiB,
      smClockMHz: g.smClockMHz,
      clockEventReasons: (clockReasonsMask(g.clockEventReasons) & THROTTLE_REASONS_MASK) !== 0 ? 1 : 0,
    },
  };
}

/** A replica's latest probe latencies from its pushed status (a failed probe has no latency to plot). */
export function replicaPoint(r: Pick<ReplicaStatus, 'lastHealth' | 'lastCompletion'>): LivePoint | null {
  const h = r.lastHealth;
  const c = r.lastCompletion;
  const ts = Math.max(h?.at ?? -Infinity, c?.at ?? -Infinity);
  if (!Number.isFinite(ts)) return null;
  return {
    ts,
    values: {
      healthLatencyMs: h && h.at === ts && h.ok ? h.latencyMs : null,
      completionLatencyMs: c && c.at === ts && c.ok ? c.latencyMs : null,
    },
  };
}

/** A service's per-minute counts, as availability (%) and burn rate (× the allowed error rate) per point. */
export interface AvailabilityPoints {
  ts: number[];
  availabilityPct: (number | null)[];
  burn: (number | null)[];
}

/** Availability and burn of each point; burn is null for a 100 % target (any failure burns it all). */
export function availabilityPoints(s: { target: number; ts: readonly number[]; ok: readonly number[]; failed: readonly number[] }): AvailabilityPoints {
  const allowed = 1 - s.target / 100;
  const out: AvailabilityPoints = { ts: [...s.ts], availabilityPct: [], burn: [] };
  s.ts.forEach((_, i) => {
    const total = s.ok[i]! + s.failed[i]!;
    const errorRate = total === 0 ? null : s.failed[i]! / total;
    out.availabilityPct.push(errorRate === null ? null : (1 - errorRate) * 100);
    out.burn.push(errorRate === null || allowed <= 0 ? null : errorRate / allowed);
  });
  return out;
}

/**
 * The series with a pushed minute at its live edge: the minute still filling replaces its
 * point, a new minute is appended, the oldest fall out of the window. Only per-minute ranges
 * follow pushes (a 30-day plot of half hours is read again when reopened).
 */
export function withRecentMinutes<S extends { range: '1h' | '24h' | '30d'; stepMs: number; ts: number[]; ok: number[]; failed: number[] }>(
  s: S,
  recent: ReadonlyArray<{ ts: number; ok: number; failed: number }> | undefined,
): S {
  if (!recent || recent.length === 0 || s.stepMs !== 60_000) return s;
  let ts = s.ts;
  let ok = s.ok;
  let failed = s.failed;
  let changed = false;
  for (const m of recent) {
    if (m.ok + m.failed === 0) continue;
    const i = ts.lastIndexOf(m.ts);
    if (i >= 0) {
      if (ok[i] === m.ok && failed[i] === m.failed) continue;
      if (!changed) [ts, ok, failed, changed] = [ts.slice(), ok.slice(), failed.slice(), true];
      ok[i] = m.ok;
      failed[i] = m.failed;
    } else if (ts.length === 0 || m.ts > ts[ts.length - 1]!) {
      if (!changed) [ts, ok, failed, changed] = [ts.slice(), ok.slice(), failed.slice(), true];
      ts.push(m.ts);
      ok.push(m.ok);
      failed.push(m.failed);
    }
  }
  if (!changed) return s;
  const from = ts[ts.length - 1]! - HISTORY_RANGE_MS[s.range];
  const drop = ts.findIndex((t) => t >= from);
  return { ...s, ts: ts.slice(drop), ok: ok.slice(drop), failed: failed.slice(drop) };
}
