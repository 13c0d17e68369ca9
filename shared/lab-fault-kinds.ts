/**
 * The lab's fault kinds as plain lists, for the page's lab controls: the zod enums are built from
 * them (status.ts, services.ts), and the page reads them here without loading zod for its first
 * render (renderer/src/api/parse.ts says why).
 */

/** A lab node's faults. */
export const LAB_FAULT_KINDS = ['gpu-lost', 'gpu-missing', 'ecc-uncorrectable', 'xid-79', 'thermal-slowdown', 'node-unreachable', 'slow-ssh'] as const;
/** Faults of a lab training job's checkpoint writer (electron/core/checkpoints/lab-writer.ts). */
export const LAB_JOB_FAULT_KINDS = ['stall', 'no-metadata', 'truncated-shard', 'disk-full', 'mount-gone'] as const;
/** A lab inference replica's faults. */
export const LAB_REPLICA_FAULT_KINDS = ['down', 'slow', 'rate-limit', 'http-500', 'wrong-answer', 'model-load-failed'] as const;

/** `value` if it is one of `kinds` (what a <select> gave back), else the first. */
export function kindOf<K extends string>(kinds: readonly K[], value: string): K {
  return (kinds as readonly string[]).includes(value) ? (value as K) : kinds[0];
}
