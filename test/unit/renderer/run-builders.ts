import type { PlannedStep, RunbookPlan, RunbookSummary, RunView, StepView } from '../../../shared/runbook';

/** Contract-valid runbook objects for renderer tests; override only what a test is about. */
export function plannedStep(index: number, over: Partial<PlannedStep> = {}): PlannedStep {
  return {
    index,
    title: `step ${index + 1}`,
    action: { type: 'lb.set-state', loadBalancer: 'lb1', backend: 'vllm', server: 'r1', state: 'drain', command: 'set server vllm/r1 state drain' },
    undo: { type: 'lb.set-state', loadBalancer: 'lb1', backend: 'vllm', server: 'r1', state: 'ready', command: 'set server vllm/r1 state ready' },
    mutating: true,
    targets: ['r1'],
    ...over,
  };
}

export function plan(over: Partial<RunbookPlan> = {}): RunbookPlan {
  return {
    runbook: 'drain-replica',
    target: 'r1',
    params: {},
    confirmation: null,
    onFailure: 'rollback',
    steps: [plannedStep(0)],
    preconditions: [{ ok: true, text: 'capacity: 2 of 3 replicas stay healthy', overridable: true }],
    locks: ['r1'],
    ...over,
  };
}

export function stepView(index: number, over: Partial<StepView> = {}): StepView {
  return { index, title: `step ${index + 1}`, status: 'pending', output: '', error: null, startedAt: null, durationMs: null, ...over };
}

export function runView(id: string, over: Partial<RunView> = {}): RunView {
  return {
    id,
    runbook: 'drain-replica',
    target: 'r1',
    operator: { user: 'ops', host: 'console-1' },
    status: 'running',
    reason: null,
    interruptedStep: null,
    rollbackFailedStep: null,
    startedAt: 1_700_000_000_000,
    endedAt: null,
    steps: [stepView(0, { status: 'running', startedAt: 1_700_000_000_000 })],
    plan: plan(),
    ...over,
  };
}

export function runbookSummary(name: string, over: Partial<RunbookSummary> = {}): RunbookSummary {
  return { name, description: `${name} runbook`, target: 'replica', builtin: true, params: [], ...over };
}
