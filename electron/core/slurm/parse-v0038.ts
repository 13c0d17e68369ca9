import { z } from 'zod';
import type { SlurmJob, SlurmNode, SlurmPartition } from '../../../shared/slurm';
import { gpusInGres, jobGpus } from './gres';
import { expandHostlist } from './hostlist';
import { checkpointFromComment } from './job-comment';
import { nodeFields } from './node-fields';
import { nodeStateV0038 } from './node-state';
import { epochMs, minutesOf, StringOrListIn, textOrNull } from './slurm-values';

/**
 * The v0.0.38 plugin's shapes (Slurm 22.05), as recorded from Debian 12's slurmrestd 22.05.8
 * (test/fixtures/slurm/v0.0.38/). Only the fields the console reads; numbers are plain numbers or
 * null (NO_VAL, INFINITE), timestamps are seconds with 0 for "never".
 *
 *   node: { name, state: "mixed", state_flags: ["DRAIN"], reason, reason_changed_at,
 *           reason_set_by_user, gres: "gpu:h100:4", gres_used: "gpu:h100:2(IDX:0-1)",
 *           cpus, alloc_cpus, partitions: ["gpu"], features: "spare,ib", active_features }
 *   job:  { job_id, name, job_state: "RUNNING", state_reason, user_name, partition,
 *           nodes: "node[1-2]", gres_detail: ["gpu:h100:2(IDX:0-1)", …], tres_per_node,
 *           node_count, start_time, submit_time, time_limit (minutes|null), restart_cnt, comment }
 *   partition: { name, nodes: "node[1-3]", state: "UP", max_time_limit (-1 = INFINITE) }
 */
const text = z.string().nullable().optional();
const num = z.number().nullable().optional();

export const NodeV0038 = z.object({
  name: z.string().min(1),
  state: z.string(),
  state_flags: z.array(z.string()).nullable().optional(),
  reason: text,
  reason_changed_at: num,
  reason_set_by_user: text,
  gres: text,
  gres_used: text,
  cpus: num,
  alloc_cpus: num,
  partitions: z.array(z.string()).nullable().optional(),
  // A string in v0.0.38, a list from v0.0.39: either is read (node-fields.ts).
  features: StringOrListIn.nullable().optional(),
  active_features: StringOrListIn.nullable().optional(),
});

export const JobV0038 = z.object({
  job_id: z.number().int().nonnegative(),
  name: text,
  job_state: z.string(),
  state_reason: text,
  user_name: text,
  partition: text,
  nodes: text,
  gres_detail: z.array(z.string()).nullable().optional(),
  tres_per_node: text,
  tres_per_job: text,
  node_count: num,
  start_time: num,
  submit_time: num,
  time_limit: num,
  restart_cnt: num,
  comment: text,
});

export const PartitionV0038 = z.object({
  name: z.string().min(1),
  nodes: text,
  state: text,
  max_time_limit: num,
});

export function nodeV0038(raw: z.infer<typeof NodeV0038>): SlurmNode {
  const state = nodeStateV0038(raw.state, raw.state_flags ?? []);
  return {
    name: raw.name,
    ...state,
    ...nodeFields(raw),
  };
}

export function jobV0038(raw: z.infer<typeof JobV0038>): SlurmJob {
  const nodes = raw.nodes ? expandHostlist(raw.nodes) : [];
  const comment = textOrNull(raw.comment, 1000) ?? '';
  return {
    id: String(raw.job_id),
    name: textOrNull(raw.name, 200) ?? '',
    state: raw.job_state.toUpperCase(),
    stateFlags: [],
    stateReason: textOrNull(raw.state_reason, 200),
    user: textOrNull(raw.user_name, 100),
    partition: textOrNull(raw.partition, 100),
    nodes,
    gpus: jobGpus(raw.gres_detail ?? [], raw.tres_per_node, raw.tres_per_job, raw.node_count ?? nodes.length),
    startAt: epochMs(raw.start_time),
    submitAt: epochMs(raw.submit_time),
    timeLimitMinutes: minutesOf(raw.time_limit),
    restarts: raw.restart_cnt ?? 0,
    comment,
    checkpointPath: checkpointFromComment(raw.comment),
  };
}

export function partitionV0038(raw: z.infer<typeof PartitionV0038>): SlurmPartition {
  return {
    name: raw.name,
    state: (raw.state ?? 'UNKNOWN').toUpperCase(),
    nodes: raw.nodes ? expandHostlist(raw.nodes) : [],
    maxTimeMinutes: minutesOf(raw.max_time_limit),
  };
}
