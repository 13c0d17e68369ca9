/**
 * Starts drills and keeps every drill run safe across processes:
 *  - start: plan against the fleet now, then the pre-checks (the plan's preconditions, locks,
 *    stop-all, blackout, one drill per service, the global cap) and the run's row in ONE
 *    IMMEDIATE transaction, so two processes never both start on one service; a refused start is
 *    a `skipped` run with its reason, audited. Then drill-execution.ts runs it.
 *  - abort / stop-all: through the store (abort_requested_at), so the owning process acts on it
 *    whichever process asked.
 *  - recover (start-up and every ownership tick): a run whose owner died is claimed
 *    (compare-and-set) and its fault restored without a person: the engine rolls back its
 *    interrupted fault run. A restore that fails is `restore-failed`, an error event, an alarm.
 *  - stop (the console stopping): every live run aborts and restores before the core closes.
 */
import { randomUUID } from 'node:crypto';
import { FleetError, toErrorData } from '../../../../shared/errors';
import type { DrillFile, DrillPlan } from '../../../../shared/drill';
import type { DrillReasonCode, DrillRunView, DrillTrigger } from '../../../../shared/drill-run';
import { isFinalDrillStatus } from '../../../../shared/drill-run';
import type { RunView } from '../../../../shared/runbook';
import { EMPTY_DERIVED } from './drill-run-store';
import { DrillExecution } from './drill-execution';
import { makeMilestone } from './drill-judge';
import type { DrillRunnerDeps } from './drill-runner-types';
import { drillRunOf } from './fault-run';

export interface StartDrillInput {
  name: string;
  seed?: string;
  /** What the operator typed (manual runs of a drill on a protected cluster). */
  confirm?: string;
  trigger: DrillTrigger;
}

export interface StartedDrill {
  view: DrillRunView;
  /** Settles with the final view (at once for a skipped run). */
  done: Promise<DrillRunView>;
}

export class DrillRunner {
  private readonly live = new Map<string, DrillExecution>();
  private readonly running = new Map<string, Promise<DrillRunView>>();
  private readonly newId: () => string;
  private stopping = false;

  constructor(private readonly deps: DrillRunnerDeps) {
    this.newId = deps.newId ?? randomUUID;
  }

  async start(input: StartDrillInput): Promise<StartedDrill> {
    if (this.stopping) throw new FleetError('BAD_REQUEST', 'the console is stopping: no new drills');
    const { plan, drill } = await this.deps.fleet.plan(input.name, input.seed);
    const { deps } = this;
    if (input.trigger.kind === 'manual' && plan.confirmation !== null && input.confirm !== plan.confirmation) {
      deps.audit.append({ kind: 'drill.refused', subject: plan.drill, detail: { reason: 'confirmation missing or wrong', seed: plan.seed } });
      throw new FleetError('CONFIRMATION_REQUIRED', `drill ${plan.drill} changes a protected cluster: type its name (${plan.confirmation}) to run it`, {
        subject: plan.drill,
        detail: { expect: plan.confirmation },
      });
    }
    const view = this.newView(plan, input.trigger);
    const service = plan.hypothesis.service;
    // Checks and the row in one IMMEDIATE transaction: the store's view of running drills cannot change in between.
    const skip = deps.db
      .transaction(() => {
        const why = this.preCheck(plan, drill, service);
        if (why) {
          Object.assign(view, { status: 'skipped', phase: 'pre-checks', reasonCode: why.code, reason: why.reason, endedAt: deps.timers.now() });
          view.milestones = [makeMilestone('started', view.startedAt, null, `skipped: ${why.reason}`)];
        }
        deps.store.create(view, service, why ? null : deps.owner.id);
        return why;
      })
      .immediate();
    if (skip) {
      deps.audit.append({ kind: 'drill.skip', subject: plan.drill, detail: { drillRun: view.id, reasonCode: skip.code, reason: skip.reason, trigger: input.trigger } });
      deps.record({ ts: view.startedAt, kind: 'drill.skipped', subject: plan.drill, severity: 'warning', message: `drill ${plan.drill} skipped: ${skip.reason}`, data: { drillRun: view.id, reasonCode: skip.code } });
      deps.push(structuredClone(view));
      return { view, done: Promise.resolve(view) };
    }
    deps.audit.append({ kind: 'drill.start', subject: plan.drill, detail: { drillRun: view.id, seed: plan.seed, targets: plan.targets.map((t) => t.name), fault: plan.fault.kind, trigger: input.trigger } });
    deps.record({ ts: view.startedAt, kind: 'drill.started', subject: plan.drill, severity: 'info', message: `drill ${plan.drill} started (seed ${plan.seed})`, data: { drillRun: view.id } });
    const exec = new DrillExecution(deps, view, plan, deps.fleet.scope(plan));
    return { view: structuredClone(view), done: this.track(view.id, exec, () => exec.run()) };
  }

