import { z } from 'zod';

/** "90s", "15m", "10h", "1d": a positive whole number and one unit. */
const DURATION_RE = /^([1-9][0-9]{0,6})(s|m|h|d)$/;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Milliseconds of a duration string, or null when it is not one. */
export function parseDurationMs(text: string): number | null {
  const match = DURATION_RE.exec(text);
  if (!match) return null;
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

/** A duration as the inventory and drill files write it. */
export const Duration = z
  .string()
  .refine((text) => parseDurationMs(text) !== null, { message: 'a duration is a whole number and one unit: 90s, 15m, 10h or 1d' });
