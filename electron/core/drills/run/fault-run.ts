/**
 * The drill's fault as a run of the runbook engine: its inject steps, then a `drill.hold` step
 * that changes nothing and waits until the run is aborted. Aborting it is the drill's restore:
 * the engine undoes the inject steps in reverse, each undo journaled and through the change gate
 * (which never refuses an undo for read-only). A crash leaves the run interrupted; its rollback
 * is the same restore.
 */
import type { DrillPlan } from '../../../../shared/drill';
import type { PlannedStep, RunbookPlan, RunView } from '../../../../shared/runbook';
import type { FaultEngine } from './drill-runner-types';

export const FAULT_RUNBOOK_PREFIX = 'drill ';

export function faultRunPlan(plan: DrillPlan, drillRunId: string): RunbookPlan {
  const hold: PlannedStep = {
    index: plan.inject.length,
    title: `Hold the fault while the drill observes (released by its restore)`,
    action: { type: 'drill.hold', drill: plan.drill, drillRunId },
    undo: null,
    mutating: false,
    targets: [],
  };
  return {
    runbook: `${FAULT_RUNBOOK_PREFIX}${plan.drill}`,
    target: plan.targets.map((t) => t.name).join(', '),
    params: { seed: plan.seed, drillRun: drillRunId },
    confirmation: plan.confirmation,
    onFailure: 'rollback',
    steps: [...plan.inject.map((s, index) => ({ ...s, index })), hold],
    // Checked by the drill (its own pre-checks); the engine takes the locks atomically.
    preconditions: plan.preconditions,
    // What the inject steps change (what the change gate wants the run to hold), no more: a
    // response runbook (a drain of the stopped replica) may act on the drill's target while the
    // fault holds its node. The drill's pre-check still wants all of plan.locks free to start.
    locks: [...new Set(plan.inject.flatMap((s) => changedSubject(s.action)))],
  };
}

/** The subject an action changes, as the change gate locks it (gated-step-actions.ts). */
function changedSubject(a: PlannedStep['action']): string[] {
  switch (a.type) {
    case 'lb.set-state':
    case 'lb.set-weight':
      return [a.server];
    case 'ssh.run':
      return [a.node];
    case 'lab.fault':
    case 'lab.clear':
      return [a.fault.on === 'node' ? a.fault.node : a.fault.replica];
    default:
      return [];
  }
}

/** The hold step's index in a fault run, or -1 when the run is not a drill's fault run. */
export function holdIndex(run: Pick<RunView, 'plan'>): number {
  return run.plan.steps.findIndex((s) => s.action.type === 'drill.hold');
}

/** The drill run a fault run belongs to (from its hold step), or null. */
export function drillRunOf(run: Pick<RunView, 'plan'>): string | null {
  const step = run.plan.steps.find((s) => s.action.type === 'drill.hold');
  return step && step.action.type === 'drill.hold' ? step.action.drillRunId : null;
}

/** The hold was reached: every inject step succeeded and the fault is in place. */
export function faultInPlace(run: Pick<RunView, 'plan' | 'steps' | 'status'>): boolean {
  const i = holdIndex(run);
  return run.status === 'running' && i >= 0 && run.steps[i]?.status === 'running';
}

/**
 * After the restore, the response run's changes go too (a drain of the replica the drill
 * stopped): a run that succeeded is reverted, one still running is aborted (another engine — the
 * runbook service's, another process's — may work on it: asked through the journal, then
 * followed). Null when there is nothing to undo.
 */
export async function revertResponse(engine: Pick<FaultEngine, 'get' | 'revert' | 'abort'>, runId: string, sleep: () => Promise<void>): Promise<RunView | null> {
  const run = engine.get(runId);
  if (run.status === 'succeeded') return engine.revert(runId).done;
  if (run.status !== 'running') return null;
  engine.abort(runId);
  for (;;) {
    const now = engine.get(runId);
    if (now.endedAt !== null) return now;
    await sleep();
  }
}
