/**
 * The bytes of a stored sample (history_raw.sample) and of a stored rollup (history_rollup.stats).
 *
 * Why bytes and not a column per metric: at 1,000 nodes × 8 GPUs every 10 s the GPUs are nearly
 * all of the data. A GPU-minute as a row of columns (min/mean/max of six metrics, the reasons,
 * the count: 23 columns, each a header byte and its value, plus the key) measured 77 bytes on
 * disk; packed per node with varints, 39 (with GPU readings that move; 31 with the lab's steady
 * ones). Half, for the same numbers: min, max and counts exactly, the mean to 1/meanScale of the
 * stored unit. Everything is a non-negative integer (ByteWriter.uint), fields in the layout's
 * order (layout.ts); the format is stored, so it only ever grows at the end of a layout.
 *
 * Sample:  present-mask, then each present field's value;
 *          nodes: GPU count, then per GPU: index, present-mask, values.
 * Rollup:  n (a GPU's: its node's n − its own, mostly 0), then
 *          mask = present + partial × 2^fields (partial: the field's own count is not n),
 *          then per present field: [count if partial]
 *            numeric:      mean×k, centre − min, max − centre   (centre = round(mean), so both ≥ 0
 *                          and small; k = layout.meanScale: 10, or 1 where a unit is already fine)
 *            categorical:  last, k, then k × (class, count) for the other classes seen
 *                          (the last class has the rest of the count)
 *            flags:        OR of the masks, active count;
 *          nodes: GPU count, then per GPU: index, rollup.
 *          Then, when a latency field (layout.sketched) has samples in its sketch, the sketches:
 *            mask of those fields (bit = field index), then per field in the mask: bins k, then
 *            per bin: gap × 16 + samples, gap = bin − previous bin − 1 (the first: its bin), and
 *            when it holds 16 samples or more, gap × 16 followed by the samples. A bin is then
 *            one byte while the gap is below 8 and the samples below 16, as in most rows: half
 *            the bytes of (gap, samples) pairs for the same sketches.
 *          Rows written before sketches were kept end before this part: they decode with empty
 *          sketches, and give no p50/p95 (series.ts).
 */
import { FleetError } from '../../../shared/errors';
import { Stats, SLOTS } from './stats';
import type { GpuSample, Layout, Sample } from './layout';
import { LatencySketch } from './quantiles';
import { ByteReader, ByteWriter } from './varint';

// Masks hold at most two bits per field (present, partial): layouts stay far below 15 fields.
const bit = (mask: number, i: number) => ((mask >>> i) & 1) === 1;

export function encodeSample(layout: Layout, sample: Sample, w: ByteWriter): void {
  writeValues(sample.values, layout.fields.length, w);
  if (layout.gpu) {
    const gpus = sample.gpus ?? [];
    w.uint(gpus.length);
    for (const g of gpus) {
      w.uint(g.index);
      writeValues(g.values, layout.gpu.fields.length, w);
    }
  }
}

function writeValues(values: readonly (number | null)[], fields: number, w: ByteWriter): void {
  let mask = 0;
  for (let i = 0; i < fields; i++) if (values[i] !== null && values[i] !== undefined) mask |= 1 << i;
  w.uint(mask);
  for (let i = 0; i < fields; i++) {
    const x = values[i];
    if (x !== null && x !== undefined) w.uint(x);
  }
}

export function decodeSample(layout: Layout, bytes: Uint8Array): Sample {
  const r = new ByteReader(bytes);
  const values = readValues(layout.fields.length, r);
  let gpus: GpuSample[] | null = null;
  if (layout.gpu) {
    const count = r.uint();
    gpus = [];
    for (let i = 0; i < count; i++) {
      const index = r.uint();
      gpus.push({ index, values: readValues(layout.gpu.fields.length, r) });
    }
  }
  return { values, gpus };
}

function readValues(fields: number, r: ByteReader): (number | null)[] {
  const mask = r.uint();
  const values: (number | null)[] = new Array(fields);
  for (let i = 0; i < fields; i++) values[i] = bit(mask, i) ? r.uint() : null;
  return values;
}

export function encodeStats(s: Stats, w: ByteWriter): void {
  // A point of raw readings holds their values, not a sketch: it is never stored as a rollup.
  if (s.exact) throw new TypeError('history: a point of raw readings is not a rollup');
  writeStats(s, w);
  writeSketches(s, w);
}

