/**
 * p50/p95 of a run of latencies, two ways:
 *
 * - LatencySketch, kept in every rollup of a latency field: a log-linear histogram with fixed
 *   bin bounds (HdrHistogram's layout, 5 sub-bucket bits). A stored value below 64 (6.4 ms at
 *   0.1 ms) is a bin of its own; above, each power of two [2^e, 2^(e+1)) is cut into 32 bins of
 *   width 2^(e−5). A quantile is the middle of the bin holding the sample of its rank, clamped to
 *   the run's min and max, so it is within 1/64 (1.6 %) of the exact quantile of the stored
 *   values, and exact below 64. The bounds never depend on the data, so two sketches merge by
 *   adding counts bin by bin: the half hour's sketch is exactly the sketch of its minutes'
 *   samples (unlike a t-digest or a reservoir, whose merges are approximate).
 * - ExactValues, for points made of raw readings (the 1 h view): the values themselves.
 *
 * Both answer the nearest-rank quantile (shared/history.ts quantileOf) over what they hold.
 */
import { quantileOf } from '../../../shared/history';

export interface Quantiles {
  /** Samples held. */
  readonly count: number;
  add(value: number): void;
  /** Adds another run's (of the same kind). */
  merge(other: Quantiles): void;
  copy(): Quantiles;
  /** The q-quantile of the held values (nearest rank), within [min, max]; null when empty. */
  quantile(q: number, min: number, max: number): number | null;
}

const SUB_BITS = 5;
/** Values below this are a bin each. */
const EXACT_BELOW = 2 << SUB_BITS;
/** Larger values share the last bin (2^32 tenths of a millisecond is five days: no probe waits that long). */
const LARGEST = 0xffff_ffff;

/** The bin of a non-negative integer. */
export function binOf(value: number): number {
  const v = Math.min(LARGEST, Math.max(0, Math.floor(value)));
  if (v < EXACT_BELOW) return v;
  const shift = 31 - Math.clz32(v) - SUB_BITS;
  // The top SUB_BITS + 1 bits of v: 32 … 63; octave by octave after the exact bins.
  return (shift << SUB_BITS) + (v >>> shift);
}

/** [lowest, highest] value of a bin (inverse of binOf). */
export function binBounds(bin: number): [number, number] {
  if (bin < EXACT_BELOW) return [bin, bin];
  const shift = (bin >>> SUB_BITS) - 1;
  const low = ((bin & ((1 << SUB_BITS) - 1)) + (1 << SUB_BITS)) * 2 ** shift;
  return [low, low + 2 ** shift - 1];
}

/** The worst relative error of a sketch's quantile against the exact one (see above). */
export const SKETCH_RELATIVE_ERROR = 1 / (2 << SUB_BITS);

export class LatencySketch implements Quantiles {
  /** Bin → samples in it. */
  readonly bins = new Map<number, number>();
  count = 0;

  add(value: number): void {
    const b = binOf(value);
    this.bins.set(b, (this.bins.get(b) ?? 0) + 1);
    this.count++;
  }

  /** Adds `n` samples to a bin (decoding a stored sketch). */
  addToBin(bin: number, n: number): void {
    if (n <= 0) return;
    this.bins.set(bin, (this.bins.get(bin) ?? 0) + n);
    this.count += n;
  }

  merge(other: Quantiles): void {
    if (!(other instanceof LatencySketch)) throw new TypeError('a latency sketch merges with another sketch only');
    for (const [b, n] of other.bins) this.bins.set(b, (this.bins.get(b) ?? 0) + n);
    this.count += other.count;
  }

  copy(): LatencySketch {
    const s = new LatencySketch();
    s.merge(this);
    return s;
  }

  /** The bins that hold samples, lowest first. */
  sortedBins(): number[] {
    return [...this.bins.keys()].sort((a, b) => a - b);
  }

  quantile(q: number, min: number, max: number): number | null {
    if (this.count === 0) return null;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (const b of this.sortedBins()) {
      seen += this.bins.get(b)!;
      if (seen >= rank) {
        const [low, high] = binBounds(b);
        return Math.min(max, Math.max(min, (low + high) / 2));
      }
    }
    return max;
  }
}

export class ExactValues implements Quantiles {
  readonly values: number[] = [];

  get count(): number {
    return this.values.length;
  }

  add(value: number): void {
    this.values.push(value);
  }

  merge(other: Quantiles): void {
    if (!(other instanceof ExactValues)) throw new TypeError('exact values merge with exact values only');
    for (const v of other.values) this.values.push(v);
  }

  copy(): ExactValues {
    const e = new ExactValues();
    e.merge(this);
    return e;
  }

  quantile(q: number): number | null {
    return quantileOf(this.values, q);
  }
}
