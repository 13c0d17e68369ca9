import type { RunbookPlan, StepStatus } from '../../../shared/runbook';

/**
 * - running / rolling-back: the engine is working on it;
 * - stopped: a step failed and the runbook says stop: waits for rollback or continue;
 * - interrupted: the app died while it ran: waits for rollback or continue;
 * - succeeded / rolled-back / rollback-failed: over (rollback-failed: the CLI exits 3).
 */
export type RunStatus = 'running' | 'rolling-back' | 'stopped' | 'interrupted' | 'succeeded' | 'rolled-back' | 'rollback-failed';
export const ENDED: ReadonlySet<RunStatus> = new Set(['succeeded', 'rolled-back', 'rollback-failed']);

export interface StepView {
  index: number;
  title: string;
  status: StepStatus;
  /** The action's output, then its undo's; capped (the tail is kept). */
  output: string;
  error: string | null;
  startedAt: number | null;
  durationMs: number | null;
}

export interface RunView {
  id: string;
  runbook: string;
  target: string;
  operator: { user: string; host: string };
  status: RunStatus;
  /** Why the run was rolled back. */
  reason: 'failed' | 'aborted' | 'operator' | null;
  /** interrupted: the step in flight when the app died (its effect is unknown). */
  interruptedStep: number | null;
  /** rollback-failed: the step whose undo failed. */
  rollbackFailedStep: number | null;
  startedAt: number;
  endedAt: number | null;
  steps: StepView[];
  plan: RunbookPlan;
}

export interface RunUpdatedEvent {
  type: 'run.updated';
  run: RunView;
}
