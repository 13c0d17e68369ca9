import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { FleetError } from '../../../shared/errors';
import type { RunbookPlan } from '../../../shared/runbook';
import { isAbortedError } from './abortable';
import { osAuditIdentity } from '../audit/identity';
import { LockTable } from '../locks/lock-table';
import { ProcessOwner } from '../locks/process-owner';
import { createRunJournal, type RunJournal } from './journal';
import { type RunStatus, type RunUpdatedEvent, type RunView, type StepView } from './run-types';
import type { StepActions } from './step-actions';

export interface RunbookEngineDeps {
  /** A database holding the RUNBOOK_JOURNAL_MIGRATION and OWNERSHIP_MIGRATION tables. */
  db: Database.Database;
  actions: StepActions;
  /** Live progress: every change of a run, with all its steps. */
  onEvent?: (e: RunUpdatedEvent) => void;
  now?: () => number;
  newId?: () => string;
  /** Per step output kept (the tail). Default 8192 characters. */
  outputCap?: number;
  /** This process as the owner of the runs it starts; default a new owner row ("fleetops", the OS identity). */
  owner?: ProcessOwner;
  /** The store's subject locks; default over `db` and `owner`. */
  locks?: LockTable;
}

export interface StartOptions {
  /** What the operator typed; must equal plan.confirmation when that is set. */
  confirm?: string;
  operator: { user: string; host: string };
}

export interface RunHandle {
  runId: string;
  /** Settles when the engine stops working on the run (ended, stopped, or waiting after a failure). */
  done: Promise<RunView>;
}

interface LiveRun {
  view: RunView;
  /** Aborts the step in flight. */
  controller: AbortController | null;
  aborted: boolean;
}

export const DEFAULT_OUTPUT_CAP = 8192;
/** Runs listed: every unfinished one, then the newest ended ones up to this many in all. */
export const LISTED_RUNS = 100;
/** Undos are not cancellable: a signal that never fires. */
const NEVER = new AbortController().signal;
const WAITING: readonly RunStatus[] = ['stopped', 'interrupted'];

/**
 * Runs runbook plans step by step, journaling every step before and after it runs, undoing in
 * reverse on failure or abort, and holding a lock on every subject of a run until it ends.
 * Runs, their owners and their locks live in the store, so every process on the data directory
 * sees them: a run is worked on by the process that owns it, recovered (interrupted) only when
 * that process is dead, and rolled back or continued by whichever process the operator uses.
 */
export class RunbookEngine {
  /** The runs this process is working on (or holds waiting): their abort controllers. */
  private readonly runs = new Map<string, LiveRun>();
  private readonly journal: RunJournal;
  private readonly now: () => number;
  private readonly newId: () => string;
  private readonly cap: number;
  readonly owner: ProcessOwner;
  readonly locks: LockTable;

  constructor(private readonly deps: RunbookEngineDeps) {
    this.now = deps.now ?? Date.now;
    this.journal = createRunJournal(deps.db, this.now);
    this.newId = deps.newId ?? randomUUID;
    this.cap = deps.outputCap ?? DEFAULT_OUTPUT_CAP;
    this.owner = deps.owner ?? new ProcessOwner(deps.db, { label: 'fleetops', identity: osAuditIdentity(), now: this.now });
    this.locks = deps.locks ?? new LockTable(deps.db, this.owner, this.now);
  }

  /**
   * Runs the journal shows as running or rolling back whose owner is dead (crashed, killed,
   * lease run out) were cut short: they become `interrupted` at the step that was in flight, and
   * keep their locks (the target's state is not known to be consistent) until rolled back or
   * continued. A run another live process is working on is left alone. Call at startup and
   * now and then (tick). Returns every run waiting for the operator (interrupted or stopped).
   */
  recover(): RunView[] {
    for (const view of this.journal.orphaned((id) => this.owner.isAlive(id))) this.interrupt(view);
    return this.journal.unfinishedRuns().filter((r) => WAITING.includes(r.status));
  }

  /**
   * The periodic duty of an owner: renew the lease, recover what dead owners left, and honour
   * an abort another process asked for on a run this one is working on. Returns the runs it
   * marked interrupted.
   */
  tick(): RunView[] {
    this.owner.heartbeat();
    const interrupted = this.journal.orphaned((id) => this.owner.isAlive(id)).flatMap((v) => this.interrupt(v));
    for (const [id, live] of this.runs) {
      if (live.view.status === 'running' && !live.aborted && this.journal.abortRequested(id)) {
        live.aborted = true;
        live.controller?.abort();
      }
    }
    return interrupted;
  }

