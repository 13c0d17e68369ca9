/**
 * The drill runner's phases and stop conditions on the real runbook engine and store (the fault
 * is a run of the engine; its steps are `note` actions whose undo is real too), with a scripted
 * observer — the runner's input boundary — telling what it "sees".
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DrillPlan } from '../../../shared/drill';
import type { DrillRunView } from '../../../shared/drill-run';
import type { PlannedAction, PlannedStep } from '../../../shared/runbook';
import type { LbServerReading } from '../../../electron/core/drills/drill-inputs';
import type { DrillObserver, HypothesisState, ObservedMilestone } from '../../../electron/core/drills/observe/observer-types';
import { DRILL_RUN_MIGRATION } from '../../../electron/core/drills/run/drill-run-migration';
import { DrillRunStore } from '../../../electron/core/drills/run/drill-run-store';
import { DrillRunner } from '../../../electron/core/drills/run/drill-runner';
import type { DrillFleet } from '../../../electron/core/drills/run/drill-runner-types';
import { DRILL_SCHEDULE_MIGRATION } from '../../../electron/core/drills/schedule/schedule-migration';
import { StopAllSwitch } from '../../../electron/core/drills/schedule/stop-all-switch';
import { OWNERSHIP_MIGRATION } from '../../../electron/core/locks/ownership-migration';
import { ProcessOwner } from '../../../electron/core/locks/process-owner';
import { realTimers } from '../../../electron/core/probe/scheduler';
import { RUNBOOK_JOURNAL_MIGRATION } from '../../../electron/core/runbook-exec/journal-migration';
import { RunbookEngine } from '../../../electron/core/runbook-exec/run-engine';
import { createStepActions } from '../../../electron/core/runbook-exec/step-actions';
import type { AppendEventInput } from '../../../electron/core/store/event-log';

const IDENTITY = { user: 'alice', host: 'laptop' };
let dir: string;
let dbs: Database.Database[];
const alive = new Set<number>();

/** A scripted observer: the test says what it sees. */
class ScriptedObserver implements DrillObserver {
  private listeners: Array<(m: ObservedMilestone) => void> = [];
  private seen: ObservedMilestone[] = [];
  state: HypothesisState = { holds: true, brokenSince: null, successPct: 100, p95Ms: 10, requests: 10 };
  readings = new Map<string, LbServerReading>([['lb/llama/r1', { state: 'ready', weight: 100, up: true }]]);
  started = false;
  stopped = false;
  async start() {
    this.started = true;
  }
  async stop() {
    this.stopped = true;
  }
  onMilestone(l: (m: ObservedMilestone) => void) {
    this.listeners.push(l);
    return () => (this.listeners = this.listeners.filter((x) => x !== l));
  }
  emit(m: ObservedMilestone) {
    this.seen.push(m);
    for (const l of this.listeners) l(m);
  }
  milestones() {
    return this.seen;
  }
  hypothesis() {
    return this.state;
  }
  seconds() {
    return [{ at: 1000, sent: 10, ok: 9, failed: 1, p50Ms: 5, p95Ms: 9, maxMs: 12, lb: { hrsp5xx: 0, econ: 1, eresp: 0, retries: 0, redispatches: 0 } }];
  }
  lbPromises() {
    return [{ server: { loadBalancer: 'lb', backend: 'llama', server: 'r1' }, interMs: 1000, fall: 3, rise: 2, checkTimeoutMs: null, downBy: null, promisedDownMs: 3000 }];
  }
  async lbReadings() {
    return new Map(this.readings);
  }
}

const note = (text: string): PlannedAction => ({ type: 'note', text });

function planOf(extra: Partial<DrillPlan> = {}, undo: PlannedAction = note('put r1 back')): DrillPlan {
  return {
    drill: 'd1',
    description: 'a drill',
    seed: 's',
    seedSource: 'file',
    selection: 'named',
    targets: [{ kind: 'replica', name: 'r1', cluster: 'c1', region: 'r', protected: false, why: 'named' }],
    fault: { kind: 'lb-maint' },
    lab: null,
    inject: [{ index: 0, title: 'take r1 out', action: note('take r1 out'), undo, mutating: true, targets: ['r1'] }],
    restore: [{ index: 0, title: 'put r1 back', action: undo, undo: null, mutating: true, targets: ['r1'] }],
    preconditions: [{ ok: true, text: 'r1 healthy', overridable: false }],
    confirmation: null,
    locks: ['r1'],
    hypothesis: { service: 'llama', loadBalancer: 'lb', url: 'http://127.0.0.1:1/health', minSuccessPct: 95, maxP95LatencyMs: 1000, windowSeconds: 0, probeRatePerSecond: 5, graceSeconds: 0.05 },
    response: { kind: 'none' },
    expectations: { detectedWithinSeconds: 5, mitigatedWithinSeconds: null, restoredWithinSeconds: null, maxFailedRequests: null },
    ...extra,
  };
}

