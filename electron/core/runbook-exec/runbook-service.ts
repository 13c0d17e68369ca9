/**
 * Runbooks as a service of the engine: the one implementation behind the contract's
 * runbooks.* / runs.* / settings.setReadOnly methods and the `fleetops run` command. It plans
 * against the fleet as it is now, refuses what may not run, keeps the audit trail (plan,
 * override, refusal, confirmation, run, every step, abort, end) and pushes every change of a run
 * as `run.updated`.
 */
import { FleetError } from '../../../shared/errors';
import type { MethodInput } from '../../../shared/contract';
import type { RunbookPlan, RunbookSummary } from '../../../shared/runbook';
import type { AuditIdentity } from '../audit/identity';
import type { RunbookHost } from './runbook-host';
import type { LoadedInventory } from '../inventory/load-inventory';
import { loadRunbooks, type RunbookSet } from '../runbooks/load-runbooks';
import { lockPreconditions } from '../runbooks/plan-preconditions';
import { planRunbook } from '../runbooks/plan-runbook';
import type { ChangeGate } from '../gate/change-gate';
import { capacityInputs } from './capacity-inputs';
import { engineForCore } from './engine-for-core';
import type { ReadOnlySetting } from './read-only-setting';
import type { RunbookEngine, RunHandle } from './run-engine';
import type { RunView } from './run-types';

export type PlanInput = MethodInput<'runbooks.plan'>;
export type RunInput = MethodInput<'runbooks.run'>;
export type { ReadOnlySetting } from './read-only-setting';

export interface RunbookServiceDeps {
  core: RunbookHost;
  /** The inventory in force now (the last good one after a bad edit); null before the first load. */
  inventory: () => LoadedInventory | null;
  /** Who starts runs from this process: recorded on each run. */
  identity: AuditIdentity;
  /** The change gate: its read-only switch, locks and owner; every step that changes something passes it. */
  gate: ChangeGate;
}

export interface StartedRun {
  /** The run as it is right after it started. */
  view: RunView;
  /** Settles when the engine stops working on it (ended, or stopped to wait for the operator). */
  done: Promise<RunView>;
}

export class RunbookService {
  private readonly engine: RunbookEngine;
  private readonly closeEngine: () => void;
  private runbookSet: RunbookSet | null = null;
  private loadError: unknown = null;
  /** Last status audited per run step, so each transition is recorded once. */
  private readonly auditedSteps = new Map<string, string>();
  /** Write counter of each run last pushed, to push what other processes changed. */
  private readonly pushedVersions = new Map<string, number>();
  private closed = false;

  constructor(private readonly deps: RunbookServiceDeps) {
    // The read-only switch is stored (the gate's) and outlives restarts.
    deps.gate.readOnly.stored();
    // The inventory as it is when each step runs: runs survive inventory reloads.
    const { engine, close } = engineForCore(deps.core, () => this.requireInventory(), (e) => this.onRunUpdated(e.run));
    this.engine = engine;
    this.closeEngine = close;
    // Runs whose process died (crash, kill, lease run out) come back as interrupted, holding
    // their targets; runs another live process is working on are left to it.
    engine.recover();
    this.followed = Date.now();
  }

  /** Since when writes of other processes were last looked for. */
  private followed: number;

  /**
   * The owner's periodic duty (FleetCore calls it every second): renew the lease, recover runs
   * of dead processes, honour aborts asked from elsewhere, and push what other processes
   * (another console, `fleetops run`) did to their runs since the last tick.
   */
  tick(): void {
    if (this.closed) return;
    this.engine.tick();
    const since = this.followed;
    this.followed = Date.now();
    // A little overlap: a write in the same millisecond as the last look is not missed (versions dedupe).
    for (const { id, version } of this.engine.changedSince(since - 1000)) {
      if (this.pushedVersions.get(id) === version) continue;
      this.pushedVersions.set(id, version);
      this.deps.core.bus.emit('run.updated', this.engine.get(id));
    }
  }

  /** (Re)reads the built-in and `<inventory dir>/runbooks` files; returns notices for the operator. A bad file makes list/plan/run fail with its error until fixed. */
  async reload(): Promise<string[]> {
    try {
      this.runbookSet = await loadRunbooks(this.requireInventory().path);
      this.loadError = null;
      return this.runbookSet.notices;
    } catch (err) {
      this.loadError = err;
      this.runbookSet = null;
      throw err;
    }
  }

