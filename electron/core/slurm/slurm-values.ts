import { z } from 'zod';
import { cleanText } from '../gpu/safe-text';

/**
 * Slurm's numbers as slurmrestd writes them. v0.0.38 writes a plain number, or null for NO_VAL
 * and INFINITE; v0.0.39 and later wrap most of them as `{ set, infinite, number }` (the
 * data_parser's `*_no_val_struct`). Both shapes are accepted wherever a number is read, so a
 * field that moved from one shape to the other between plugin versions parses either way.
 */
export const SlurmNumberIn = z.union([
  z.number(),
  z.null(),
  z.object({ set: z.boolean().optional(), infinite: z.boolean().optional(), number: z.number().optional() }),
]);
export type SlurmNumberIn = z.infer<typeof SlurmNumberIn>;

/** The value, or null for "not set" and "infinite" (say which with `isInfinite`). */
export function numberOf(v: SlurmNumberIn | undefined): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (v.infinite || v.set === false || typeof v.number !== 'number') return null;
  return v.number;
}

export function isInfinite(v: SlurmNumberIn | undefined): boolean {
  return typeof v === 'object' && v !== null && v.infinite === true;
}

/**
 * A Slurm timestamp (seconds since the epoch) in epoch milliseconds; Slurm writes 0 for "never"
 * (a node reason nobody set, a job that has not started).
 */
export function epochMs(v: SlurmNumberIn | undefined): number | null {
  const n = numberOf(v);
  return n !== null && n > 0 ? n * 1000 : null;
}

/** Minutes of a time limit; Slurm's own "unlimited" spellings (INFINITE, -1, NO_VAL) are null. */
export function minutesOf(v: SlurmNumberIn | undefined): number | null {
  const n = numberOf(v);
  // 0xFFFFFFFF (INFINITE) and 0xFFFFFFFE (NO_VAL) as plain numbers, and v0.0.38's -1.
  return n === null || n < 0 || n >= 0xfffffffe ? null : n;
}

/** Text from the server for the UI: controls and bidi marks removed, capped. Null for empty. */
export function textOrNull(v: string | null | undefined, max = 500): string | null {
  if (v === null || v === undefined) return null;
  const t = cleanText(v, max).trim();
  return t === '' || t === '(null)' ? null : t;
}

/** A string, or a list of strings (the same field changed shape between plugin versions). */
export const StringOrListIn = z.union([z.string(), z.array(z.string())]);

export function listOf(v: string | string[] | null | undefined): string[] {
  if (v === null || v === undefined) return [];
  if (typeof v === 'string') return v === '' ? [] : v.split(',');
  return v;
}
