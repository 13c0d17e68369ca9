import { z } from 'zod';
import type { SlurmJob, SlurmNode, SlurmPartition } from '../../../shared/slurm';
import { gpusInGres, jobGpus } from './gres';
import { expandHostlist } from './hostlist';
import { checkpointFromComment } from './job-comment';
import { nodeFields } from './node-fields';
import { nodeStateV0039 } from './node-state';
import { epochMs, listOf, minutesOf, numberOf, SlurmNumberIn, StringOrListIn, textOrNull } from './slurm-values';

/**
 * The data_parser shapes of v0.0.39 (23.02), v0.0.40 (23.11) and v0.0.41 (24.05), from the
 * published OpenAPI descriptions (SchedMD's src/plugins/data_parser/v0.0.4x, and clients generated
 * from them). What changed from v0.0.38, for the fields read here:
 * - a node's `state` is one list of base and flags (["IDLE", "DRAIN"]); no `state_flags`;
 * - a node's `features` and `active_features` are lists, not one comma-separated string;
 * - numbers become `{ set, infinite, number }` (`*_no_val_struct`): a job's `time_limit` from
 *   v0.0.39, `start_time`/`submit_time`/`node_count` and a node's `reason_changed_at` from v0.0.40
 *   (plain integers in v0.0.39) — both shapes are accepted for each;
 * - a job's `job_state` is a string in v0.0.39 and a list (["PENDING", "REQUEUED"]) from v0.0.40;
 * - a partition's nodes move to `nodes.configured`, its state to `partition.state` (a list) and
 *   its time limit to `maximums.time`.
 */
const text = z.string().nullable().optional();
const int = z.number().nullable().optional();
const number = SlurmNumberIn.optional();

export const NodeV0039 = z.object({
  name: z.string().min(1),
  state: z.array(z.string()),
  reason: text,
  reason_changed_at: number,
  reason_set_by_user: text,
  gres: text,
  gres_used: text,
  cpus: int,
  alloc_cpus: int,
  partitions: z.array(z.string()).nullable().optional(),
  // A string in v0.0.38, a list from v0.0.39: either is read (node-fields.ts).
  features: StringOrListIn.nullable().optional(),
  active_features: StringOrListIn.nullable().optional(),
});

export const JobV0039 = z.object({
  job_id: z.number().int().nonnegative(),
  name: text,
  job_state: StringOrListIn,
  state_reason: text,
  user_name: text,
  partition: text,
  nodes: text,
  gres_detail: z.array(z.string()).nullable().optional(),
  tres_per_node: text,
  tres_per_job: text,
  node_count: number,
  start_time: number,
  submit_time: number,
  time_limit: number,
  restart_cnt: int,
  comment: text,
});

export const PartitionV0039 = z.object({
  name: z.string().min(1),
  nodes: z.object({ configured: text }).nullable().optional(),
  partition: z.object({ state: StringOrListIn.nullable().optional() }).nullable().optional(),
  maximums: z.object({ time: number }).nullable().optional(),
});

/** Job base states; anything else in a v0.0.40+ `job_state` list is a flag. */
const JOB_BASES = new Set(['PENDING', 'RUNNING', 'SUSPENDED', 'COMPLETED', 'CANCELLED', 'FAILED', 'TIMEOUT', 'NODE_FAIL', 'PREEMPTED', 'BOOT_FAIL', 'DEADLINE', 'OUT_OF_MEMORY']);

export function nodeV0039(raw: z.infer<typeof NodeV0039>): SlurmNode {
  return {
    name: raw.name,
    ...nodeStateV0039(raw.state),
    ...nodeFields(raw),
  };
}

export function jobV0039(raw: z.infer<typeof JobV0039>): SlurmJob {
  const nodes = raw.nodes ? expandHostlist(raw.nodes) : [];
  const states = listOf(raw.job_state).map((s) => s.toUpperCase());
  const base = states.find((s) => JOB_BASES.has(s)) ?? states[0] ?? 'UNKNOWN';
  return {
    id: String(raw.job_id),
    name: textOrNull(raw.name, 200) ?? '',
    state: base,
    stateFlags: states.filter((s) => s !== base),
    stateReason: textOrNull(raw.state_reason, 200),
    user: textOrNull(raw.user_name, 100),
    partition: textOrNull(raw.partition, 100),
    nodes,
    gpus: jobGpus(raw.gres_detail ?? [], raw.tres_per_node, raw.tres_per_job, numberOf(raw.node_count) ?? nodes.length),
    startAt: epochMs(raw.start_time),
    submitAt: epochMs(raw.submit_time),
    timeLimitMinutes: minutesOf(raw.time_limit),
    restarts: raw.restart_cnt ?? 0,
    comment: textOrNull(raw.comment, 1000) ?? '',
    checkpointPath: checkpointFromComment(raw.comment),
  };
}

export function partitionV0039(raw: z.infer<typeof PartitionV0039>): SlurmPartition {
  const states = listOf(raw.partition?.state ?? null);
  const configured = raw.nodes?.configured;
  return {
    name: raw.name,
    state: (states[0] ?? 'UNKNOWN').toUpperCase(),
    nodes: configured ? expandHostlist(configured) : [],
    maxTimeMinutes: minutesOf(raw.maximums?.time),
  };
}
