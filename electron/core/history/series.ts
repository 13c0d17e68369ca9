/**
 * From rollups to what a plot draws: points merged into coarser buckets when there are more
 * than asked for, then one column per metric (means with their min and max, and p50/p95 of
 * latencies; the last class with counts per class; masks with their active counts).
 */
import type { HistoryColumn } from '../../../shared/history';
import type { Layout } from './layout';
import { Stats, SLOTS } from './stats';

export interface Point {
  /** A raw sample's time, or the start of its bucket. */
  ts: number;
  stats: Stats;
}

/**
 * At most `maxPoints` points over a window of `spanMs`: consecutive points merged into buckets
 * of a width that is a whole number of `baseMs` (1 s for raw samples, the rollup's step
 * otherwise), aligned on multiples of it, and at least `minStepMs` wide when asked (a plot of
 * p50/p95 over the last hour wants intervals of several readings, however few there are).
 * Returns the points unchanged when they fit and no width was asked.
 */
export function capPoints(points: Point[], maxPoints: number, spanMs: number, baseMs: number, minStepMs = 0): { points: Point[]; stepMs: number | null } {
  const least = minStepMs > baseMs ? Math.ceil(minStepMs / baseMs) * baseMs : 0;
  if (points.length <= maxPoints && least === 0) return { points, stepMs: null };
  // One bucket more than the span's quotient can straddle the ends; leave room for it.
  let width = points.length <= maxPoints ? least : Math.max(least, Math.ceil(spanMs / Math.max(1, maxPoints - 1) / baseMs) * baseMs);
  for (;;) {
    const merged: Point[] = [];
    for (const p of points) {
      const ts = Math.floor(p.ts / width) * width;
      const last = merged[merged.length - 1];
      if (last && last.ts === ts) last.stats.merge(p.stats);
      else merged.push({ ts, stats: p.stats.copy() });
    }
    if (merged.length <= maxPoints) return { points: merged, stepMs: width };
    width += baseMs;
  }
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

export function columns(layout: Layout, metrics: readonly string[], points: readonly Point[]): Record<string, HistoryColumn> {
  const out: Record<string, HistoryColumn> = {};
  for (const metric of metrics) {
    const i = layout.names.indexOf(metric);
    if (i < 0) continue;
    const f = layout.fields[i]!;
    const o = i * SLOTS;
    if (f.type === 'numeric') {
      const values: (number | null)[] = [];
      const min: (number | null)[] = [];
      const max: (number | null)[] = [];
      for (const { stats } of points) {
        const count = stats.v[o]!;
        values.push(count ? round3(stats.v[o + 3]! / count / f.scale) : null);
        min.push(count ? stats.v[o + 1]! / f.scale : null);
        max.push(count ? stats.v[o + 2]! / f.scale : null);
      }
      out[metric] = { type: 'numeric', unit: f.unit, values, min, max };
      if (f.quantiles) Object.assign(out[metric], quantileColumns(i, f.scale, points));
    } else if (f.type === 'categorical') {
      const values: (string | null)[] = [];
      const counts: Record<string, number[]> = {};
      points.forEach(({ stats }, j) => {
        values.push(stats.v[o]! ? (f.classes[stats.v[o + 1]!] ?? null) : null);
        const cats = stats.cats[i]!;
        for (let c = 0; c < cats.length; c++) {
          if (cats[c] === 0) continue;
          const name = f.classes[c]!;
          (counts[name] ??= new Array<number>(points.length).fill(0))[j] = cats[c]!;
        }
      });
      out[metric] = { type: 'categorical', classes: [...f.classes], values, counts };
    } else {
      const values: (number | null)[] = [];
      const active: number[] = [];
      for (const { stats } of points) {
        values.push(stats.v[o]! ? stats.v[o + 1]! : null);
        active.push(stats.v[o + 2]!);
      }
      out[metric] = { type: 'flags', flags: f.flags.map((x) => ({ ...x })), values, active };
    }
  }
  return out;
}

/**
 * p50 and p95 of field `i` at each point, in its unit; null where the point's distribution does
 * not hold all of the field's samples (rollups stored before sketches were kept): a quantile of
 * part of a point would pass for the whole.
 */
function quantileColumns(i: number, scale: number, points: readonly Point[]): { p50: (number | null)[]; p95: (number | null)[] } {
  const o = i * SLOTS;
  const p50: (number | null)[] = [];
  const p95: (number | null)[] = [];
  for (const { stats } of points) {
    const count = stats.v[o]!;
    const q = stats.quantilesOf(i);
    const whole = count > 0 && q !== null && q.count === count;
    const at = (p: number) => {
      const x = whole ? q.quantile(p, stats.v[o + 1]!, stats.v[o + 2]!) : null;
      return x === null ? null : round3(x / scale);
    };
    p50.push(at(0.5));
    p95.push(at(0.95));
  }
  return { p50, p95 };
}

/** Whether the point holds a value of at least one of the metrics. */
export function hasAny(layout: Layout, metrics: readonly string[], stats: Stats): boolean {
  for (const metric of metrics) {
    const i = layout.names.indexOf(metric);
    if (i >= 0 && stats.v[i * SLOTS]! > 0) return true;
  }
  return false;
}