interface Harness {
  runner: DrillRunner;
  engine: RunbookEngine;
  store: DrillRunStore;
  observer: ScriptedObserver;
  stopAll: StopAllSwitch;
  db: Database.Database;
  pushes: DrillRunView[];
  audit: Array<{ kind: string; detail?: unknown }>;
  events: AppendEventInput[];
  pid: number;
  /** Resolves when a push shows the run with this status. */
  reaches(status: string): Promise<DrillRunView>;
}

/**
 * A runbook run on the harness's own engine: one note step, so it ends at once — or, `holding`,
 * a second step that waits until the run is aborted (a response still running).
 */
function responseRun(engine: RunbookEngine, name = 'drain-replica', holding = false) {
  const steps: PlannedStep[] = [{ index: 0, title: 'drain', action: note('drained'), undo: note('undrained'), mutating: false, targets: [] }];
  if (holding) steps.push({ index: 1, title: 'wait', action: { type: 'drill.hold', drill: 'slow-response', drillRunId: 'none' }, undo: null, mutating: false, targets: [] });
  return engine.start({ runbook: name, target: 'r1', params: {}, confirmation: null, onFailure: 'rollback', steps, preconditions: [], locks: [] }, { operator: IDENTITY });
}

function harness(plan: DrillPlan, opts: { health?: string; holdingResponse?: boolean; incident?: { id: string; title: string } } = {}): Harness {
  const db = new Database(join(dir, 'store.db'));
  db.pragma('journal_mode = WAL');
  if (!db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'drill_runs'").get()) {
    db.exec(RUNBOOK_JOURNAL_MIGRATION.up + OWNERSHIP_MIGRATION.up + DRILL_SCHEDULE_MIGRATION.up + DRILL_RUN_MIGRATION.up);
  }
  dbs.push(db);
  const pid = 1000 + dbs.length;
  alive.add(pid);
  const owner = new ProcessOwner(db, { label: `console ${pid}`, identity: IDENTITY, pid, pidAlive: (p) => alive.has(p) });
  const engine = new RunbookEngine({ db, owner, actions: createStepActions({ runtimeFor: () => { throw new Error('no LB in this test'); } }) });
  const store = new DrillRunStore(db, Date.now);
  const observer = new ScriptedObserver();
  const stopAll = new StopAllSwitch(db, Date.now);
  const pushes: DrillRunView[] = [];
  const audit: Harness['audit'] = [];
  const events: AppendEventInput[] = [];
  const waiters: Array<{ status: string; resolve: (v: DrillRunView) => void }> = [];
  const fleet: DrillFleet = {
    plan: async () => ({ plan, drill: {} as never }),
    scope: () => ({ lbServers: [{ loadBalancer: 'lb', backend: 'llama', server: 'r1' }], subjects: ['r1'], outside: ['r2'] }),
    observer: () => observer,
    health: () => opts.health ?? 'healthy',
    startResponse: async () => {
      const r = responseRun(engine, 'drain-replica', opts.holdingResponse);
      return { runId: r.runId, done: r.done };
    },
    runbookRun: (id) => {
      try {
        return engine.get(id);
      } catch {
        return null;
      }
    },
    replicaAnswer: () => null,
    openIncident: () => opts.incident ?? null,
    inBlackout: () => false,
  };
  const runner = new DrillRunner({
    db,
    store,
    engine,
    owner,
    stopAll,
    fleet,
    audit: { append: (e) => (audit.push(e), { ...e }) as never },
    record: (e) => events.push(e),
    push: (v) => {
      pushes.push(v);
      for (const w of waiters.filter((x) => x.status === v.status)) w.resolve(v);
    },
    identity: IDENTITY,
    timers: realTimers,
    tickMs: 5,
    settleMs: 0,
    baselineTimeoutMs: 2000,
  });
  return {
    runner,
    engine,
    store,
    observer,
    stopAll,
    db,
    pushes,
    audit,
    events,
    pid,
    reaches: (status) => new Promise((resolve) => waiters.push({ status, resolve })),
  };
}