function writeStats(s: Stats, w: ByteWriter, parentN?: number): void {
  const fields = s.layout.fields;
  const F = fields.length;
  w.uint(parentN === undefined ? s.n : Math.max(0, parentN - s.n));
  let present = 0;
  let partial = 0;
  for (let i = 0; i < F; i++) {
    const count = s.count(i);
    if (count > 0) present |= 1 << i;
    if (count > 0 && count !== s.n) partial |= 1 << i;
  }
  w.uint(present | (partial << F));
  for (let i = 0; i < F; i++) {
    const o = i * SLOTS;
    const count = s.v[o]!;
    if (count === 0) continue;
    if (count !== s.n) w.uint(count);
    const f = fields[i]!;
    if (f.type === 'numeric') {
      const m = s.layout.meanScale[i]!;
      const meanQ = Math.round((s.v[o + 3]! * m) / count);
      const centre = Math.round(meanQ / m);
      w.uint(meanQ);
      w.uint(Math.max(0, centre - s.v[o + 1]!));
      w.uint(Math.max(0, s.v[o + 2]! - centre));
    } else if (f.type === 'categorical') {
      const last = s.v[o + 1]!;
      const cats = s.cats[i]!;
      let others = 0;
      for (let c = 0; c < cats.length; c++) if (c !== last && cats[c]! > 0) others++;
      w.uint(last);
      w.uint(others);
      for (let c = 0; c < cats.length; c++) {
        if (c === last || cats[c] === 0) continue;
        w.uint(c);
        w.uint(cats[c]!);
      }
    } else {
      w.uint(s.v[o + 1]!);
      w.uint(s.v[o + 2]!);
    }
  }
  if (s.gpus) {
    w.uint(s.gpus.size);
    for (const index of [...s.gpus.keys()].sort((a, b) => a - b)) {
      w.uint(index);
      writeStats(s.gpus.get(index)!, w, s.n);
    }
  }
}

function writeSketches(s: Stats, w: ByteWriter): void {
  const sketched = s.layout.sketched;
  let mask = 0;
  sketched.forEach((field, k) => {
    if (s.quantiles[k]!.count > 0) mask |= 1 << field;
  });
  if (mask === 0) return;
  w.uint(mask);
  sketched.forEach((field, k) => {
    if (!bit(mask, field)) return;
    const sketch = s.quantiles[k] as LatencySketch;
    const bins = sketch.sortedBins();
    w.uint(bins.length);
    let prev = -1;
    for (const b of bins) {
      const n = sketch.bins.get(b)!;
      w.uint((b - prev - 1) * BIN_COUNTS + (n < BIN_COUNTS ? n : 0));
      if (n >= BIN_COUNTS) w.uint(n);
      prev = b;
    }
  });
}

/** Samples of a bin packed with its gap (see the format above); 0 means the count follows. */
const BIN_COUNTS = 16;

function readSketches(s: Stats, r: ByteReader): void {
  const mask = r.uint();
  const sketched = s.layout.sketched;
  for (let field = 0; field < 31; field++) {
    if (!bit(mask, field)) continue;
    const k = sketched.indexOf(field);
    if (k < 0) throw new FleetError('INTERNAL', `history: a stored rollup has a sketch for field ${field}, which keeps none (corrupt row)`);
    const sketch = s.quantiles[k] as LatencySketch;
    let prev = -1;
    for (let bins = r.uint(); bins > 0; bins--) {
      const code = r.uint();
      const b = prev + 1 + Math.floor(code / BIN_COUNTS);
      const n = code % BIN_COUNTS;
      sketch.addToBin(b, n === 0 ? r.uint() : n);
      prev = b;
    }
  }
}

export function decodeStats(layout: Layout, bytes: Uint8Array): Stats {
  const r = new ByteReader(bytes);
  const s = readStats(layout, r);
  if (!r.done) readSketches(s, r);
  if (!r.done) throw new FleetError('INTERNAL', 'history: a stored rollup has bytes past its end (corrupt row)');
  return s;
}

/** How many of a stored rollup's bytes are its latency sketches (the benchmark's measure of what they cost). */
export function sketchBytes(layout: Layout, bytes: Uint8Array): number {
  const r = new ByteReader(bytes);
  readStats(layout, r);
  return bytes.length - r.offset;
}

function readStats(layout: Layout, r: ByteReader, parentN?: number): Stats {
  const s = new Stats(layout);
  const fields = layout.fields;
  const F = fields.length;
  s.n = parentN === undefined ? r.uint() : parentN - r.uint();
  const mask = r.uint();
  const present = mask & ((1 << F) - 1);
  const partial = mask >>> F;
  for (let i = 0; i < F; i++) {
    if (!bit(present, i)) continue;
    const o = i * SLOTS;
    const count = bit(partial, i) ? r.uint() : s.n;
    s.v[o] = count;
    const f = fields[i]!;
    if (f.type === 'numeric') {
      const m = layout.meanScale[i]!;
      const meanQ = r.uint();
      const centre = Math.round(meanQ / m);
      s.v[o + 1] = centre - r.uint();
      s.v[o + 2] = centre + r.uint();
      s.v[o + 3] = (meanQ * count) / m;
    } else if (f.type === 'categorical') {
      const last = r.uint();
      const cats = s.cats[i]!;
      let rest = count;
      for (let k = r.uint(); k > 0; k--) {
        const c = r.uint();
        const n = r.uint();
        if (c < cats.length) cats[c] = n;
        rest -= n;
      }
      s.v[o + 1] = last;
      if (last < cats.length) cats[last] = Math.max(0, rest);
    } else {
      s.v[o + 1] = r.uint();
      s.v[o + 2] = r.uint();
    }
  }
  if (layout.gpu) {
    for (let k = r.uint(); k > 0; k--) {
      const index = r.uint();
      s.gpus!.set(index, readStats(layout.gpu, r, s.n));
    }
  }
  return s;
}

/** A reusable writer for one encode at a time (single-threaded engine). */
export const scratch = new ByteWriter(4096);
