/**
 * How each `--query-gpu` field's text becomes a typed value. nvidia-smi prints, depending on
 * the field and the `--format` flags: plain numbers, numbers with a unit (` MiB`, ` %`, ` W`,
 * ` MHz`), hex bitmasks, `Enabled/Disabled`, `Yes/No`, `Active/Not Active`, and for a value it
 * cannot read a bracketed note (`[N/A]`, `[Not Supported]`, `[Unknown Error]`,
 * `[GPU requires reset]`, …). Anything else is a parse failure: it means the columns are not
 * what we asked for, and guessing would put a wrong number on an operator's screen.
 */
import { decodeClockEventReasons } from './clock-event-reasons';
import { cleanText } from './safe-text';

/**
 * Other names the driver accepts for the same field (from `nvidia-smi --help-query-gpu`:
 * `"clocks.current.sm" or "clocks.sm"`, …), mapped to the name GPU_QUERY_FIELDS uses. The
 * `--format=csv` header prints some fields under their other name.
 */
const FIELD_ALIASES: Record<string, string> = {
  gpu_name: 'name',
  gpu_uuid: 'uuid',
  gpu_bus_id: 'pci.bus_id',
  'clocks.current.sm': 'clocks.sm',
  'clocks_throttle_reasons.active': 'clocks_event_reasons.active',
  'gpu.power.requested_limit': 'power.limit',
};

export function canonicalField(name: string): string {
  return FIELD_ALIASES[name] ?? name;
}

/** A value's problem, turned into PARSE_FAILED by the caller (which knows the line). */
export class FieldValueError extends Error {}

const MAX_TEXT = 200;

/** `[N/A]`, `[Not Supported]`, `[Unknown Error]`, … and the bare `N/A` some fields print. */
export function isUnavailable(raw: string): boolean {
  return raw === 'N/A' || (raw.startsWith('[') && raw.endsWith(']') && raw.length <= 64);
}

// With `--format=csv` (no `nounits`) numbers carry a unit; the parser accepts either form.
const NUMBER = /^(-?\d{1,15}(?:\.\d{1,6})?)(?: (?:MiB|KiB|GiB|%|W|MHz|C|us))?$/;

export function numberValue(raw: string): number | null {
  if (isUnavailable(raw)) return null;
  const m = NUMBER.exec(raw);
  if (!m) throw new FieldValueError('expected a number');
  return Number(m[1]);
}

export function intValue(raw: string): number | null {
  const n = numberValue(raw);
  if (n !== null && !Number.isInteger(n)) throw new FieldValueError('expected an integer');
  return n;
}

export function textValue(raw: string): string | null {
  if (isUnavailable(raw)) return null;
  return cleanText(raw, MAX_TEXT);
}

const TRUE_WORDS = new Set(['yes', 'active', 'enabled', 'true']);
const FALSE_WORDS = new Set(['no', 'not active', 'disabled', 'false']);

export function booleanValue(raw: string): boolean | null {
  if (isUnavailable(raw)) return null;
  const word = raw.toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  throw new FieldValueError('expected Yes/No, Active/Not Active or Enabled/Disabled');
}

const BITMASK = /^0x([0-9a-fA-F]{1,16})$/;

/** Names of the active clock event reasons; an unreadable mask means "none known". */
export function clockReasonsValue(raw: string): string[] {
  if (isUnavailable(raw)) return [];
  const m = BITMASK.exec(raw);
  if (!m) throw new FieldValueError('expected a hex bitmask such as 0x0000000000000004');
  return decodeClockEventReasons(BigInt(`0x${m[1]}`));
}
