/**
 * - running / rolling-back: the engine is working on it;
 * - stopped: a step failed and the runbook says stop: waits for rollback or continue;
 * - interrupted: the app died while it ran: waits for rollback or continue;
 * - succeeded / rolled-back / rollback-failed: over (rollback-failed: the CLI exits 3).
 */
import type { RunStatus, RunView } from '../../../shared/runbook';

// The run's shapes cross the boundary (pushes, RPC): they live in the contract.
export type { RunStatus, RunView, StepView } from '../../../shared/runbook';

export const ENDED: ReadonlySet<RunStatus> = new Set(['succeeded', 'rolled-back', 'rollback-failed']);

export interface RunUpdatedEvent {
  type: 'run.updated';
  run: RunView;
}