  list(): RunbookSummary[] {
    return [...this.runbooks().runbooks.values()]
      .map(({ runbook, builtin }) => ({
        name: runbook.name,
        description: runbook.description,
        target: runbook.target,
        builtin,
        params: Object.entries(runbook.params ?? {}).map(([name, p]) => ({ name, pattern: p.pattern ?? '.*', default: p.default ?? null, description: p.description ?? null, kind: p.kind === 'replica' || p.kind === 'region' ? p.kind : null })),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** A dry run: the plan against the fleet as it is now; nothing is sent. */
  async plan(input: PlanInput): Promise<RunbookPlan> {
    return this.planAndRecord(input, 'runbook.dry-run');
  }

  /**
   * Plans again and starts the run. Refuses (each refusal audited) failed preconditions
   * (BAD_REQUEST listing them), a missing or wrong typed confirmation (CONFIRMATION_REQUIRED) and
   * a target another run holds (RUNBOOK_LOCKED, from the engine, which checks and takes the locks
   * in one step). `onPlan` sees the plan before any refusal (the CLI prints it).
   */
  async run(input: RunInput, opts: { onPlan?: (plan: RunbookPlan) => void } = {}): Promise<StartedRun> {
    const plan = await this.planAndRecord(input, 'runbook.plan');
    opts.onPlan?.(plan);
    const audit = this.deps.core.store.audit;
    // Locks are left to the engine: its check is atomic with taking them, this plan is not.
    const lockTexts = new Set(lockPreconditions(plan.locks, (s) => this.holderOf(s)).map((p) => p.text));
    const failed = plan.preconditions.filter((p) => !p.ok && !lockTexts.has(p.text));
    if (failed.length > 0) {
      audit.append({ kind: 'runbook.refused', subject: plan.target, detail: { runbook: plan.runbook, failed: failed.map((p) => p.text) } });
      throw new FleetError('BAD_REQUEST', `refused: ${failed.map((p) => p.text).join('; ')}`, { subject: plan.target, detail: { failed } });
    }
    if (plan.confirmation !== null && input.confirm !== plan.confirmation) {
      audit.append({ kind: 'runbook.refused', subject: plan.target, detail: { runbook: plan.runbook, reason: 'confirmation missing or wrong' } });
      throw new FleetError('CONFIRMATION_REQUIRED', `${plan.target} is protected: type its name (${plan.confirmation}) to run ${plan.runbook} on it`, {
        subject: plan.target,
        detail: { expect: plan.confirmation },
      });
    }
    let handle: RunHandle;
    try {
      handle = this.engine.start(plan, { confirm: input.confirm, operator: { user: this.deps.identity.user, host: this.deps.identity.host } });
    } catch (err) {
      audit.append({ kind: 'runbook.refused', subject: plan.target, detail: { runbook: plan.runbook, reason: (err as Error).message } });
      throw err;
    }
    if (plan.confirmation !== null) audit.append({ kind: 'runbook.confirmation', subject: plan.target, detail: { runbook: plan.runbook, typed: input.confirm } });
    audit.append({ kind: 'runbook.run', subject: plan.target, detail: { run: handle.runId, runbook: plan.runbook, params: plan.params } });
    return { view: this.engine.get(handle.runId), done: this.recordEnd(handle) };
  }

  /** Cancels the step in flight and undoes the finished ones, last first. */
  abort(runId: string): RunView {
    const view = this.engine.get(runId);
    this.engine.abort(runId);
    this.deps.core.store.audit.append({ kind: 'runbook.abort', subject: view.target, detail: { run: runId, runbook: view.runbook } });
    return this.engine.get(runId);
  }

  /** Undoes a stopped or interrupted run. */
  rollback(runId: string): StartedRun {
    return this.resume(runId, 'runbook.rollback', (id) => this.engine.rollback(id));
  }

  /** Resumes a stopped or interrupted run at its first step that has not succeeded. */
  continue(runId: string): StartedRun {
    return this.resume(runId, 'runbook.continue', (id) => this.engine.continue(id));
  }

  /** Every run this console knows of: running, waiting for the operator, and ended since it started. */
  runs(): RunView[] {
    return this.engine.list().sort((a, b) => b.startedAt - a.startedAt);
  }

  /** The switch in force (the gate's): the stored one, tightened for this process. */
  get readOnly(): ReadOnlySetting {
    return this.deps.gate.readOnly.value;
  }

  setReadOnly(setting: ReadOnlySetting): ReadOnlySetting {
    return this.deps.gate.readOnly.set(setting);
  }

  /** Read-only for this process only (`fleetops run --read-only`), on top of the stored switch. */
  restrictForThisProcess(setting: ReadOnlySetting): ReadOnlySetting {
    return this.deps.gate.readOnly.restrictForThisProcess(setting);
  }

  /** Stops reporting and closes the journal's connection. Runs still in flight show as interrupted at the next start. */
  close(): void {
    this.closed = true;
    this.closeEngine();
  }

  private resume(runId: string, kind: string, go: (id: string) => RunHandle): StartedRun {
    const before = this.engine.get(runId);
    const handle = go(runId);
    this.deps.core.store.audit.append({ kind, subject: before.target, detail: { run: runId, runbook: before.runbook } });
    return { view: this.engine.get(runId), done: this.recordEnd(handle) };
  }

  private async planAndRecord(input: PlanInput, kind: 'runbook.plan' | 'runbook.dry-run'): Promise<RunbookPlan> {
    const loaded = this.runbooks().runbooks.get(input.runbook);
    if (!loaded) throw new FleetError('NOT_FOUND', `no runbook named "${input.runbook}" (known: ${[...this.runbooks().runbooks.keys()].sort().join(', ')})`, { subject: input.runbook });
    const inventory = this.requireInventory();
    const { core } = this.deps;
    // Plan against the fleet as it is now: the LBs' own view and a fresh probe of every replica.
    await Promise.all([
      ...inventory.loadBalancers.map((l) => core.services.loadBalancers.poll(l.name)),
      ...inventory.replicas.map((r) => core.services.replicas.probeNow(r.name)),
      // Slurm steps are planned against Slurm as it is: its API (REST or scontrol) and the jobs on the node.
      ...(core.slurm && loaded.runbook.steps.some((s) => Object.keys(s).some((k) => k.startsWith('slurm.'))) ? [core.slurm.readNow()] : []),
    ]);
    // Availability figures counting those probes, not the last periodic push's.
    await core.services.availability.publishNow();
    // Read after the polls above: HAProxy's state, weights and rates of a moment ago, each replica measured over 24 h.
    const fleet = capacityInputs({ services: () => core.services.availability.services(), loadBalancers: () => core.services.loadBalancers.statuses() });
    const plan = planRunbook(loaded.runbook, {
      inventory,
      target: input.target,
      params: input.params ?? {},
      readOnly: this.readOnly,
      lockHolder: (s) => this.holderOf(s),
      replicaHealth: (name) => core.services.replicas.status(name)?.health ?? 'unknown',
      ...fleet,
      // Undos that restore a weight restore the one the operator set; unknown (failed poll): planning refuses.
      serverWeight: (lb, backend, server) => fleet.lbServer(lb, backend, server)?.weight ?? null,
      override: input.overrideReason ? { reason: input.overrideReason } : undefined,
      slurm: core.slurm?.route,
    });
    const audit = core.store.audit;
    audit.append({ kind, subject: plan.target, detail: plan });
    if (input.overrideReason) audit.append({ kind: 'runbook.override', subject: plan.target, detail: { runbook: plan.runbook, reason: input.overrideReason } });
    return plan;
  }

  /** Who holds `subject`, whichever process on the data directory it is. */
  private holderOf(subject: string): string | null {
    return this.engine.holderOf(subject);
  }

  private recordEnd(handle: RunHandle): Promise<RunView> {
    const done = handle.done.then((view) => {
      if (!this.closed) this.deps.core.store.audit.append({ kind: 'runbook.end', subject: view.target, detail: { run: view.id, runbook: view.runbook, status: view.status, reason: view.reason } });
      return view;
    });
    // Nobody may be waiting (the console returns at start): a run cut off by close() must not
    // become an unhandled rejection. Callers that await `done` still see the error.
    done.catch(() => undefined);
    return done;
  }

  private onRunUpdated(run: RunView): void {
    if (this.closed) return;
    const audit = this.deps.core.store.audit;
    // Every step transition is on the record: who ran what, where, and what each step did.
    for (const step of run.steps) {
      const key = `${run.id}/${step.index}`;
      if (this.auditedSteps.get(key) === step.status) continue;
      this.auditedSteps.set(key, step.status);
      if (step.status === 'pending') continue;
      audit.append({ kind: 'runbook.step', subject: run.target, detail: { run: run.id, runbook: run.runbook, step: step.index, title: step.title, status: step.status } });
    }
    this.deps.core.bus.emit('run.updated', run);
  }

  private runbooks(): RunbookSet {
    if (this.runbookSet) return this.runbookSet;
    if (this.loadError) throw this.loadError;
    throw new FleetError('INVENTORY_NOT_LOADED', 'runbooks are not loaded yet: they are read from the inventory directory once an inventory loads');
  }

  private requireInventory(): LoadedInventory {
    const inv = this.deps.inventory();
    if (!inv) throw new FleetError('INVENTORY_NOT_LOADED', 'no inventory is loaded: runbooks need one to plan against');
    return inv;
  }
}