  /**
   * A dry run: the plan with the runner's own checks added as one more precondition (locks held
   * by others, stop-all, blackout, one drill per service, the global cap). Nothing is sent.
   */
  async dryRun(name: string, seed?: string): Promise<DrillPlan> {
    const { plan, drill } = await this.deps.fleet.plan(name, seed);
    const why = this.preCheck({ ...plan, preconditions: [] }, drill, plan.hypothesis.service);
    const text = why ? why.reason : 'no lock, stop-all switch, blackout, other drill on the service or global cap stands in the way';
    return { ...plan, preconditions: [...plan.preconditions, { ok: why === null, text, overridable: false }] };
  }

  /** The operator's Abort: this process's run at once, another's through the store. */
  abort(runId: string, code: DrillReasonCode = 'operator-abort', reason = 'aborted by the operator'): DrillRunView {
    const view = this.get(runId);
    if (isFinalDrillStatus(view.status)) throw new FleetError('BAD_REQUEST', `drill run ${runId} is ${view.status}: nothing to abort`, { subject: runId });
    this.deps.store.requestAbort(runId, code, reason);
    this.deps.audit.append({ kind: 'drill.abort-requested', subject: view.drill, detail: { drillRun: runId, reasonCode: code, reason } });
    this.live.get(runId)?.abort({ code, reason });
    return this.get(runId);
  }

  /** Every running drill, in every process, asked to abort (the switch itself is the caller's). */
  abortAll(code: DrillReasonCode, reason: string): string[] {
    const ids = this.deps.store.open().map((r) => r.id);
    for (const id of ids) {
      this.deps.store.requestAbort(id, code, reason);
      this.live.get(id)?.abort({ code, reason });
    }
    return ids;
  }

  /** A game day: the operator's runbook run is the drill's response. */
  linkResponse(runId: string, runbookRunId: string): DrillRunView {
    const exec = this.live.get(runId);
    if (!exec) throw new FleetError('BAD_REQUEST', `drill run ${runId} is not running in this console: link the response where it runs`, { subject: runId });
    if (exec.view.plan.response.kind !== 'operator') throw new FleetError('BAD_REQUEST', `drill ${exec.view.drill} does not wait for an operator's response`, { subject: runId });
    if (!this.deps.fleet.runbookRun(runbookRunId)) throw new FleetError('NOT_FOUND', `no runbook run ${runbookRunId}`, { subject: runbookRunId });
    exec.link(runbookRunId);
    this.deps.audit.append({ kind: 'drill.link-response', subject: exec.view.drill, detail: { drillRun: runId, runbookRun: runbookRunId } });
    return this.get(runId);
  }

  get(runId: string): DrillRunView {
    const v = this.deps.store.get(runId);
    if (!v) throw new FleetError('NOT_FOUND', `no drill run ${runId}`, { subject: runId });
    return v;
  }

  /** Settles when this process's run ends (undefined when it does not run here). */
  whenDone(runId: string): Promise<DrillRunView> | undefined {
    return this.running.get(runId);
  }

  /**
   * Restores the runs of dead owners (start-up and every ownership tick). Returns the ids it
   * took over; their restores run on (see whenDone).
   */
  recover(): string[] {
    const taken: string[] = [];
    for (const r of this.deps.store.open()) {
      if (this.live.has(r.id) || this.running.has(r.id)) continue;
      if (r.ownerId !== null && this.deps.owner.isAlive(r.ownerId)) continue;
      if (!this.deps.store.claim(r.id, r.ownerId, this.deps.owner.id)) continue;
      taken.push(r.id);
      this.track(r.id, null, () => this.restoreOrphan(r.id));
    }
    return taken;
  }

