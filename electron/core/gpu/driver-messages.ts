/**
 * Lines nvidia-smi prints instead of (or between) CSV rows, and its exit codes. The exit codes
 * are nvidia-smi's documented return values (man nvidia-smi, "RETURN VALUE"); 127 is the shell's
 * "command not found".
 */
import { cleanText } from './safe-text';

export const NVIDIA_SMI_EXIT = {
  ok: 0,
  invalidArgument: 2,
  noDevices: 6,
  driverNotLoaded: 9,
  gpuLost: 15,
  commandNotFound: 127,
} as const;

export interface LostGpu {
  busId: string;
  message: string;
}

export interface DriverError {
  rc: number;
  message: string;
}

/** Longest driver message kept: the driver's own words, but not a flood. */
export const MAX_DRIVER_MESSAGE = 400;

// e.g. "Unable to determine the device handle for GPU0000:3B:00.0: GPU is lost.  Reboot the system to recover this GPU"
// Bounded quantifiers only, anchored at both ends: no backtracking blow-up on long lines.
const LOST_GPU = /^Unable to determine the device handle for (?:GPU|gpu) ?([0-9A-Fa-f]{4,8}:[0-9A-Fa-f]{2}:[0-9A-Fa-f]{2}\.[0-7]): ?(.{0,1000})$/;

/** A "device handle" line for one GPU the driver can no longer talk to, or null. */
export function parseLostGpuLine(line: string): LostGpu | null {
  const m = LOST_GPU.exec(line.trim());
  if (!m) return null;
  return { busId: m[1], message: cleanText(m[2].replace(/\s+/g, ' ').trim(), MAX_DRIVER_MESSAGE) };
}

const INVALID_FIELD = /Field "([^"\n]{1,200})" is not a valid field to query/;

/** The field name in `Field "x" is not a valid field to query.`, or null. */
export function parseInvalidField(text: string): string | null {
  const m = INVALID_FIELD.exec(text);
  return m ? m[1] : null;
}

/** The driver's words for a failed run, one line, capped; falls back to the exit code alone. */
export function driverErrorFrom(rc: number, lines: readonly string[]): DriverError {
  const words = lines
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .join(' ')
    .replace(/\s+/g, ' ');
  return { rc, message: cleanText(words, MAX_DRIVER_MESSAGE) || `nvidia-smi exited with status ${rc} and printed nothing` };
}
