/**
 * Drill runs as the runner hands them out (checked against the contract, shared/drill-run.ts),
 * with every part a report test does not care about filled in: a maint drill on one llama
 * replica, 20 seconds of probes, HAProxy noticing, a recovery. Tests override what they look at.
 */
import { DrillRunView, type DrillMilestone, type DrillSecond } from '../../../../shared/drill-run';
import type { DrillPlan } from '../../../../shared/drill';
import type { RunView } from '../../../../shared/runbook';

export const T0 = Date.UTC(2026, 2, 29, 1, 0, 0);

export function planFixture(over: Partial<DrillPlan> = {}): DrillPlan {
  return {
    drill: 'replica-maint',
    description: 'Take one llama replica out of HAProxy.',
    seed: 'seed-7',
    seedSource: 'file',
    selection: '1 of 3 servers of llama (seed seed-7)',
    targets: [{ kind: 'replica', name: 'lab-r1', cluster: 'lab-inference', region: 'lab', protected: true, why: 'draw 1 of 3' }],
    fault: { kind: 'lb-maint' },
    lab: null,
    inject: [
      {
        index: 0,
        title: 'Take lab-r1 out of llama',
        action: { type: 'lb.set-state', loadBalancer: 'lab-lb', backend: 'llama', server: 'lab-r1', state: 'maint', command: 'set server llama/lab-r1 state maint' },
        undo: { type: 'lb.set-state', loadBalancer: 'lab-lb', backend: 'llama', server: 'lab-r1', state: 'ready', command: 'set server llama/lab-r1 state ready' },
        mutating: true,
        targets: ['lab-r1'],
      },
    ],
    restore: [],
    preconditions: [{ ok: true, text: 'lab-r1 is healthy', overridable: false }],
    confirmation: 'replica-maint',
    locks: ['lab-r1'],
    hypothesis: { service: 'llama', loadBalancer: 'lab-lb', url: 'http://127.0.0.1:8080/health', minSuccessPct: 99, maxP95LatencyMs: 1000, windowSeconds: 30, probeRatePerSecond: 5, graceSeconds: 30 },
    response: { kind: 'none' },
    expectations: { detectedWithinSeconds: 15, mitigatedWithinSeconds: null, restoredWithinSeconds: 60, maxFailedRequests: 5 },
    ...over,
  };
}

export function milestone(name: DrillMilestone['name'], sinceT0: number, over: Partial<DrillMilestone> = {}): DrillMilestone {
  return { name, at: T0 + sinceT0 * 1000, sinceInjectSeconds: sinceT0, subject: null, values: {}, flagged: false, text: `${name} happened`, ...over };
}

/** `n` seconds from T0 − 2 s, 5 probes each; `failing` seconds (offsets from T0) lose `failedEach`. */
export function secondsFixture(n: number, failing: Record<number, number> = {}): DrillSecond[] {
  return Array.from({ length: n }, (_, i) => {
    const offset = i - 2;
    const failed = failing[offset] ?? 0;
    return {
      at: T0 + offset * 1000,
      sent: 5,
      failed,
      p95Ms: failed === 5 ? null : 40 + i,
      windowSuccess: 1 - failed / 50,
      hypothesisHeld: failed < 2,
      lb: { http5xx: failed, connectionErrors: offset === 1 ? 2 : 0, responseErrors: 0, retries: offset === 1 ? 3 : 0, redispatches: offset === 1 ? 1 : 0 },
    };
  });
}

export function runFixture(over: Partial<DrillRunView> = {}): DrillRunView {
  const run: DrillRunView = {
    id: 'drun-1',
    drill: 'replica-maint',
    plan: planFixture(),
    seed: 'seed-7',
    status: 'passed',
    phase: 'passed',
    reasonCode: null,
    reason: null,
    trigger: { kind: 'manual', user: 'ops', host: 'console-1' },
    owner: null,
    startedAt: T0 - 3000,
    injectedAt: T0,
    restoredAt: T0 + 15_000,
    endedAt: T0 + 18_000,
    milestones: [
      milestone('started', -3, { sinceInjectSeconds: null }),
      milestone('injected', 0, { subject: 'lab-r1' }),
      milestone('first-failure', 1),
      milestone('lb-down', 4, { subject: 'lb/llama/lab-r1', values: { promisedSeconds: 3, tookSeconds: 4 }, flagged: false }),
      milestone('console-detected', 6, { subject: 'lab-r1' }),
      milestone('mitigated', 8),
      milestone('restored', 15),
      milestone('baseline', 17),
    ],
    derived: {
      detectSeconds: 6,
      lbDetectSeconds: 4,
      lbPromisedSeconds: 3,
      mitigateSeconds: 8,
      recoverSeconds: 17,
      responseSeconds: null,
      requestsSent: 100,
      requestsFailed: 3,
      failedRatio: 0.03,
      spareModelLoadSeconds: null,
      riseTimesInterSeconds: null,
    },
    expectations: [
      { name: 'detectedWithin', limit: 15, measured: 6, passed: true, text: 'detected after 6 s (limit 15 s)' },
      { name: 'restoredWithin', limit: 60, measured: 17, passed: true, text: 'back to baseline after 17 s (limit 60 s)' },
      { name: 'maxFailedRequests', limit: 5, measured: 3, passed: true, text: '3 failed requests (at most 5)' },
    ],
    seconds: secondsFixture(20, { 1: 2, 2: 1 }),
    faultRunId: 'run-fault-1',
    responseRunId: null,
    abortRequested: false,
    ...over,
  };
  // Exactly what crosses the contract: a fixture the runner could not produce is a bad fixture.
  return DrillRunView.parse(run);
}

export function faultRunFixture(output: string): RunView {
  const plan = planFixture();
  return {
    id: 'run-fault-1',
    runbook: 'drill:replica-maint',
    target: 'lab-r1',
    operator: { user: 'ops', host: 'console-1' },
    status: 'rolled-back',
    reason: 'aborted',
    interruptedStep: null,
    rollbackFailedStep: null,
    startedAt: T0 - 100,
    endedAt: T0 + 15_000,
    steps: [{ index: 0, title: 'Take lab-r1 out of llama', status: 'undone', output, error: null, startedAt: T0 - 100, durationMs: 12 }],
    plan: { runbook: 'drill:replica-maint', target: 'lab-r1', params: {}, confirmation: null, onFailure: 'rollback', steps: plan.inject, preconditions: [], locks: ['lab-r1'] },
  };
}