const manual = { kind: 'manual' as const, ...IDENTITY };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fleetops-drill-runner-'));
  dbs = [];
  alive.clear();
});
afterEach(() => {
  for (const db of dbs) if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a drill that passes', () => {
  it('goes through its phases in order, holds the fault as an engine run and restores it by rolling that run back', async () => {
    const h = harness(planOf());
    const observing = h.reaches('observing');
    const { view, done } = await h.runner.start({ name: 'd1', trigger: manual });
    expect(view.status).toBe('pre-checks');
    await observing;
    const fault = h.engine.get((await observing).faultRunId!);
    expect(fault.steps.map((s) => s.status)).toEqual(['succeeded', 'running']);
    h.observer.emit({ kind: 'console-detected', at: Date.now(), subject: 'r1', health: 'unhealthy' });
    const end = await done;
    expect(end.status).toBe('passed');
    const phases = [...new Set(h.pushes.map((p) => p.status))];
    expect(phases).toEqual(['injecting', 'observing', 'restoring', 'passed']);
    expect(end.milestones.map((m) => m.name)).toEqual(['started', 'injected', 'console-detected', 'mitigated', 'restored', 'baseline']);
    expect(end.expectations).toEqual([expect.objectContaining({ name: 'detectedWithin', passed: true })]);
    const restored = h.engine.get(end.faultRunId!);
    expect(restored.status).toBe('rolled-back');
    expect(restored.steps[0]).toMatchObject({ status: 'undone', output: expect.stringContaining('[undo] put r1 back') });
    expect(h.audit.map((a) => a.kind)).toEqual(['drill.start', 'drill.inject', 'drill.restore', 'drill.end']);
    expect(h.events.map((e) => e.kind)).toEqual(expect.arrayContaining(['drill.injected', 'drill.console-detected', 'drill.restored', 'drill.baseline']));
    expect(h.observer.stopped).toBe(true);
    // Stored: what the contract shows, read back through its schema.
    expect(h.store.get(end.id)).toMatchObject({ status: 'passed', owner: null, faultRunId: end.faultRunId });
  });

  it('fails an expectation whose milestone never comes (no detection by the deadline)', async () => {
    const h = harness(planOf({ expectations: { detectedWithinSeconds: 0.05, mitigatedWithinSeconds: null, restoredWithinSeconds: null, maxFailedRequests: 0 } }));
    const end = await (await h.runner.start({ name: 'd1', trigger: manual })).done;
    expect(end.status).toBe('failed');
    expect(end.expectations).toEqual([
      expect.objectContaining({ name: 'detectedWithin', measured: null, passed: false }),
      expect.objectContaining({ name: 'maxFailedRequests', measured: 1, passed: false }),
    ]);
    expect(h.engine.get(end.faultRunId!).status).toBe('rolled-back');
  });
});

