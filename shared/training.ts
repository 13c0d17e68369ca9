/**
 * Training clusters (issue 12): each cluster's scheduler (Slurm through slurmrestd) as the console
 * reads it, its nodes beside the console's own health verdict, and the jobs with their checkpoint
 * freshness and the work they would lose if they died now.
 *
 * A scheduler that cannot be read is `unreachable` with the reason; nothing else depends on it.
 */
import { z } from 'zod';
import { CheckpointVerdict } from './checkpoints';
import { Health } from './health';

export const SchedulerReadState = z.enum(['ok', 'unreachable', 'pending']);

export const TrainingPartition = z.object({
  name: z.string(),
  state: z.string(),
  /** Inventory node names where known, else Slurm's. */
  nodes: z.array(z.string()),
});

export const SchedulerStatus = z.object({
  region: z.string(),
  cluster: z.string(),
  kind: z.literal('slurm'),
  url: z.string(),
  state: SchedulerReadState,
  /** Why it is unreachable (slurmrestd down, token refused, an answer that does not parse). */
  reason: z.string().nullable(),
  code: z.string().nullable(),
  /** The OpenAPI plugin in use, e.g. "v0.0.38". */
  apiVersion: z.string().nullable(),
  polledAt: z.number().nullable(),
  partitions: z.array(TrainingPartition),
});
export type SchedulerStatus = z.infer<typeof SchedulerStatus>;

export const TrainingNode = z.object({
  /** The inventory's name. */
  node: z.string(),
  slurmName: z.string(),
  region: z.string(),
  cluster: z.string(),
  /** Slurm's base state, upper case: IDLE, MIXED, ALLOCATED, DOWN, … */
  state: z.string(),
  /** DRAIN, DRAINING, DRAINED, NOT_RESPONDING, … */
  flags: z.array(z.string()),
  /** Whether Slurm still places new jobs here. */
  schedulable: z.boolean(),
  reason: z.string().nullable(),
  reasonBy: z.string().nullable(),
  reasonAt: z.number().nullable(),
  gpusTotal: z.number().int(),
  gpusUsed: z.number().int(),
  /** Running jobs on the node (ids). */
  jobs: z.array(z.string()),
  /** The console's own verdict (nvidia-smi over SSH) and its reasons. */
  health: Health,
  healthReasons: z.array(z.string()),
  /**
   * The two disagree in a way an operator can act on, e.g. "XID 79 on GPU 3, but Slurm still
   * schedules here (state MIXED, job 4123 running)"; null when they agree.
   */
  disagreement: z.string().nullable(),
  /** Slurm's partitions and node features of it (a spare partition or feature marks a spare node); absent when unknown. */
  partitions: z.array(z.string()).optional(),
  features: z.array(z.string()).optional(),
});
export type TrainingNode = z.infer<typeof TrainingNode>;

/**
 * A job's checkpoints as judged from the last listing (shared/checkpoints.ts), with Young's
 * suggested interval beside its policy: √(2 · save time · the job's MTBF), the MTBF from this
 * fleet's own node failures (per node-hour, divided by the job's nodes).
 */
export const CheckpointStatus = CheckpointVerdict.extend({
  /** The job's mean time between failures, hours; null while the fleet has seen no failure. */
  mtbfHours: z.number().nullable(),
  /** Young's formula, ms; null while the save time or the MTBF is unknown. */
  suggestedIntervalMs: z.number().nullable(),
});
export type CheckpointStatus = z.infer<typeof CheckpointStatus>;

export const JobRisk = z.object({ node: z.string(), reason: z.string() });
export type JobRisk = z.infer<typeof JobRisk>;

export const TrainingJob = z.object({
  id: z.string(),
  name: z.string(),
  region: z.string(),
  cluster: z.string(),
  /** Slurm's state (RUNNING, PENDING, …), or "unscheduled" for an inventory job Slurm does not list. */
  state: z.string(),
  user: z.string().nullable(),
  /** Inventory node names (Slurm's where unmapped). */
  nodes: z.array(z.string()),
  gpus: z.number().int(),
  startedAt: z.number().nullable(),
  timeLimitMinutes: z.number().nullable(),
  restarts: z.number().int(),
  checkpoint: CheckpointStatus.nullable(),
  /** GPUs × hours since the newest complete checkpoint (or the start); null when unknown. */
  workAtRiskGpuHours: z.number().nullable(),
  /** Its interruptions the event store holds (requeues, node failures while it ran). */
  interruptions: z.number().int(),
  /** Nodes of the job the console judges bad, and why. */
  atRisk: z.array(JobRisk),
});
export type TrainingJob = z.infer<typeof TrainingJob>;

export const TrainingOverview = z.object({
  schedulers: z.array(SchedulerStatus),
  nodes: z.array(TrainingNode),
  jobs: z.array(TrainingJob),
  /** Training clusters without a scheduler in the inventory (the view says so). */
  unscheduled: z.array(z.object({ region: z.string(), cluster: z.string() })),
});
export type TrainingOverview = z.infer<typeof TrainingOverview>;

export const trainingMethods = {
  'training.overview': { input: z.strictObject({}), output: TrainingOverview },
} as const;

export const trainingPushEvents = {
  /** The training overview changed (a scheduler poll, a checkpoint listing, a node's verdict). */
  'training.updated': TrainingOverview,
} as const;

