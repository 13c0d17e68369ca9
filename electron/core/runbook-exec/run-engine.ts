import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { FleetError } from '../../../shared/errors';
import type { RunbookPlan } from '../../../shared/runbook';
import { isAbortedError } from './abortable';
import { createRunJournal, type RunJournal } from './journal';
import { type RunUpdatedEvent, type RunView, type StepView } from './run-types';
import type { StepActions } from './step-actions';

export interface RunbookEngineDeps {
  /** A database holding the RUNBOOK_JOURNAL_MIGRATION tables. */
  db: Database.Database;
  actions: StepActions;
  /** Live progress: every change of a run, with all its steps. */
  onEvent?: (e: RunUpdatedEvent) => void;
  now?: () => number;
  newId?: () => string;
  /** Per step output kept (the tail). Default 8192 characters. */
  outputCap?: number;
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
/** Undos are not cancellable: a signal that never fires. */
const NEVER = new AbortController().signal;

/**
 * Runs runbook plans step by step, journaling every step before and after it runs, undoing in
 * reverse on failure or abort, and holding a lock on every subject of a run until it ends.
 */
export class RunbookEngine {
  private readonly runs = new Map<string, LiveRun>();
  /** subject → run id holding it. */
  private readonly locks = new Map<string, string>();
  private readonly journal: RunJournal;
  private readonly now: () => number;
  private readonly newId: () => string;
  private readonly cap: number;

  constructor(private readonly deps: RunbookEngineDeps) {
    this.journal = createRunJournal(deps.db);
    this.now = deps.now ?? Date.now;
    this.newId = deps.newId ?? randomUUID;
    this.cap = deps.outputCap ?? DEFAULT_OUTPUT_CAP;
  }

  /**
   * Call once at startup: runs the journal shows as running or rolling back were cut short by a
   * crash or quit; they become `interrupted` at the step that was in flight, and keep their
   * locks (the target's state is not known to be consistent) until rolled back or continued.
   * Returns the interrupted and stopped runs.
   */
  recover(): RunView[] {
    const waiting: RunView[] = [];
    for (const view of this.journal.unfinishedRuns()) {
      if (this.runs.has(view.id)) continue;
      if (view.status === 'running' || view.status === 'rolling-back') {
        const inFlight = view.steps.findIndex((s) => s.status === 'running' || s.status === 'undoing');
        view.status = 'interrupted';
        view.interruptedStep = inFlight === -1 ? null : inFlight;
        const step = inFlight === -1 ? undefined : view.steps[inFlight];
        // An undo in flight stays 'undoing': rollback runs it again. A step in flight failed as far as we know.
        if (step && step.status === 'running') {
          step.status = 'failed';
          step.error = 'interrupted: fleetops stopped while this step ran; whether it took effect is unknown';
          this.journal.saveStep(view.id, step);
        }
        this.journal.saveRun(view);
      }
      for (const subject of view.plan.locks) this.locks.set(subject, view.id);
      this.runs.set(view.id, { view, controller: null, aborted: false });
      waiting.push(snapshot(view));
    }
    return waiting;
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
    this.assertUnlocked(plan);
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
    this.journal.createRun(view);
    for (const subject of plan.locks) this.locks.set(subject, id);
    const live: LiveRun = { view, controller: null, aborted: false };
    this.runs.set(id, live);
    return { runId: id, done: this.execute(live, 0) };
  }

  /** Cancels the step in flight (its AbortSignal fires), then undoes what was done, in reverse. */
  abort(runId: string): void {
    const live = this.live(runId);
    if (live.view.status !== 'running') throw new FleetError('BAD_REQUEST', `run ${runId} is ${live.view.status}, not running: nothing to abort`, { subject: runId });
    live.aborted = true;
    live.controller?.abort();
  }

  /** Undoes a stopped or interrupted run, the step that was in flight included (its undo is safe either way). */
  rollback(runId: string): RunHandle {
    const live = this.waitingRun(runId, 'roll back');
    return { runId, done: this.undoAll(live, 'operator', live.view.interruptedStep) };
  }

  /** Resumes a stopped or interrupted run at its first step that has not succeeded (re-running the one that failed or was in flight). */
  continue(runId: string): RunHandle {
    const live = this.waitingRun(runId, 'continue');
    const from = live.view.steps.findIndex((s) => s.status !== 'succeeded');
    live.view.interruptedStep = null;
    return { runId, done: this.execute(live, from === -1 ? live.view.steps.length : from) };
  }

  list(): RunView[] {
    return [...this.runs.values()].map((r) => snapshot(r.view));
  }

  get(runId: string): RunView {
    return snapshot(this.live(runId).view);
  }

  private async execute(live: LiveRun, from: number): Promise<RunView> {
    const { view } = live;
    view.status = 'running';
    this.saveRun(view);
    for (let i = from; i < view.plan.steps.length; i++) {
      if (live.aborted) return this.undoAll(live, 'aborted', null);
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
        const { output } = await this.deps.actions.run(view.plan.steps[i]!.action, live.controller.signal);
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
      const step = view.steps[i]!;
      const undo = view.plan.steps[i]!.undo;
      const due = step.status === 'succeeded' || step.status === 'undoing' || step.status === 'undo-failed' || i === alsoStep;
      if (!due || undo === null) continue;
      step.status = 'undoing';
      this.saveStep(view, step); // before
      const t0 = performance.now();
      try {
        const { output } = await this.deps.actions.run(undo, NEVER);
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
    for (const subject of view.plan.locks) if (this.locks.get(subject) === view.id) this.locks.delete(subject);
    this.saveRun(view);
    return snapshot(view);
  }

  private assertUnlocked(plan: RunbookPlan): void {
    for (const subject of plan.locks) {
      const holder = this.locks.get(subject);
      if (holder === undefined) continue;
      const h = this.runs.get(holder)!.view;
      throw new FleetError('RUNBOOK_LOCKED', `${subject} is locked by run ${holder} (${h.runbook} on ${h.target}, ${h.status}, started by ${h.operator.user}@${h.operator.host})`, {
        subject,
        detail: { runId: holder, runbook: h.runbook, target: h.target, status: h.status },
      });
    }
  }

  private live(runId: string): LiveRun {
    const live = this.runs.get(runId);
    if (!live) throw new FleetError('NOT_FOUND', `no run ${runId}`, { subject: runId });
    return live;
  }

  private waitingRun(runId: string, what: string): LiveRun {
    const live = this.live(runId);
    if (live.view.status !== 'stopped' && live.view.status !== 'interrupted') {
      throw new FleetError('BAD_REQUEST', `cannot ${what} run ${runId}: it is ${live.view.status} (only stopped or interrupted runs wait for the operator)`, { subject: runId });
    }
    return live;
  }

  private saveRun(view: RunView): void {
    this.journal.saveRun(view);
    this.deps.onEvent?.({ type: 'run.updated', run: snapshot(view) });
  }

  private saveStep(view: RunView, step: StepView): void {
    this.journal.saveStep(view.id, step);
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

