import type { CheckpointStatus, TrainingJob } from './training';

/**
 * Work at risk of a training job: plain functions apart from the schemas (training.ts,
 * checkpoints.ts), so the page's sidebar reads them without loading zod for its
 * first render (renderer/src/api/parse.ts says why).
 */

/**
 * Work at risk: what a job loses if it dies now, in GPU-hours. Everything since its last
 * complete checkpoint is redone after a restart; if the job (re)started after that checkpoint,
 * only the time since its start was spent training (it resumed from that checkpoint). Here, not
 * in the engine, because the console ticks it live between two reports.
 */
export interface WorkAtRiskInput {
  /** GPUs the job holds. */
  gpus: number;
  nowMs: number;
  /** The newest complete checkpoint's time; null when it has none. */
  lastCompleteAtMs: number | null;
  /** When the job (re)started; null when unknown. */
  jobStartedAtMs?: number | null;
}

/** GPUs × hours since the later of the last complete checkpoint and the job's start; null when neither is known. */
export function workAtRiskGpuHours(input: WorkAtRiskInput): number | null {
  const known = [input.lastCompleteAtMs, input.jobStartedAtMs ?? null].filter((t): t is number => t !== null && Number.isFinite(t));
  if (known.length === 0 || !(input.gpus >= 0)) return null;
  const since = Math.max(...known);
  return (input.gpus * Math.max(0, input.nowMs - since)) / 3_600_000;
}

/** Slurm states in which a job holds its nodes (and its GPUs' work is at risk). */
export const ACTIVE_JOB_STATES: ReadonlySet<string> = new Set(['RUNNING', 'COMPLETING', 'SUSPENDED', 'CONFIGURING', 'STOPPED']);

/**
 * GPUs × hours since the newest complete checkpoint — or since the job started, when it has none
 * yet (or it is older than the start: a restart resumes from it, but what ran since is unsaved).
 * Null for a job that holds no GPUs right now. The engine reports it; the console ticks it
 * every second between two reports with this same function.
 */
export function workAtRisk(job: Pick<TrainingJob, 'state' | 'gpus' | 'startedAt'>, checkpoint: Pick<CheckpointStatus, 'newestComplete'> | null, now: number): number | null {
  if (!ACTIVE_JOB_STATES.has(job.state) || job.startedAt === null) return null;
  const hours = workAtRiskGpuHours({ gpus: job.gpus, nowMs: now, lastCompleteAtMs: checkpoint?.newestComplete?.at ?? null, jobStartedAtMs: job.startedAt });
  return hours === null ? null : Math.round(hours * 100) / 100;
}
