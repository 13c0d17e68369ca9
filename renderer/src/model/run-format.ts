import type { RunStatus, RunView, StepView } from '../../../shared/runbook';
import { formatDuration } from './format';

/** Newest first by start time; the id breaks ties so the order never flickers between renders. */
export function sortRunsNewestFirst(runs: readonly RunView[]): RunView[] {
  return [...runs].sort((a, b) => b.startedAt - a.startedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

export interface RunActions {
  abort: boolean;
  rollback: boolean;
  continue: boolean;
}

/**
 * What the operator may do with a run in this state, as the engine allows it: abort only while
 * it runs; roll back or continue only once it waits for the operator (stopped or interrupted).
 */
export function runActions(status: RunStatus): RunActions {
  const waiting = status === 'stopped' || status === 'interrupted';
  return { abort: status === 'running', rollback: waiting, continue: waiting };
}

/** The run is still changing (its view will be pushed again). */
export function isRunActive(status: RunStatus): boolean {
  return status === 'running' || status === 'rolling-back';
}

/** A step's time: its duration once known, the time so far while it runs, a dash before. */
export function stepDuration(step: StepView, now: number): string {
  if (step.durationMs !== null) return step.durationMs < 1000 ? `${step.durationMs} ms` : formatDuration(step.durationMs);
  if (step.startedAt !== null && (step.status === 'running' || step.status === 'undoing')) return `${formatDuration(now - step.startedAt)}…`;
  return '–';
}

/** One line on what the run's final state means for the fleet. */
export function runStatusText(run: RunView): string {
  switch (run.status) {
    case 'running':
      return 'running';
    case 'rolling-back':
      return run.reason === 'aborted' ? 'aborted: undoing the steps done, newest first' : 'rolling back: undoing the steps done, newest first';
    case 'stopped':
      return 'stopped where it failed: roll back or continue';
    case 'interrupted':
      return `interrupted at step ${(run.interruptedStep ?? 0) + 1} (its effect is unknown): roll back or continue`;
    case 'succeeded':
      return 'succeeded';
    case 'rolled-back':
      return run.reason === 'aborted' ? 'aborted and rolled back' : run.reason === 'operator' ? 'rolled back by the operator' : 'failed and rolled back';
    case 'rollback-failed':
      return `rollback failed at step ${(run.rollbackFailedStep ?? 0) + 1}: the fleet needs a look by hand`;
  }
}
