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
 */
import { FleetError } from '../../../shared/errors';
import { Stats, SLOTS } from './stats';
import type { GpuSample, Layout, Sample } from './layout';
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

export function encodeStats(s: Stats, w: ByteWriter, parentN?: number): void {
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
      encodeStats(s.gpus.get(index)!, w, s.n);
    }
  }
}

export function decodeStats(layout: Layout, bytes: Uint8Array): Stats {
  const r = new ByteReader(bytes);
  const s = readStats(layout, r);
  if (!r.done) throw new FleetError('INTERNAL', 'history: a stored rollup has bytes past its end (corrupt row)');
  return s;
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
