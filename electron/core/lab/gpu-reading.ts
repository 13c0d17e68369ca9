/**
 * The value of every `--query-gpu` field for one lab GPU right now: the captured value, unless
 * the GPU's profile, the enumeration, the clock or one of its faults says otherwise.
 */
import { CLOCK_EVENT_REASON_BITS, clockEventReasonBits } from '../../../shared/clock-event-reasons';
import type { CapturedData, CapturedField } from './captured-data';
import type { GpuProfile } from './gpu-profile';
import { SLOWDOWN_TEMPERATURE_C } from './gpu-profile';
import type { NodeFaults } from './node-faults';

export interface FieldValue {
  csv: string;
  nounits: string;
}

export interface GpuReading {
  /** By canonical field name; undefined for a name the driver does not know. */
  field(canonical: string): FieldValue | undefined;
  header(canonical: string): string | undefined;
  /** The value (no units) this instant sets (index, timestamp, clock reasons, a fault's fields); undefined where profileField decides. */
  instant(canonical: string): string | undefined;
}

/** The bits of `clocks_event_reasons.active` that have a per-reason field: nvidia-smi prints none for display_clock_setting. */
const REASON_BITS = CLOCK_EVENT_REASON_BITS.filter((r) => r.name !== 'display_clock_setting').map(({ name, bit }) => ({ field: `clocks_event_reasons.${name}`, bit }));
export const SW_THERMAL_SLOWDOWN = clockEventReasonBits('sw_thermal_slowdown');
export const HW_THERMAL_SLOWDOWN = clockEventReasonBits('hw_thermal_slowdown');

/** Temperature a GPU in thermal slowdown reports: past the 87 C slowdown point, short of shutdown. */
export const THERMAL_FAULT_TEMPERATURE_C = 94;
/** Uncorrectable errors an `ecc-uncorrectable` fault puts on the HBM counters. */
export const ECC_FAULT_UNCORRECTED = 2;

/** The last timestamp formatted: every GPU of one nvidia-smi call, and often of several, reads the same instant. */
let lastTimestamp = { ms: NaN, text: '' };

/** nvidia-smi's `timestamp` format, local time: `2026/11/25 12:14:27.298`. */
export function driverTimestamp(ms: number): string {
  if (ms === lastTimestamp.ms) return lastTimestamp.text;
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const text = `${d.getFullYear()}/${p(d.getMonth() + 1)}/${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
  lastTimestamp = { ms, text };
  return text;
}

/** A header's unit (`power.draw [W]` → `W`), or null; a few dozen headers, each read for every GPU of every probe. */
const unitOfHeader = new Map<string, string | null>();

/** The `csv` form of a `nounits` value: the header's unit appended, except on `[N/A]`-like values. */
export function withUnit(nounits: string, header: string): string {
  let unit = unitOfHeader.get(header);
  if (unit === undefined) {
    unit = /\[([^\]]+)\]$/.exec(header)?.[1] ?? null;
    unitOfHeader.set(header, unit);
  }
  if (!unit || nounits.startsWith('[') || nounits === '') return nounits;
  return `${nounits} ${unit}`;
}

const ECC_FAULT_FIELDS = ['volatile', 'aggregate'].flatMap((scope) => ['device_memory', 'dram', 'total'].map((where) => `ecc.errors.uncorrected.${scope}.${where}`));

function eccOverrides(o: Map<string, string>): void {
  const n = String(ECC_FAULT_UNCORRECTED);
  for (const f of ECC_FAULT_FIELDS) o.set(f, n);
  // The failing HBM row is queued for remapping at the next GPU reset.
  o.set('remapped_rows.uncorrectable', '1');
  o.set('remapped_rows.pending', 'Yes');
}

function thermalOverrides(o: Map<string, string>, value: (f: string) => string, sinceMs: number, nowMs: number): void {
  o.set('temperature.gpu', String(THERMAL_FAULT_TEMPERATURE_C));
  o.set('temperature.gpu.tlimit', String(SLOWDOWN_TEMPERATURE_C - THERMAL_FAULT_TEMPERATURE_C));
  o.set('temperature.memory', String(Math.max(Number(value('temperature.memory')), 89)));
  // The slowdown halves the clocks of a loaded GPU; an idle one already sits at its floor.
  const sm = Number(value('clocks.current.sm'));
  const slowed = String(Math.max(345, Math.round((sm * 0.5) / 15) * 15));
  o.set('clocks.current.sm', slowed);
  o.set('clocks.current.graphics', slowed);
  const micros = String(Math.max(0, Math.round((nowMs - sinceMs) * 1000)));
  o.set('clocks_event_reasons_counters.sw_thermal_slowdown', micros);
  o.set('clocks_event_reasons_counters.hw_thermal_slowdown', micros);
}

export interface ReadGpuInput {
  profile: GpuProfile;
  /** Position on the board (what faults name). */
  physicalIndex: number;
  /** Position in the driver's enumeration (what `index` prints). */
  enumeratedIndex: number;
  enumeratedCount: number;
  faults: NodeFaults;
  nowMs: number;
}

/**
 * A reading is made for every GPU of every probe (at 1,000 lab nodes probed every 3 s, some 2,700
 * a second, in the console's own process when it runs the lab), so it does not copy the profile's
 * overrides: what this instant sets sits in a small map over them, and a field nothing overrides
 * is the captured object itself.
 */
export function readGpu(input: ReadGpuInput, data: CapturedData): GpuReading {
  const base = data[input.profile.activity];
  const o = new Map<string, string>();
  const value = (f: string) => o.get(f) ?? input.profile.overrides[f] ?? (base.get(f) as CapturedField).nounits;
  o.set('index', String(input.enumeratedIndex));
  o.set('count', String(input.enumeratedCount));
  o.set('timestamp', driverTimestamp(input.nowMs));

  let reasons = Number.parseInt(value('clocks_event_reasons.active'), 16);
  if (input.faults.onGpu(input.physicalIndex, 'ecc-uncorrectable')) eccOverrides(o);
  const thermal = input.faults.onGpu(input.physicalIndex, 'thermal-slowdown');
  if (thermal) {
    thermalOverrides(o, value, thermal.injectedAtMs, input.nowMs);
    reasons |= SW_THERMAL_SLOWDOWN | HW_THERMAL_SLOWDOWN;
  }
  // The per-reason fields always follow the bitmask, as the driver derives both from one NVML word.
  o.set('clocks_event_reasons.active', `0x${reasons.toString(16).toUpperCase().padStart(16, '0')}`);
  for (const { field, bit } of REASON_BITS) o.set(field, reasons & bit ? 'Active' : 'Not Active');

  return {
    header: (f) => base.get(f)?.header,
    instant: (f) => o.get(f),
    field(f) {
      const v = o.get(f);
      if (v === undefined) return profileField(input.profile, data, f);
      const captured = base.get(f);
      return captured && { csv: withUnit(v, captured.header), nounits: v };
    },
  };
}

/** A field as the GPU's profile and the captured data set it, whatever the instant: the captured object itself where the profile sets nothing. */
export function profileField(profile: GpuProfile, data: CapturedData, f: string): FieldValue | undefined {
  const captured = data[profile.activity].get(f);
  if (!captured) return undefined;
  const v = profile.overrides[f];
  return v === undefined ? captured : { csv: withUnit(v, captured.header), nounits: v };
}
