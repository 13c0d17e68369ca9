/**
 * Slurm as the console reads it through slurmrestd, normalized across the OpenAPI plugins
 * (v0.0.38 as Slurm 22.05 ships it, and the v0.0.39+ shapes): nodes, partitions and jobs, and the
 * three changes the console makes (drain, resume, requeue) rendered exactly as they will run.
 *
 * Times are epoch milliseconds; `null` is "not set" (Slurm's NO_VAL, 0 or a missing field).
 */
import { z } from 'zod';

/** The OpenAPI plugin the console talks to, found in slurmrestd's `/openapi/v3`. */
export const SlurmApi = z.object({
  /** e.g. "v0.0.38", "v0.0.41". */
  version: z.string(),
  /** Which answer shapes: 22.05's v0.0.38 or the data_parser shapes of v0.0.39 and later. */
  family: z.enum(['v0.0.38', 'v0.0.39+']),
  /** "/slurm/v0.0.38" */
  basePath: z.string(),
  /** POST /slurm/vX/node/{name} exists (v0.0.39+): drain and resume go over REST, not scontrol. */
  nodeUpdate: z.boolean(),
  /** Every slurmctld plugin version the server offers, oldest first. */
  offered: z.array(z.string()),
  /** Slurm's release when the server said ("22.05.8"). */
  release: z.string().nullable(),
});
export type SlurmApi = z.infer<typeof SlurmApi>;

/** Slurm's base node states (the flags come apart, in `flags`). */
export const SlurmNodeBase = z.enum(['IDLE', 'ALLOCATED', 'MIXED', 'DOWN', 'ERROR', 'FUTURE', 'UNKNOWN']);
export type SlurmNodeBase = z.infer<typeof SlurmNodeBase>;

export const SlurmDrain = z.enum(['none', 'draining', 'drained']);
export type SlurmDrain = z.infer<typeof SlurmDrain>;

export const SlurmNode = z.object({
  name: z.string(),
  state: SlurmNodeBase,
  /** Slurm's state flags, upper case: DRAIN, NOT_RESPONDING, COMPLETING, MAINTENANCE, FAIL, … */
  flags: z.array(z.string()),
  /** DRAIN on a node with work still running is `draining`; with none left, `drained`. */
  drain: SlurmDrain,
  /** Slurm may place new jobs here (not down, drained or draining, failing, unresponsive or in maintenance). */
  schedulable: z.boolean(),
  /** As sinfo writes it: "mixed", "drained", "draining", "idle+not_responding"… */
  stateText: z.string(),
  reason: z.string().nullable(),
  reasonBy: z.string().nullable(),
  reasonAt: z.number().nullable(),
  /** GPUs from GRES (`gpu:h100:4`); 0 when the node has none. */
  gpusTotal: z.number().int(),
  gpusUsed: z.number().int(),
  /** GRES as Slurm wrote it (total and in use), for the operator. */
  gres: z.string(),
  gresUsed: z.string(),
  cpus: z.number().int().nullable(),
  cpusAllocated: z.number().int().nullable(),
  partitions: z.array(z.string()),
  /** Node features as configured (slurm.conf `Features=`: `spare`, `ib`, …); empty when none. */
  features: z.array(z.string()),
  /** The features currently active (differs from `features` only for changeable ones, e.g. KNL modes). */
  activeFeatures: z.array(z.string()),
});
export type SlurmNode = z.infer<typeof SlurmNode>;

export const SlurmPartition = z.object({
  name: z.string(),
  /** UP, DOWN, DRAIN, INACTIVE. */
  state: z.string(),
  /** Expanded node names. */
  nodes: z.array(z.string()),
  /** Minutes; null for INFINITE or not set. */
  maxTimeMinutes: z.number().nullable(),
});
export type SlurmPartition = z.infer<typeof SlurmPartition>;

export const SlurmJob = z.object({
  /** Slurm's job id as text ("4123"; array tasks are their own jobs with their own id). */
  id: z.string(),
  name: z.string(),
  /** Upper case: RUNNING, PENDING, COMPLETING, REQUEUED, FAILED, … */
  state: z.string(),
  /** State flags that came with it in v0.0.39+ (e.g. REQUEUED beside PENDING). */
  stateFlags: z.array(z.string()),
  /** Why it waits or ended ("BeginTime", "Resources", "None"). */
  stateReason: z.string().nullable(),
  user: z.string().nullable(),
  partition: z.string().nullable(),
  /** Expanded from Slurm's hostlist ("gpu[01-03,07]"). */
  nodes: z.array(z.string()),
  /** GPUs allocated, summed over its nodes (from `gres_detail`; `tres_per_node` × nodes before it runs). */
  gpus: z.number().int(),
  startAt: z.number().nullable(),
  submitAt: z.number().nullable(),
  /** Minutes; null for none or INFINITE. */
  timeLimitMinutes: z.number().nullable(),
  restarts: z.number().int(),
  comment: z.string(),
  /** The checkpoint directory from `fleetops:ckpt=PATH` in the comment. */
  checkpointPath: z.string().nullable(),
});
export type SlurmJob = z.infer<typeof SlurmJob>;

/** One item of an answer that did not have the expected shape; the rest of the answer is kept. */
export const SlurmSkipped = z.object({ path: z.string(), problem: z.string() });
export type SlurmSkipped = z.infer<typeof SlurmSkipped>;

export const SlurmSnapshot = z.object({
  api: SlurmApi,
  nodes: z.array(SlurmNode),
  partitions: z.array(SlurmPartition),
  jobs: z.array(SlurmJob),
  skipped: z.array(SlurmSkipped),
  polledAt: z.number(),
});
export type SlurmSnapshot = z.infer<typeof SlurmSnapshot>;

/** A change the console makes to Slurm. A requeue cannot be undone (the job restarts). */
export const SlurmChange = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('drain'), node: z.string(), reason: z.string() }),
  z.object({ kind: z.literal('resume'), node: z.string() }),
  z.object({ kind: z.literal('requeue'), jobId: z.string() }),
]);
export type SlurmChange = z.infer<typeof SlurmChange>;

/** How a change will run, exactly; `text` is what a runbook plan shows. */
export const RenderedSlurmChange = z.discriminatedUnion('via', [
  z.object({
    via: z.literal('rest'),
    change: SlurmChange,
    method: z.literal('POST'),
    /** Path below the slurmrestd URL: "/slurm/v0.0.40/node/gpu1". */
    path: z.string(),
    body: z.record(z.string(), z.unknown()),
    text: z.string(),
  }),
  z.object({
    via: z.literal('scontrol'),
    change: SlurmChange,
    /** One shell command line for the `controlVia` node; every value is single-quoted. */
    command: z.string(),
    /**
     * Requeue only: `command` runs once `check` shows the job PENDING again. A start time set
     * while the requeue is still completing is overwritten (the job then waits ~120 s).
     */
    followUp: z.object({ check: z.string(), command: z.string() }).optional(),
    text: z.string(),
  }),
]);
export type RenderedSlurmChange = z.infer<typeof RenderedSlurmChange>;
