/**
 * The rollup of a run of samples, field by field:
 * - numeric: count, min, max, sum (the mean is sum / count);
 * - categorical: count, the last class, and a count per class (the share of time in each state;
 *   the last one is where the bucket ended, which is what a step plot continues from);
 * - flags (clock event reasons): count, the OR of the masks (which reasons occurred at all),
 *   and how many samples had a throttling reason (how much of the time the GPU was slowed).
 * Latency fields (layout.sketched) also keep their values' distribution, for p50/p95: a sketch
 * in a rollup, the values themselves in a point of raw readings (`exact`, quantiles.ts).
 * Merging two rollups gives the rollup of both runs (the later one second), so minutes merge
 * into half hours and points merge into coarser points with the same code.
 */
import type { Layout, Sample } from './layout';
import { ExactValues, LatencySketch, type Quantiles } from './quantiles';

/** Numbers kept per field: [count, a, b, c] (numeric: min, max, sum; categorical: last; flags: or, active). */
export const SLOTS = 4;

interface Template {
  v: number[];
  cats: (number[] | null)[];
  hasCats: boolean;
}
const templates = new Map<Layout, Template>();
/** Shared by the layouts that keep no distribution: nothing is ever added to it. */
const NONE: Quantiles[] = [];

/** Zeroes to copy: a rollup is made per subject per minute, so making one must be cheap (no typed arrays). */
function templateOf(layout: Layout): Template {
  let t = templates.get(layout);
  if (!t) {
    const cats = layout.fields.map((f) => (f.type === 'categorical' ? new Array<number>(f.classes.length).fill(0) : null));
    t = { v: new Array<number>(layout.fields.length * SLOTS).fill(0), cats, hasCats: cats.some((c) => c !== null) };
    templates.set(layout, t);
  }
  return t;
}

export class Stats {
  /** Samples in the run (a field's own count is lower when the field was missing from some). */
  n = 0;
  readonly v: number[];
  /** Per categorical field, the count of each class code; null for other fields. */
  readonly cats: readonly (number[] | null)[];
  /** Nodes: the rollup of each GPU, by index. */
  readonly gpus: Map<number, Stats> | null;
  /**
   * Per field in layout.sketched (same order), the distribution of its values. A sketch can
   * hold fewer samples than the field's count: a rollup stored before sketches were kept, merged
   * with newer ones. Its quantiles are then not those of the whole point (series.ts gives none).
   */
  readonly quantiles: Quantiles[];

  /** `exact`: a point of raw readings, whose quantiles are computed from the values themselves. */
  constructor(
    readonly layout: Layout,
    readonly exact = false,
  ) {
    const t = templateOf(layout);
    this.v = t.v.slice();
    // Without categorical fields the (all-null) list is shared: nothing writes to it.
    this.cats = t.hasCats ? t.cats.map((c) => (c ? c.slice() : null)) : t.cats;
    this.gpus = layout.gpu ? new Map() : null;
    this.quantiles = layout.sketched.length === 0 ? NONE : layout.sketched.map(() => (exact ? new ExactValues() : new LatencySketch()));
  }

  static of(layout: Layout, sample: Sample, exact = false): Stats {
    const s = new Stats(layout, exact);
    s.add(sample);
    return s;
  }

  /** The distribution of field `field`'s values, when the layout keeps one. */
  quantilesOf(field: number): Quantiles | null {
    const k = this.layout.sketched.indexOf(field);
    return k < 0 ? null : this.quantiles[k]!;
  }

  count(field: number): number {
    return this.v[field * SLOTS]!;
  }

  add(sample: Sample): void {
    this.addValues(sample.values);
    if (this.gpus && sample.gpus) {
      const gpuLayout = this.layout.gpu!;
      for (const g of sample.gpus) {
        let s = this.gpus.get(g.index);
        if (!s) this.gpus.set(g.index, (s = new Stats(gpuLayout, this.exact)));
        s.addValues(g.values);
      }
    }
  }

  /** Adds `other`, a run that came after this one (of the same kind: rollup or raw). */
  merge(other: Stats): void {
    this.n += other.n;
    for (let k = 0; k < this.quantiles.length; k++) this.quantiles[k]!.merge(other.quantiles[k]!);
    const fields = this.layout.fields;
    for (let i = 0; i < fields.length; i++) {
      const o = i * SLOTS;
      const count = other.v[o]!;
      if (count === 0) continue;
      const v = this.v;
      const w = other.v;
      const mine = v[o]!;
      v[o] = mine + count;
      const f = fields[i]!;
      if (f.type === 'numeric') {
        v[o + 1] = mine === 0 ? w[o + 1]! : Math.min(v[o + 1]!, w[o + 1]!);
        v[o + 2] = mine === 0 ? w[o + 2]! : Math.max(v[o + 2]!, w[o + 2]!);
        v[o + 3] = v[o + 3]! + w[o + 3]!;
      } else if (f.type === 'categorical') {
        v[o + 1] = w[o + 1]!;
        const mineCats = this.cats[i]!;
        const theirs = other.cats[i]!;
        for (let c = 0; c < mineCats.length; c++) mineCats[c] = mineCats[c]! + theirs[c]!;
      } else {
        v[o + 1] = (v[o + 1]! | w[o + 1]!) >>> 0;
        v[o + 2] = v[o + 2]! + w[o + 2]!;
      }
    }
    if (this.gpus && other.gpus) {
      for (const [index, g] of other.gpus) {
        const mine = this.gpus.get(index);
        if (mine) mine.merge(g);
        else this.gpus.set(index, g.copy());
      }
    }
  }

  copy(): Stats {
    const s = new Stats(this.layout, this.exact);
    s.merge(this);
    return s;
  }

  private addValues(values: readonly (number | null)[]): void {
    this.n++;
    const fields = this.layout.fields;
    const v = this.v;
    for (let i = 0; i < fields.length; i++) {
      const x = values[i];
      if (x === null || x === undefined) continue;
      const o = i * SLOTS;
      const first = v[o] === 0;
      v[o] = v[o]! + 1;
      const f = fields[i]!;
      if (f.type === 'numeric') {
        if (first || x < v[o + 1]!) v[o + 1] = x;
        if (first || x > v[o + 2]!) v[o + 2] = x;
        v[o + 3] = v[o + 3]! + x;
        if (f.quantiles) this.quantilesOf(i)!.add(x);
      } else if (f.type === 'categorical') {
        v[o + 1] = x;
        const cats = this.cats[i]!;
        if (x < cats.length) cats[x] = cats[x]! + 1;
      } else {
        v[o + 1] = (v[o + 1]! | x) >>> 0;
        if (x & f.activeMask) v[o + 2] = v[o + 2]! + 1;
      }
    }
  }
}