  /** The console stops: every run here aborts and restores, then this resolves. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const exec of this.live.values()) exec.abort({ code: 'console-stopping', reason: 'the console is stopping' });
    await Promise.allSettled([...this.running.values()]);
  }

  private preCheck(plan: DrillPlan, drill: DrillFile, service: string): { code: DrillReasonCode; reason: string } | null {
    const { deps } = this;
    if (deps.stopAll.state().engaged) return { code: 'stop-all', reason: 'the stop-all switch is engaged: no drill starts until it is released' };
    const failed = plan.preconditions.filter((p) => !p.ok);
    const readOnly = failed.find((p) => /read-only/i.test(p.text));
    if (readOnly) return { code: 'read-only', reason: readOnly.text };
    if (failed.length > 0) return { code: 'precondition-failed', reason: failed.map((p) => p.text).join('; ') };
    if (deps.fleet.inBlackout(drill, deps.timers.now())) return { code: 'blackout', reason: 'inside one of the drill\'s blackout windows' };
    // Another drill before the locks: its fault run holds them, and "a drill runs there" says more.
    const open = deps.store.open();
    const busy = open.find((r) => r.service === service);
    if (busy) return { code: 'service-busy', reason: `drill ${busy.drill} (run ${busy.id}) is running on service ${service}: one drill at a time per service` };
    const incident = deps.fleet.openIncident(plan);
    if (incident) return { code: 'open-incident', reason: `incident ${incident.id} (${incident.title}) is open on service ${service}: no drill while it is` };
    const cap = deps.globalCap ?? 1;
    if (open.length >= cap) return { code: 'global-cap', reason: `${open.length} drill(s) running: the global cap is ${cap}` };
    const held = plan.locks.map((s) => [s, deps.engine.holderOf(s)] as const).filter(([, h]) => h !== null);
    if (held.length > 0) return { code: 'locked', reason: held.map(([s, h]) => `${s} is held by ${h}`).join('; ') };
    return null;
  }

  private newView(plan: DrillPlan, trigger: DrillTrigger): DrillRunView {
    const now = this.deps.timers.now();
    return {
      id: this.newId(),
      drill: plan.drill,
      plan,
      seed: plan.seed,
      status: 'pre-checks',
      phase: 'pre-checks',
      reasonCode: null,
      reason: null,
      trigger,
      owner: this.deps.owner.id,
      startedAt: now,
      injectedAt: null,
      restoredAt: null,
      endedAt: null,
      milestones: [makeMilestone('started', now, null, `drill ${plan.drill} started (seed ${plan.seed})`)],
      derived: { ...EMPTY_DERIVED },
      expectations: [],
      seconds: [],
      faultRunId: null,
      responseRunId: null,
      abortRequested: false,
    };
  }

  private track(id: string, exec: DrillExecution | null, work: () => Promise<DrillRunView>): Promise<DrillRunView> {
    if (exec) this.live.set(id, exec);
    const done = work().finally(() => {
      this.live.delete(id);
      this.running.delete(id);
    });
    this.running.set(id, done);
    done.catch(() => undefined);
    return done;
  }

  /** A dead owner's run: roll back its fault run (interrupted by the engine's recovery), record the outcome. */
  private async restoreOrphan(id: string): Promise<DrillRunView> {
    const { deps } = this;
    const view = this.get(id);
    const phase = view.status;
    const faultId = view.faultRunId ?? deps.engine.list().find((r) => drillRunOf(r) === id)?.id ?? null;
    const end = (status: 'aborted' | 'restore-failed', code: DrillReasonCode, reason: string, restoredAt: number | null): DrillRunView => {
      const now = deps.timers.now();
      const t0 = view.injectedAt;
      Object.assign(view, { status, phase, reasonCode: code, reason, endedAt: now, restoredAt, faultRunId: faultId, abortRequested: false });
      const ms = [
        ...(restoredAt !== null ? [makeMilestone('restored', restoredAt, t0, 'fault restored after its console died (no person needed)')] : []),
        makeMilestone(status === 'aborted' ? 'aborted' : 'restore-failed', now, t0, reason, { flagged: status !== 'aborted' }),
      ];
      view.milestones = [...view.milestones, ...ms];
      for (const m of ms) {
        deps.record({ ts: m.at, kind: `drill.${m.name}`, subject: view.drill, severity: m.name === 'restore-failed' ? 'error' : 'warning', message: `drill ${view.drill}: ${m.text}`, data: { drillRun: id, milestone: m } });
      }
      deps.store.saveIfOwned(view, deps.owner.id);
      deps.audit.append({ kind: 'drill.restore', subject: view.drill, detail: { drillRun: id, faultRun: faultId, status, reason, recovered: true } });
      deps.audit.append({ kind: 'drill.abort', subject: view.drill, detail: { drillRun: id, status, phase, reasonCode: code, reason } });
      deps.push(structuredClone(view));
      deps.onEnded?.(id, status);
      return view;
    };
    if (faultId === null) return end('aborted', 'owner-died', 'its console died before the fault was injected: nothing to restore', null);
    try {
      deps.engine.recover();
      const ended = await this.rollBack(faultId);
      if (ended.status === 'rolled-back' || ended.status === 'succeeded') {
        return end('aborted', 'owner-died', `its console (${view.owner ?? 'unknown'}) died mid-drill; the fault was restored at ${new Date(ended.endedAt ?? deps.timers.now()).toISOString()}`, ended.endedAt ?? deps.timers.now());
      }
      const step = ended.rollbackFailedStep === null ? null : ended.steps[ended.rollbackFailedStep];
      return end('restore-failed', 'restore-failed', `its console died mid-drill and the restore failed${step ? ` at step ${step.index + 1} (${step.title}): ${step.error}` : ` (${ended.status})`}; the fault may still be in place`, null);
    } catch (err) {
      return end('restore-failed', 'restore-failed', `its console died mid-drill and the restore could not run: ${toErrorData(err).message}`, null);
    }
  }

  /** Rolls back a waiting fault run, or waits for whoever is rolling it back. */
  private async rollBack(faultId: string): Promise<RunView> {
    const { deps } = this;
    for (;;) {
      const run = deps.engine.get(faultId);
      if (run.endedAt !== null) return run;
      if (run.status === 'interrupted' || run.status === 'stopped') {
        try {
          return await deps.engine.rollback(faultId).done;
        } catch (err) {
          // Another process took the rollback first: follow it.
          if (!(err instanceof FleetError) || err.code !== 'BAD_REQUEST') throw err;
        }
      }
      await new Promise<void>((resolve) => deps.timers.setTimeout(resolve, deps.tickMs ?? 250));
      deps.engine.recover();
    }
  }
}
