import type { SlurmDrain, SlurmNodeBase } from '../../../shared/slurm';

/**
 * A node's state in Slurm's two spellings, made one:
 * - v0.0.38 (22.05): `state` is the base in lower case ("mixed") and `state_flags` the flags
 *   (["DRAIN"]); a drained node is "idle" + DRAIN.
 * - v0.0.39+: `state` is one list holding the base and the flags (["IDLE", "DRAIN"]).
 * What an operator acts on is derived here once: drained or still draining, and whether Slurm
 * would place new work on the node.
 */
const BASES = new Set<SlurmNodeBase>(['IDLE', 'ALLOCATED', 'MIXED', 'DOWN', 'ERROR', 'FUTURE', 'UNKNOWN']);

/**
 * Flags under which Slurm places no new job on the node (src/common/slurm_protocol_defs.c,
 * node_state_string: DRAIN, FAIL, NOT_RESPONDING, MAINTENANCE and the power states).
 */
const UNSCHEDULABLE_FLAGS = new Set([
  'DRAIN',
  'FAIL',
  'NOT_RESPONDING',
  'MAINTENANCE',
  'POWERED_DOWN',
  'POWERING_DOWN',
  'POWER_DOWN',
  'POWERING_UP',
  'REBOOT_ISSUED',
  'INVALID_REG',
]);

export interface NodeState {
  state: SlurmNodeBase;
  flags: string[];
  drain: SlurmDrain;
  schedulable: boolean;
  stateText: string;
}

/** v0.0.38: base string plus a separate flag list. */
export function nodeStateV0038(base: string, flags: readonly string[]): NodeState {
  return derive(toBase(base), flags.map((f) => f.toUpperCase()));
}

/** v0.0.39+: one list, base first in practice (but looked for, not assumed). */
export function nodeStateV0039(states: readonly string[]): NodeState {
  const upper = states.map((s) => s.toUpperCase());
  const baseIndex = upper.findIndex((s) => BASES.has(s as SlurmNodeBase));
  const base = baseIndex >= 0 ? (upper[baseIndex] as SlurmNodeBase) : 'UNKNOWN';
  return derive(
    base,
    upper.filter((_, i) => i !== baseIndex),
  );
}

function toBase(s: string): SlurmNodeBase {
  const upper = s.toUpperCase();
  return BASES.has(upper as SlurmNodeBase) ? (upper as SlurmNodeBase) : 'UNKNOWN';
}

function derive(state: SlurmNodeBase, flags: string[]): NodeState {
  // Slurm's own rule (node_state_string): DRAIN with work still on the node (allocated, mixed or
  // completing) is "draining"; with none, "drained".
  let drain: SlurmDrain = 'none';
  if (flags.includes('DRAIN')) drain = state === 'ALLOCATED' || state === 'MIXED' || flags.includes('COMPLETING') ? 'draining' : 'drained';
  const schedulable = (state === 'IDLE' || state === 'MIXED' || state === 'ALLOCATED') && !flags.some((f) => UNSCHEDULABLE_FLAGS.has(f));
  const head = drain !== 'none' ? drain : state.toLowerCase();
  const rest = flags.filter((f) => f !== 'DRAIN').map((f) => f.toLowerCase());
  return { state, flags, drain, schedulable, stateText: [head, ...rest].join('+') };
}