  start(plan: RunbookPlan, opts: StartOptions): RunHandle {
    if (plan.confirmation !== null && opts.confirm !== plan.confirmation) {
      throw new FleetError('CONFIRMATION_REQUIRED', `${plan.runbook} on ${plan.target} needs the typed confirmation "${plan.confirmation}"`, {
        subject: plan.target,
        detail: { expect: plan.confirmation },
      });
    }
    plan.steps.forEach((s, i) => {
      if (s.index !== i) throw new FleetError('BAD_REQUEST', `plan step ${i} has index ${s.index}: steps must be numbered 0, 1, 2, …`);
    });
    const id = this.newId();
    const view: RunView = {
      id,
      runbook: plan.runbook,
      target: plan.target,
      operator: { ...opts.operator },
      status: 'running',
      reason: null,
      interruptedStep: null,
      rollbackFailedStep: null,
      startedAt: this.now(),
      endedAt: null,
      steps: plan.steps.map((s) => ({ index: s.index, title: s.title, status: 'pending', output: '', error: null, startedAt: null, durationMs: null })),
      plan,
    };
    // One IMMEDIATE transaction: no other process can take a subject between our check and our row.
    this.deps.db
      .transaction(() => {
        this.journal.createRun(view, this.owner.id);
        this.locks.acquire(plan.locks, { kind: 'run', id });
      })
      .immediate();
    const live: LiveRun = { view, controller: null, aborted: false };
    this.runs.set(id, live);
    this.emit(view);
    return { runId: id, done: this.execute(live, 0) };
  }

  /**
   * Cancels the step in flight (its AbortSignal fires), then undoes what was done, in reverse.
   * A run another process is working on is asked to abort through the store; its owner does it
   * at its next tick.
   */
  abort(runId: string): void {
    const live = this.runs.get(runId);
    const view = live?.view ?? this.stored(runId);
    if (view.status !== 'running') throw new FleetError('BAD_REQUEST', `run ${runId} is ${view.status}, not running: nothing to abort`, { subject: runId });
    if (live && this.journal.ownerOf(runId) === this.owner.id) {
      live.aborted = true;
      live.controller?.abort();
      return;
    }
    this.journal.requestAbort(runId);
  }

  /** Undoes a stopped or interrupted run, the step that was in flight included (its undo is safe either way). */
  rollback(runId: string): RunHandle {
    const live = this.claimWaiting(runId, 'roll back', 'rolling-back');
    return { runId, done: this.undoAll(live, 'operator', live.view.interruptedStep) };
  }

  /**
   * Undoes a run that succeeded, last step first: a drill's response (a drain of the replica the
   * drill stopped) once the drill has restored its fault, so the fleet is back to its baseline.
   */
  revert(runId: string): RunHandle {
    const stored = this.stored(runId);
    if (stored.status !== 'succeeded') throw new FleetError('BAD_REQUEST', `cannot revert run ${runId}: it is ${stored.status} (only a run that succeeded can be reverted)`, { subject: runId });
    // Its subjects again, for the undos (the gate wants the run to hold them): refused if another run took them since.
    const claimed = this.deps.db
      .transaction(() => {
        if (!this.journal.claim(runId, this.owner.id, ['succeeded'], 'rolling-back')) return false;
        this.locks.acquire(stored.plan.locks, { kind: 'run', id: runId });
        return true;
      })
      .immediate();
    if (!claimed) throw new FleetError('BAD_REQUEST', `cannot revert run ${runId}: another process took it first`, { subject: runId });
    const live: LiveRun = { view: { ...stored, status: 'rolling-back', endedAt: null }, controller: null, aborted: false };
    this.runs.set(runId, live);
    return { runId, done: this.undoAll(live, 'operator', null) };
  }

  /** Resumes a stopped or interrupted run at its first step that has not succeeded (re-running the one that failed or was in flight). */
  continue(runId: string): RunHandle {
    const live = this.claimWaiting(runId, 'continue', 'running');
    const from = live.view.steps.findIndex((s) => s.status !== 'succeeded');
    live.view.interruptedStep = null;
    return { runId, done: this.execute(live, from === -1 ? live.view.steps.length : from) };
  }

  /** Every unfinished run in the store (whichever process owns it), then the newest ended ones. */
  list(): RunView[] {
    return this.journal.recent(LISTED_RUNS);
  }

  get(runId: string): RunView {
    return this.stored(runId);
  }

