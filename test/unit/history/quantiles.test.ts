/**
 * The latency sketch behind p50/p95 of the 24 h and 30 d views: its bins cover every value once,
 * its quantiles stay within the stated relative error of the exact ones on known distributions
 * (uniform, long-tailed, a constant, small values), and merging sketches gives exactly the
 * sketch of all their values (a half hour from its minutes).
 */
import { describe, expect, it } from 'vitest';
import { ExactValues, LatencySketch, SKETCH_RELATIVE_ERROR, binBounds, binOf } from '../../../electron/core/history/quantiles';
import { quantileOf } from '../../../shared/history';

/** A seeded generator (mulberry32): the same numbers every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Latencies as stored: integers of 0.1 ms. */
const distributions: Record<string, (n: number) => number[]> = {
  // 0.1 ms … 5 s, evenly.
  uniform: (n) => {
    const r = random(1);
    return Array.from({ length: n }, () => 1 + Math.floor(r() * 50_000));
  },
  // Pareto (α 1.2, from 20 ms): most completions fast, a long tail of slow ones (some of minutes).
  'long-tailed': (n) => {
    const r = random(2);
    return Array.from({ length: n }, () => Math.round(200 / Math.pow(1 - r(), 1 / 1.2)));
  },
  // Log-normal around 300 ms: what a completion probe's latency looks like.
  'log-normal': (n) => {
    const r = random(3);
    return Array.from({ length: n }, () => {
      const z = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
      return Math.round(3000 * Math.exp(0.6 * z));
    });
  },
  constant: (n) => new Array<number>(n).fill(4127),
  // A health endpoint on loopback: 0.8 … 6.3 ms, where every stored value has a bin of its own.
  small: (n) => {
    const r = random(4);
    return Array.from({ length: n }, () => 8 + Math.floor(r() * 56));
  },
};

const sketchOf = (values: readonly number[]) => {
  const s = new LatencySketch();
  for (const v of values) s.add(v);
  return s;
};
const minMax = (values: readonly number[]) => [Math.min(...values), Math.max(...values)] as const;

describe('bins', () => {
  it('cover every value exactly once, in order, each within 1/32 of its lowest value wide', () => {
    let prevBin = -1;
    let prevHigh = -1;
    const last = binOf(0xffff_ffff);
    for (let bin = 0; bin <= last; bin++) {
      const [low, high] = binBounds(bin);
      expect(low).toBe(prevHigh + 1); // no gap, no overlap
      expect(binOf(low)).toBe(bin);
      expect(binOf(high)).toBe(bin);
      expect(high - low + 1).toBeLessThanOrEqual(Math.max(1, low / 32));
      prevHigh = high;
      expect(bin).toBe(prevBin + 1);
      prevBin = bin;
    }
    expect(prevHigh).toBe(0xffff_ffff);
    // Below 64 (6.4 ms) a value is its own bin.
    for (let v = 0; v < 64; v++) expect(binBounds(binOf(v))).toEqual([v, v]);
    // The largest values share the last bin rather than failing.
    expect(binOf(2 ** 40)).toBe(binOf(0xffff_ffff));
  });
});

describe('sketch accuracy against exact quantiles', () => {
  for (const [name, make] of Object.entries(distributions)) {
    it(`${name}: p50, p95 (and p99, p1) within ${(SKETCH_RELATIVE_ERROR * 100).toFixed(2)} % of exact, for 1 … 20,000 samples`, () => {
      for (const n of [1, 2, 12, 360, 20_000]) {
        const values = make(n);
        const sketch = sketchOf(values);
        const [min, max] = minMax(values);
        for (const q of [0.01, 0.5, 0.95, 0.99]) {
          const exact = quantileOf(values, q)!;
          const got = sketch.quantile(q, min, max)!;
          expect(Math.abs(got - exact), `${name} n=${n} q=${q}: ${got} vs ${exact}`).toBeLessThanOrEqual(exact * SKETCH_RELATIVE_ERROR);
          if (exact < 64 || min === max) expect(got).toBe(exact);
        }
      }
    });
  }

  it('the error bound is tight enough to matter: a wide bin is off, but by less than 1/64', () => {
    // 100,000 (10 s) falls in a bin 2,048 wide: the middle of the bin is not the value.
    const values = [100_000, 100_000, 100_000, 1];
    const got = sketchOf(values).quantile(0.5, 1, 200_000)!;
    expect(got).not.toBe(100_000);
    expect(Math.abs(got - 100_000) / 100_000).toBeLessThan(1 / 64);
  });

  it('an empty sketch has no quantile', () => {
    expect(new LatencySketch().quantile(0.5, 0, 0)).toBeNull();
    expect(new ExactValues().quantile(0.5)).toBeNull();
  });
});

describe('nearest-rank quantiles', () => {
  it('the smallest value with at least q × n at or below it', () => {
    expect(quantileOf([4, 1, 3, 2], 0.5)).toBe(2);
    expect(quantileOf([4, 1, 3, 2], 0.95)).toBe(4);
    expect(quantileOf(Array.from({ length: 100 }, (_, i) => i + 1), 0.95)).toBe(95);
    expect(quantileOf([7], 0.01)).toBe(7);
    expect(quantileOf([], 0.5)).toBeNull();
  });

  it('exact values answer exactly, and merge by keeping every value', () => {
    const a = new ExactValues();
    const b = new ExactValues();
    [5, 1, 9].forEach((v) => a.add(v));
    [3, 7].forEach((v) => b.add(v));
    a.merge(b);
    expect([a.count, a.quantile(0.5), a.quantile(0.95)]).toEqual([5, 5, 9]);
    expect(b.count).toBe(2);
  });
});

describe('merging', () => {
  it('the merge of sketches is the sketch of the union: bins, count and every quantile', () => {
    for (const make of Object.values(distributions)) {
      const values = make(1800);
      // 30 minutes of 60 readings each, merged in order (a half hour from its minutes).
      const merged = new LatencySketch();
      for (let m = 0; m < 30; m++) merged.merge(sketchOf(values.slice(m * 60, (m + 1) * 60)));
      const whole = sketchOf(values);
      expect(merged.count).toBe(whole.count);
      expect(new Map([...merged.bins].sort((a, b) => a[0] - b[0]))).toEqual(new Map([...whole.bins].sort((a, b) => a[0] - b[0])));
      const [min, max] = minMax(values);
      for (const q of [0.5, 0.95]) expect(merged.quantile(q, min, max)).toBe(whole.quantile(q, min, max));
    }
  });

  it('copies are independent, and kinds do not mix', () => {
    const s = sketchOf([10, 20]);
    const c = s.copy();
    c.add(30);
    expect([s.count, c.count]).toEqual([2, 3]);
    expect(() => s.merge(new ExactValues())).toThrow(TypeError);
    expect(() => new ExactValues().merge(s)).toThrow(TypeError);
  });
});