describe('stop conditions: each aborts, restores at once, and says why', () => {
  it('the hypothesis broken longer than its grace', async () => {
    const h = harness(planOf({ expectations: { detectedWithinSeconds: 60, mitigatedWithinSeconds: null, restoredWithinSeconds: null, maxFailedRequests: null } }));
    const observing = h.reaches('observing');
    const { done } = await h.runner.start({ name: 'd1', trigger: manual });
    await observing;
    h.observer.state = { holds: false, brokenSince: Date.now(), successPct: 40, p95Ms: 900, requests: 10 };
    const end = await done;
    expect(end).toMatchObject({ status: 'aborted', phase: 'observing', reasonCode: 'hypothesis-broken' });
    expect(end.reason).toMatch(/grace of 0.05 s \(success 40 %/);
    expect(h.engine.get(end.faultRunId!).status).toBe('rolled-back');
    expect(h.audit.map((a) => a.kind)).toContain('drill.abort');
  });

  it('a subject outside the blast radius turning unhealthy', async () => {
    const h = harness(planOf({ expectations: { detectedWithinSeconds: 60, mitigatedWithinSeconds: null, restoredWithinSeconds: null, maxFailedRequests: null } }));
    const observing = h.reaches('observing');
    const { done } = await h.runner.start({ name: 'd1', trigger: manual });
    await observing;
    h.observer.emit({ kind: 'outside-unhealthy', at: Date.now(), subject: 'r2', health: 'unreachable' });
    expect(await done).toMatchObject({ status: 'aborted', reasonCode: 'outside-blast-radius', reason: 'r2, outside the drill\'s blast radius, turned unreachable' });
  });

  it('an abort asked through the store (by another process)', async () => {
    const h = harness(planOf({ expectations: { detectedWithinSeconds: 60, mitigatedWithinSeconds: null, restoredWithinSeconds: null, maxFailedRequests: null } }));
    const observing = h.reaches('observing');
    const { view, done } = await h.runner.start({ name: 'd1', trigger: manual });
    await observing;
    const other = new DrillRunStore(new Database(join(dir, 'store.db')), Date.now);
    expect(other.requestAbort(view.id, 'operator-abort', 'aborted by bob')).toBe(true);
    expect(await done).toMatchObject({ status: 'aborted', reasonCode: 'operator-abort', reason: 'aborted by bob' });
  });

  it('the stop-all switch', async () => {
    const h = harness(planOf({ expectations: { detectedWithinSeconds: 60, mitigatedWithinSeconds: null, restoredWithinSeconds: null, maxFailedRequests: null } }));
    const observing = h.reaches('observing');
    const { done } = await h.runner.start({ name: 'd1', trigger: manual });
    await observing;
    h.stopAll.engage('bob');
    expect(await done).toMatchObject({ status: 'aborted', reasonCode: 'stop-all' });
  });

  it('the console stopping: stop() resolves after the restore', async () => {
    const h = harness(planOf({ expectations: { detectedWithinSeconds: 60, mitigatedWithinSeconds: null, restoredWithinSeconds: null, maxFailedRequests: null } }));
    const observing = h.reaches('observing');
    const { view } = await h.runner.start({ name: 'd1', trigger: manual });
    await observing;
    await h.runner.stop();
    expect(h.store.get(view.id)).toMatchObject({ status: 'aborted', reasonCode: 'console-stopping' });
    expect(h.engine.get(h.store.get(view.id)!.faultRunId!).status).toBe('rolled-back');
    await expect(h.runner.start({ name: 'd1', trigger: manual })).rejects.toThrow(/stopping/);
  });
});

describe('a restore that fails', () => {
  it('is restore-failed, an error event and an audit entry', async () => {
    // The undo is a lab.clear and this engine has no lab: the real executor refuses it.
    const undo: PlannedAction = { type: 'lab.clear', lab: '/nowhere', fault: { on: 'node', node: 'n1', kind: 'gpu-lost' } };
    const h = harness(planOf({ expectations: { detectedWithinSeconds: 60, mitigatedWithinSeconds: null, restoredWithinSeconds: null, maxFailedRequests: null } }, undo));
    const observing = h.reaches('observing');
    const { done } = await h.runner.start({ name: 'd1', trigger: manual });
    await observing;
    h.runner.abort((await observing).id);
    const end = await done;
    expect(end).toMatchObject({ status: 'restore-failed', reasonCode: 'restore-failed' });
    expect(end.reason).toMatch(/the restore failed at step 1 \(take r1 out\): undo failed: lab faults go to a running fleetops lab only/);
    expect(h.events.find((e) => e.kind === 'drill.restore-failed')).toMatchObject({ severity: 'error' });
    expect(h.engine.get(end.faultRunId!).status).toBe('rollback-failed');
  });
});

describe('pre-checks: a refused start is a skipped run with its reason, audited', () => {
  it('stop-all engaged', async () => {
    const h = harness(planOf());
    h.stopAll.engage('bob');
    const { view } = await h.runner.start({ name: 'd1', trigger: manual });
    expect(view).toMatchObject({ status: 'skipped', reasonCode: 'stop-all', faultRunId: null });
    expect(h.audit).toEqual([expect.objectContaining({ kind: 'drill.skip' })]);
    expect(h.store.get(view.id)).toMatchObject({ status: 'skipped', owner: null });
  });

  it('a failed precondition, and read-only named as such', async () => {
    const h = harness(planOf({ preconditions: [{ ok: false, text: 'r1 is unhealthy', overridable: false }] }));
    expect((await h.runner.start({ name: 'd1', trigger: manual })).view).toMatchObject({ status: 'skipped', reasonCode: 'precondition-failed', reason: 'r1 is unhealthy' });
    const ro = harness(planOf({ preconditions: [{ ok: false, text: 'read-only mode is on (global switch)', overridable: false }] }));
    expect((await ro.runner.start({ name: 'd1', trigger: manual })).view).toMatchObject({ status: 'skipped', reasonCode: 'read-only' });
  });

  it('an open incident on the service: no drill adds to it', async () => {
    const h = harness(planOf(), { incident: { id: 'inc-1', title: 'node n1 unreachable (us-west-2)' } });
    const { view } = await h.runner.start({ name: 'd1', trigger: manual });
    expect(view).toMatchObject({ status: 'skipped', reasonCode: 'open-incident' });
    expect(view.reason).toBe('incident inc-1 (node n1 unreachable (us-west-2)) is open on service llama: no drill while it is');
    expect(h.engine.list()).toEqual([]);
  });

  it('a target another run holds', async () => {
    const h = harness(planOf());
    h.engine.start({ runbook: 'hold', target: 'r1', params: {}, confirmation: null, onFailure: 'rollback', steps: [{ index: 0, title: 'wait', action: { type: 'drill.hold', drill: 'x', drillRunId: 'x' }, undo: null, mutating: false, targets: [] }], preconditions: [], locks: ['r1'] }, { operator: IDENTITY });
    const { view } = await h.runner.start({ name: 'd1', trigger: manual });
    expect(view).toMatchObject({ status: 'skipped', reasonCode: 'locked' });
    expect(view.reason).toMatch(/^r1 is held by /);
  });

  it('one drill per service: a second start while one runs is skipped (service-busy)', async () => {
    const h = harness(planOf({ expectations: { detectedWithinSeconds: 60, mitigatedWithinSeconds: null, restoredWithinSeconds: null, maxFailedRequests: null } }));
    const observing = h.reaches('observing');
    const first = await h.runner.start({ name: 'd1', trigger: manual });
    await observing;
    const second = await h.runner.start({ name: 'd1', trigger: manual });
    expect(second.view).toMatchObject({ status: 'skipped', reasonCode: 'service-busy' });
    h.runner.abort(first.view.id);
    expect((await first.done).status).toBe('aborted');
  });

  it('a protected target started by hand without the typed word is refused (CONFIRMATION_REQUIRED), with it it starts', async () => {
    const h = harness(planOf({ confirmation: 'd1', expectations: { detectedWithinSeconds: 0.05, mitigatedWithinSeconds: null, restoredWithinSeconds: null, maxFailedRequests: null } }));
    await expect(h.runner.start({ name: 'd1', trigger: manual })).rejects.toMatchObject({ code: 'CONFIRMATION_REQUIRED' });
    expect(h.audit).toEqual([expect.objectContaining({ kind: 'drill.refused' })]);
    const { done } = await h.runner.start({ name: 'd1', trigger: manual, confirm: 'd1' });
    expect((await done).status).toBe('failed');
  });
});

describe('a drill whose console died', () => {
  it('is restored by another process without a person: its fault run rolled back, the run aborted (owner-died)', async () => {
    const a = harness(planOf({ expectations: { detectedWithinSeconds: 600, mitigatedWithinSeconds: null, restoredWithinSeconds: null, maxFailedRequests: null } }));
    const observing = a.reaches('observing');
    const { view } = await a.runner.start({ name: 'd1', trigger: manual });
    const faultRunId = (await observing).faultRunId!;
    // The process dies: its connection drops mid-drill, its pid is gone.
    alive.delete(a.pid);
    a.db.close();
    const b = harness(planOf());
    expect(b.engine.get(faultRunId).status).toBe('running');
    expect(b.runner.recover()).toEqual([view.id]);
    // A second look while the restore runs takes nothing over twice.
    expect(b.runner.recover()).toEqual([]);
    const end = await b.runner.whenDone(view.id)!;
    expect(end).toMatchObject({ status: 'aborted', reasonCode: 'owner-died', phase: 'observing' });
    expect(end.milestones.map((m) => m.name)).toEqual(expect.arrayContaining(['injected', 'restored', 'aborted']));
    const fault = b.engine.get(faultRunId);
    expect(fault.status).toBe('rolled-back');
    expect(fault.steps[0]!.status).toBe('undone');
    expect(b.audit.map((x) => x.kind)).toEqual(['drill.restore', 'drill.abort']);
  });
});

describe('responses', () => {
  const long = { detectedWithinSeconds: 60, mitigatedWithinSeconds: 60, restoredWithinSeconds: null, maxFailedRequests: null };

  it('a runbook after detection: started once the console detects the fault, linked, its end measured', async () => {
    const h = harness(planOf({ expectations: long, response: { kind: 'runbook', runbook: 'drain-replica', target: 'r1', params: {}, after: { kind: 'detection' } } }));
    const observing = h.reaches('observing');
    const responding = h.reaches('responding');
    const { done } = await h.runner.start({ name: 'd1', trigger: manual });
    await observing;
    // Nothing is started before the detection.
    expect(h.engine.list().filter((r) => r.runbook === 'drain-replica')).toEqual([]);
    h.observer.emit({ kind: 'console-detected', at: Date.now(), subject: 'r1', health: 'unreachable' });
    await responding;
    const end = await done;
    expect(end.status).toBe('passed');
    expect(end.responseRunId).not.toBeNull();
    // Back to the baseline: the response's drain was reverted after the fault was restored.
    const response = h.engine.get(end.responseRunId!);
    expect(response).toMatchObject({ runbook: 'drain-replica', status: 'rolled-back' });
    expect(response.steps[0]).toMatchObject({ status: 'undone', output: expect.stringContaining('[undo] undrained') });
    const names = end.milestones.map((m) => m.name);
    expect(names.indexOf('console-detected')).toBeLessThan(names.indexOf('response-started'));
    expect(names.indexOf('response-started')).toBeLessThan(names.indexOf('response-finished'));
    expect(end.derived.responseSeconds).not.toBeNull();
  });

  it('a response still running when the drill stops is stopped too, and rolled back with the fault', async () => {
    const h = harness(planOf({ expectations: long, response: { kind: 'runbook', runbook: 'drain-replica', target: 'r1', params: {}, after: { kind: 'detection' } } }), { holdingResponse: true });
    const observing = h.reaches('observing');
    const responding = h.reaches('responding');
    const { done } = await h.runner.start({ name: 'd1', trigger: manual });
    await observing;
    h.observer.emit({ kind: 'console-detected', at: Date.now(), subject: 'r1', health: 'unreachable' });
    await responding;
    h.observer.state = { holds: false, brokenSince: Date.now(), successPct: 40, p95Ms: 900, requests: 10 };
    const end = await done;
    expect(end).toMatchObject({ status: 'aborted', reasonCode: 'hypothesis-broken' });
    const response = h.engine.get(end.responseRunId!);
    expect(response.status).toBe('rolled-back');
    expect(response.steps[0]).toMatchObject({ status: 'undone', output: expect.stringContaining('[undo] undrained') });
    expect(h.engine.get(end.faultRunId!).status).toBe('rolled-back');
    expect(end.milestones.map((m) => m.name)).toEqual(expect.arrayContaining(['response-started', 'restored']));
  });

  it('a game day waits for the operator: the linked run is the response, its start the response time', async () => {
    const h = harness(planOf({ expectations: long, response: { kind: 'operator' } }));
    const observing = h.reaches('observing');
    const { view, done } = await h.runner.start({ name: 'd1', trigger: manual });
    await observing;
    h.observer.emit({ kind: 'console-detected', at: Date.now(), subject: 'r1', health: 'unhealthy' });
    expect(() => h.runner.linkResponse(view.id, 'no-such-run')).toThrow(/no runbook run no-such-run/);
    const operatorRun = responseRun(h.engine, 'drain-replica');
    await operatorRun.done;
    expect(h.runner.linkResponse(view.id, operatorRun.runId).responseRunId).toBe(operatorRun.runId);
    const end = await done;
    expect(end.status).toBe('passed');
    const started = end.milestones.find((m) => m.name === 'response-started')!;
    expect(started.at).toBe(h.engine.get(operatorRun.runId).startedAt);
    expect(end.milestones.map((m) => m.name)).toContain('response-finished');
    expect(h.audit.map((a) => a.kind)).toContain('drill.link-response');
  });

  it('a drill without an operator response refuses a link', async () => {
    const h = harness(planOf({ expectations: long }));
    const observing = h.reaches('observing');
    const { view } = await h.runner.start({ name: 'd1', trigger: manual });
    await observing;
    expect(() => h.runner.linkResponse(view.id, 'x')).toThrow(/does not wait for an operator/);
    h.runner.abort(view.id);
    await h.runner.whenDone(view.id);
  });
});