  /** Runs other processes wrote since `sinceMs`, with their write counters (to follow them). */
  changedSince(sinceMs: number): Array<{ id: string; version: number }> {
    return this.journal.versionsSince(sinceMs, this.owner.id);
  }

  /** Who works on `subject`'s holder now, in words; null when nothing holds it. */
  holderOf(subject: string): string | null {
    return this.locks.heldBy(subject)?.text ?? null;
  }

  /** A clean stop: runs still in flight become interrupted for whichever process looks next. */
  close(): void {
    this.owner.end();
  }

  private async execute(live: LiveRun, from: number): Promise<RunView> {
    const { view } = live;
    view.status = 'running';
    this.saveRun(view);
    for (let i = from; i < view.plan.steps.length; i++) {
      if (live.aborted) return this.undoAll(live, 'aborted', null);
      if (!this.stillOwned(live)) return snapshot(view);
      const step = view.steps[i]!;
      step.status = 'running';
      step.error = null;
      step.startedAt = this.now();
      step.durationMs = null;
      this.saveStep(view, step); // before: a crash from here on leaves "step i started"
      live.controller = new AbortController();
      const t0 = performance.now();
      let failed: unknown = null;
      try {
        const { output } = await this.deps.actions.run(view.plan.steps[i]!.action, live.controller.signal, { runId: view.id, stepIndex: i, phase: 'do', mutating: view.plan.steps[i]!.mutating });
        step.output = this.capped(output);
        step.status = 'succeeded';
      } catch (err) {
        failed = err;
        step.status = 'failed';
        step.error = isAbortedError(err) ? 'cancelled: the run was aborted' : (err as Error).message;
        step.output = this.capped(outputOf(err));
      }
      step.durationMs = Math.round(performance.now() - t0);
      live.controller = null;
      this.saveStep(view, step); // after
      if (live.aborted) {
        // The cancelled step may have half happened (an SSH command cut off): undo it too;
        // every undo sets a state back, which is harmless when the step never took effect.
        return this.undoAll(live, 'aborted', failed === null ? null : i);
      }
      if (failed !== null) {
        if (view.plan.onFailure === 'stop') {
          view.status = 'stopped';
          this.saveRun(view);
          return snapshot(view);
        }
        return this.undoAll(live, 'failed', null);
      }
    }
    return this.finish(view, 'succeeded');
  }

  /**
   * Undoes, last first, every step that succeeded (or whose undo was in flight or failed before),
   * plus `alsoStep` (cancelled or in flight at a crash: effect unknown). Undos must be idempotent
   * "set it back" actions so running one for a step that never took effect is harmless. The
   * first undo failure stops the rollback: undoing earlier steps over a half-undone later one
   * could make things worse; the operator looks at it (rollback-failed names the step).
   */
  private async undoAll(live: LiveRun, reason: NonNullable<RunView['reason']>, alsoStep: number | null): Promise<RunView> {
    const { view } = live;
    view.status = 'rolling-back';
    view.reason = reason;
    this.saveRun(view);
    for (let i = view.steps.length - 1; i >= 0; i--) {
      if (!this.stillOwned(live)) return snapshot(view);
      const step = view.steps[i]!;
      const undo = view.plan.steps[i]!.undo;
      const due = step.status === 'succeeded' || step.status === 'undoing' || step.status === 'undo-failed' || i === alsoStep;
      if (!due || undo === null) continue;
      step.status = 'undoing';
      this.saveStep(view, step); // before
      const t0 = performance.now();
      try {
        const { output } = await this.deps.actions.run(undo, NEVER, { runId: view.id, stepIndex: i, phase: 'undo', mutating: true });
        step.status = 'undone';
        step.output = this.capped(`${step.output}\n[undo] ${output}`);
      } catch (err) {
        step.status = 'undo-failed';
        step.error = `undo failed: ${(err as Error).message}`;
        step.output = this.capped(`${step.output}\n[undo] ${outputOf(err)}`);
      }
      step.durationMs = (step.durationMs ?? 0) + Math.round(performance.now() - t0);
      this.saveStep(view, step); // after
      if (step.status === 'undo-failed') {
        view.rollbackFailedStep = i;
        return this.finish(view, 'rollback-failed');
      }
    }
    return this.finish(view, 'rolled-back');
  }

