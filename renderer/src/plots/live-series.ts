/**
 * A plot's data: the series `history.series` returned, then the points the usual pushes bring
 * (nodes.updated, replicas.updated) appended at the live edge — never a re-fetch of the whole
 * series (../shared/DESIGN.md, "Renderer by view"). Pure functions over plain arrays, so a push
 * costs an append, and tests run in Node.
 */
import { HISTORY_RANGE_MS, THROTTLE_REASONS_MASK, clockReasonsMask, type HistoryRange, type HistorySeries } from '../../../shared/history';
import type { ReplicaStatus } from '../../../shared/services';
import type { NodeStatus } from '../../../shared/status';

/** Columns as uPlot wants them: x in ms here (converted at the plot), one array per metric, null for a gap. */
export interface PlotData {
  range: HistoryRange;
  /** Width of a point (null: raw samples). A live point within the last point's step replaces it. */
  stepMs: number | null;
  ts: number[];
  series: Record<string, (number | null)[]>;
  /** Where each point's value came from: min and max of numeric metrics, for the band. */
  min: Record<string, (number | null)[]>;
  max: Record<string, (number | null)[]>;
}

/** A live reading: when, and each metric's value (null: not measured this time). */
export interface LivePoint {
  ts: number;
  values: Record<string, number | null>;
}

/** The plottable columns of a series: numeric ones as they are, flags as "samples with a throttling reason". */
export function fromHistory(s: HistorySeries, metrics: readonly string[]): PlotData {
  const series: PlotData['series'] = {};
  const min: PlotData['min'] = {};
  const max: PlotData['max'] = {};
  for (const m of metrics) {
    const col = s.columns[m];
    if (!col) continue;
    if (col.type === 'numeric') {
      series[m] = [...col.values];
      min[m] = [...col.min];
      max[m] = [...col.max];
    } else if (col.type === 'flags') {
      // The share of a point's samples that were throttled, 0 … 1: a raw sample is 0 or 1.
      series[m] = col.active.map((a, i) => (s.samples[i] ? a / s.samples[i]! : null));
      min[m] = series[m]!.slice();
      max[m] = series[m]!.slice();
    }
  }
  return { range: s.range, stepMs: s.stepMs ?? (s.source === 'raw' ? null : s.source === '1m' ? 60_000 : 1_800_000), ts: [...s.ts], series, min, max };
}

/**
 * The data with `p` at its live edge: appended when it is newer than the last point's step,
 * otherwise it replaces the last live value (a rollup range gets one live point per step); a
 * point not newer than the last one (a repeated push) changes nothing; points that fell out of
 * the range's window are dropped. Returns the same object when nothing changed.
 */
export function appendPoint(d: PlotData, p: LivePoint): PlotData {
  const n = d.ts.length;
  const last = n === 0 ? -Infinity : d.ts[n - 1]!;
  if (p.ts <= last) return d;
  const withinStep = d.stepMs !== null && n > 0 && p.ts < last + d.stepMs;
  const from = p.ts - HISTORY_RANGE_MS[d.range];
  let drop = 0;
  while (drop < n && d.ts[drop]! < from) drop++;
  const next = (xs: (number | null)[], v: number | null) => {
    const kept = drop > 0 ? xs.slice(drop) : xs.slice();
    if (withinStep) kept[kept.length - 1] = v;
    else kept.push(v);
    return kept;
  };
  const ts = drop > 0 ? d.ts.slice(drop) : d.ts.slice();
  if (!withinStep) ts.push(p.ts);
  const series: PlotData['series'] = {};
  const min: PlotData['min'] = {};
  const max: PlotData['max'] = {};
  for (const m of Object.keys(d.series)) {
    const v = p.values[m] ?? null;
    series[m] = next(d.series[m]!, v);
    min[m] = next(d.min[m]!, v);
    max[m] = next(d.max[m]!, v);
  }
  return { ...d, ts, series, min, max };
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