  private finish(view: RunView, status: 'succeeded' | 'rolled-back' | 'rollback-failed'): RunView {
    view.status = status;
    view.endedAt = this.now();
    view.interruptedStep = null;
    // The end and the release of its subjects in one commit: no window where an ended run holds them.
    const mine = this.writeIfOwned(view.id, () => {
      this.journal.saveRun(view);
      this.locks.release({ kind: 'run', id: view.id });
    });
    this.runs.delete(view.id);
    if (mine) this.emit(view);
    return snapshot(view);
  }

  /** Marks a run whose owner died interrupted (compare-and-set: two processes recovering it at once mark it once). */
  private interrupt(view: RunView): RunView[] {
    const ownerId = this.journal.ownerOf(view.id);
    const marked = this.deps.db
      .transaction(() => {
        if (!this.journal.claim(view.id, ownerId ?? '', ['running', 'rolling-back'], 'interrupted')) return false;
        const inFlight = view.steps.findIndex((s) => s.status === 'running' || s.status === 'undoing');
        view.status = 'interrupted';
        view.interruptedStep = inFlight === -1 ? null : inFlight;
        const step = inFlight === -1 ? undefined : view.steps[inFlight];
        // An undo in flight stays 'undoing': rollback runs it again. A step in flight failed as far as we know.
        if (step && step.status === 'running') {
          step.status = 'failed';
          step.error = `interrupted: ${this.owner.describe(ownerId)} stopped while this step ran; whether it took effect is unknown`;
          this.journal.saveStep(view.id, step);
        }
        this.journal.saveRun(view);
        return true;
      })
      .immediate();
    if (!marked) return [];
    this.emit(view);
    return [snapshot(view)];
  }

  /**
   * Takes a waiting run over (compare-and-set on its status, so two consoles clicking
   * "roll back" at once start one rollback): it is this process's from now on, locks included.
   */
  private claimWaiting(runId: string, what: string, to: RunStatus): LiveRun {
    const stored = this.stored(runId);
    const refuse = (now: RunView) =>
      new FleetError('BAD_REQUEST', `cannot ${what} run ${runId}: it is ${now.status} (only stopped or interrupted runs wait for the operator)`, { subject: runId });
    if (!WAITING.includes(stored.status)) throw refuse(stored);
    const claimed = this.deps.db
      .transaction(() => {
        if (!this.journal.claim(runId, this.owner.id, WAITING, to)) return false;
        this.locks.adopt({ kind: 'run', id: runId });
        return true;
      })
      .immediate();
    if (!claimed) throw refuse(this.stored(runId));
    const view = { ...stored, status: to };
    const live: LiveRun = { view, controller: null, aborted: false };
    this.runs.set(runId, live);
    return live;
  }

  /**
   * False when another process took the run over (this one looked dead to it: a lease that ran
   * out during a long pause): this process then stops touching it and forgets it.
   */
  private stillOwned(live: LiveRun): boolean {
    if (this.journal.ownerOf(live.view.id) === this.owner.id) return true;
    this.runs.delete(live.view.id);
    live.controller = null;
    return false;
  }

  private stored(runId: string): RunView {
    const view = this.journal.get(runId);
    if (!view) throw new FleetError('NOT_FOUND', `no run ${runId}`, { subject: runId });
    return view;
  }

  private saveRun(view: RunView): void {
    if (this.writeIfOwned(view.id, () => this.journal.saveRun(view))) this.emit(view);
  }

  private saveStep(view: RunView, step: StepView): void {
    if (this.writeIfOwned(view.id, () => this.journal.saveStep(view.id, step))) this.emit(view);
  }

  /**
   * Writes only while this process still owns the run, checked in the same transaction: a
   * process that paused past its lease and was taken over must not overwrite what the new
   * owner recorded.
   */
  private writeIfOwned(runId: string, write: () => void): boolean {
    return this.deps.db
      .transaction(() => {
        if (this.journal.ownerOf(runId) !== this.owner.id) return false;
        write();
        return true;
      })
      .immediate();
  }

  private emit(view: RunView): void {
    this.deps.onEvent?.({ type: 'run.updated', run: snapshot(view) });
  }

  private capped(text: string): string {
    return text.length <= this.cap ? text : `…${text.slice(text.length - this.cap + 1)}`;
  }
}

function outputOf(err: unknown): string {
  const out = err instanceof FleetError ? (err.detail as { output?: unknown } | undefined)?.output : undefined;
  return typeof out === 'string' ? out : '';
}

/** A copy the caller may keep or send: later changes do not show through it. The plan is shared (never changed). */
function snapshot(view: RunView): RunView {
  return { ...view, operator: { ...view.operator }, steps: view.steps.map((s) => ({ ...s })) };
}

