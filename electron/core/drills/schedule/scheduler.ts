/**
 * Runs drills on their schedules while a console (desktop or `serve`) runs.
 *
 * The rules:
 *  - Each occurrence (a cron match in the schedule's zone; DST as in shared/drill-schedule.ts)
 *    is decided once, by whichever process inserts its (drill, scheduled_at) row first: started
 *    through the `start` callback, skipped with a reason, or missed. Nothing is decided in memory
 *    only; two consoles and `fleetops run` on one data directory fire it exactly once.
 *  - Not started, and recorded as skipped: paused drill, stop-all engaged, inside a blackout (at
 *    its time or at a late start), the drill's last run still running (concurrency: forbid),
 *    another drill running on the same service, the global cap reached, or the runner refused.
 *  - After downtime (no console, a sleeping machine), of the occurrences since the last
 *    evaluation only the latest may start, and only within the starting deadline; the others are
 *    recorded missed (or skipped, if paused or blacked out at their time). Never a burst of runs.
 *  - A started occurrence counts as running until the runner calls runEnded(), whichever process
 *    it was started in (a run a crash interrupted still holds its service until it is recovered:
 *    its fault may still be in place). A claim whose process died before the runner answered
 *    does not.
 *  - History is pruned to the schedule's historyLimit per drill; onPruned names the runs whose
 *    reports go with it.
 */
import type Database from 'better-sqlite3';
import {
  DrillSchedule,
  type DrillOccurrenceReason,
  type DrillOccurrenceRecord,
  type DrillScheduleInput,
  type UpcomingDrillRun,
} from '../../../../shared/drill-schedule';
import { FleetError, toErrorData, type FleetErrorData } from '../../../../shared/errors';
import type { ProcessOwner } from '../../locks/process-owner';
import { realTimers, type Timers } from '../../probe/scheduler';
import { blackoutAt, compileSchedule, dueOccurrences, nextOccurrences, type CompiledSchedule, type PastOccurrence } from './occurrences';
import { ScheduleStore, type ActiveOccurrence, type DrillState, type NewOccurrence, type Settlement, type SettleKey } from './schedule-store';
import { StopAllSwitch } from './stop-all-switch';
import { formatLocal } from './zoned-time';

export interface ScheduledDrill {
  name: string;
  /** The service it injects faults into: one drill at a time per service. */
  service: string;
  schedule: DrillSchedule | DrillScheduleInput;
}

/** What the runner is asked to start. */
export interface DrillOccurrence {
  drill: string;
  service: string;
  scheduledAt: number;
  localTime: string;
  /** How long after its time it is being started (0 on time; up to the starting deadline). */
  lateMs: number;
}

/** The runner's answer: the run it created, or why it would not (a locked subject, read-only…). */
export type DrillStartResult = { runId: string } | { refused: FleetErrorData };

/** Resolves once the run exists (not when it ends: the runner calls runEnded for that). */
export type StartDrill = (drill: ScheduledDrill, occurrence: DrillOccurrence) => DrillStartResult | Promise<DrillStartResult>;

export interface DrillSchedulerOptions {
  /** A connection to the store with migrations 6 (owners) and 8 (schedule) applied. */
  db: Database.Database;
  /** This process, as the store knows it (electron/core/locks/coordination.ts). */
  owner: ProcessOwner;
  start: StartDrill;
  timers?: Timers;
  /** Drills running at once across all services. Default 1: a drill injects a real fault. */
  globalCap?: number;
  /**
   * The longest the scheduler sleeps between evaluations, even with nothing due: it notices a
   * changed wall clock or a resumed machine within this. Default 60 s (well inside any deadline).
   */
  maxWaitMs?: number;
  /** Every occurrence decided or settled by this process, as stored. */
  onRecorded?: (record: DrillOccurrenceRecord) => void;
  /** Runs whose occurrences the history limit pruned: their reports can go. */
  onPruned?: (drill: string, runIds: string[]) => void;
  /**
   * A tick that failed (the store locked past its busy timeout, a disk error): the scheduler
   * goes on and the next tick catches up (within the deadline), but someone must hear of it.
   */
  onError: (err: unknown) => void;
}

export const DEFAULT_GLOBAL_CAP = 1;
export const DEFAULT_MAX_WAIT_MS = 60_000;

interface Entry {
  drill: ScheduledDrill;
  compiled: CompiledSchedule;
  /** The last answer of nextAfter: no occurrence lies in (after, at). */
  memo: { after: number; at: number | null } | null;
}

/** The schedule's next occurrence after `t`, remembered: a minute's wake-up asks again for the same one. */
function nextAfter(entry: Entry, t: number): number | null {
  const m = entry.memo;
  if (m && m.after <= t && (m.at === null || t < m.at)) return m.at;
  const at = entry.compiled.cron.nextRun(new Date(t))?.getTime() ?? null;
  entry.memo = { after: t, at };
  return at;
}

interface Claim {
  entry: Entry;
  occurrence: DrillOccurrence;
}

interface Decision {
  keys: number[];
  claim: Claim | null;
}

export class DrillScheduler {
  readonly stopAll: StopAllSwitch;
  private readonly store: ScheduleStore;
  private readonly timers: Timers;
  private readonly globalCap: number;
  private readonly maxWaitMs: number;
  private entries: Entry[] = [];
  private timer: unknown = null;
  private running = false;
  /** Ticks run one after another: a tick's claims are settled before the next one decides. */
  private chain: Promise<unknown> = Promise.resolve();
  private readonly unsettled: { key: SettleKey; result: Settlement }[] = [];

  constructor(private readonly opts: DrillSchedulerOptions) {
    this.timers = opts.timers ?? realTimers;
    this.globalCap = opts.globalCap ?? DEFAULT_GLOBAL_CAP;
    this.maxWaitMs = opts.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
    if (!(this.globalCap >= 1)) throw new FleetError('BAD_REQUEST', 'the global drill cap must be at least 1');
    this.store = new ScheduleStore(opts.db);
    this.stopAll = new StopAllSwitch(opts.db, () => this.timers.now());
  }

  /** Replaces the scheduled drills (the drill files as loaded). A drill keeps its store state across calls and restarts. */
  setDrills(drills: readonly ScheduledDrill[]): void {
    const seen = new Set<string>();
    this.entries = drills.map((drill) => {
      if (seen.has(drill.name)) throw new FleetError('BAD_REQUEST', `two scheduled drills are named ${drill.name}`, { subject: drill.name });
      seen.add(drill.name);
      const parsed = DrillSchedule.safeParse(drill.schedule);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => `schedule.${i.path.join('.') || '(block)'}: ${i.message}`);
        throw new FleetError('BAD_REQUEST', `drill ${drill.name}: its schedule is invalid: ${issues.join('; ')}`, { subject: drill.name, detail: { issues } });
      }
      return { drill, compiled: compileSchedule(parsed.data), memo: null };
    });
    if (this.running) void this.wake();
  }

  /** Evaluates now (a late start or missed occurrences after downtime) and keeps evaluating as occurrences come due. */
  start(): Promise<DrillOccurrenceRecord[]> {
    this.running = true;
    return this.tick();
  }

  /** Stops the timer and waits for a tick in progress (a start being asked for) to finish. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    await this.chain;
  }

  /** Resolves when no tick is in progress. */
  async whenIdle(): Promise<void> {
    await this.chain;
  }

  /** Decides every occurrence due by now, asks the runner to start the ones this process claimed, and re-arms. */
  tick(): Promise<DrillOccurrenceRecord[]> {
    const run = this.chain.then(() => this.evaluate());
    this.chain = run.catch((err: unknown) => this.opts.onError(err));
    return run;
  }

  /** A tick nobody awaits (the timer's, a new drill list's): its failure goes to onError only. */
  private wake(): Promise<unknown> {
    return this.tick().catch(() => undefined);
  }

  /** The next `n` occurrences, each with the blackout that will keep it from starting; and whether the drill is paused. */
  upcoming(name: string, n = 5): { paused: boolean; runs: UpcomingDrillRun[] } {
    const entry = this.entry(name);
    const state = this.store.state(name);
    return { paused: state ? state.paused : entry.compiled.schedule.paused, runs: nextOccurrences(entry.compiled, this.timers.now(), n) };
  }

  /** Newest first, as stored (at most the schedule's historyLimit, plus runs still going). */
  history(name: string, limit = 1000): DrillOccurrenceRecord[] {
    return this.store.history(name, limit);
  }

  /** Pauses the drill in every process; false when it already was. */
  pause(name: string, by: string): boolean {
    return this.withState(name, () => this.store.pause(name, by, this.timers.now()));
  }

  resume(name: string, by: string): boolean {
    return this.withState(name, () => this.store.resume(name, by, this.timers.now()));
  }

  /** The runner says a run ended: its drill and service are free again. False for a run this scheduler did not start. */
  runEnded(runId: string, status: string): boolean {
    return this.store.runEnded(runId, status, this.timers.now());
  }

  private entry(name: string): Entry {
    const entry = this.entries.find((e) => e.drill.name === name);
    if (!entry) throw new FleetError('NOT_FOUND', `no scheduled drill named ${name}`, { subject: name });
    return entry;
  }

  private withState(name: string, change: () => boolean): boolean {
    const entry = this.entry(name);
    return this.opts.db
      .transaction(() => {
        this.store.createState(name, this.timers.now(), entry.compiled.schedule.paused);
        return change();
      })
      .immediate();
  }

  private async evaluate(): Promise<DrillOccurrenceRecord[]> {
    const failures: unknown[] = [];
    const records: DrillOccurrenceRecord[] = [];
    try {
      records.push(...this.retryUnsettled(failures));
      const now = this.timers.now();
      const decided: { entry: Entry; keys: number[] }[] = [];
      const claims: Claim[] = [];
      // One transaction per drill: IMMEDIATE takes the write lock before reading, so another
      // process deciding the same drill waits for this one and then sees what it decided. A
      // drill that fails does not keep the others (or claims already made) from going on.
      for (const entry of this.entries) {
        try {
          if (!this.mayHaveWork(entry, now)) continue;
          const d = this.opts.db.transaction(() => this.decide(entry, now)).immediate();
          decided.push({ entry, keys: d.keys });
          if (d.claim) claims.push(d.claim);
        } catch (err) {
          failures.push(err);
        }
      }
      for (const { entry, keys } of decided) {
        for (const at of keys) {
          const record = this.store.get(entry.drill.name, at);
          // A claim is reported once settled (below); a pruned row is not reported at all.
          if (record && record.outcome !== 'starting') records.push(record);
        }
      }
      for (const claim of claims) {
        const record = await this.fire(claim, failures);
        if (record) records.push(record);
      }
    } finally {
      this.arm();
    }
    for (const r of records) this.opts.onRecorded?.(r);
    if (failures.length > 0) throw failures[0];
    return records;
  }

  /** Runner answers that could not be written (the store was locked): written now, or kept for the next tick. */
  private retryUnsettled(failures: unknown[]): DrillOccurrenceRecord[] {
    const settled: DrillOccurrenceRecord[] = [];
    for (const pending of this.unsettled.splice(0)) {
      try {
        this.store.settle(pending.key, pending.result);
        const record = this.store.get(pending.key.drill, pending.key.scheduledAt);
        if (record) settled.push(record);
      } catch (err) {
        this.unsettled.push(pending);
        failures.push(err);
      }
    }
    return settled;
  }

  /**
   * A plain read first: most ticks (the minute wake-ups) find nothing due, and then take no
   * write lock, which every other process on the data directory would wait for.
   */
  private mayHaveWork(entry: Entry, now: number): boolean {
    const state = this.store.state(entry.drill.name);
    if (!state || state.filePaused !== entry.compiled.schedule.paused) return true;
    const next = nextAfter(entry, state.evaluatedUntil);
    return next !== null && next <= now;
  }

  private decide(entry: Entry, now: number): Decision {
    const { drill, compiled } = entry;
    const name = drill.name;
    let state = this.store.state(name);
    if (!state) {
      // First sight: nothing before now is owed to a drill that was not scheduled then.
      this.store.createState(name, now, compiled.schedule.paused);
      return { keys: [], claim: null };
    }
    if (state.filePaused !== compiled.schedule.paused) {
      // The file's `paused` changed since it was last read: editing it is as deliberate as the
      // pause button, and newer than any earlier pause or resume.
      if (compiled.schedule.paused) this.store.pause(name, 'drill file', now);
      else this.store.resume(name, 'drill file', now);
      this.store.setFilePaused(name, compiled.schedule.paused);
      state = this.store.state(name) as DrillState;
    }
    const due = dueOccurrences(compiled, state.evaluatedUntil, now, compiled.schedule.historyLimit);
    if (due.occurrences.length === 0) return { keys: [], claim: null };
    this.store.advance(name, now, now);

    const keys: number[] = [];
    let claim: Claim | null = null;
    due.occurrences.forEach((occ, i) => {
      const verdict = occ.verdict === 'start' ? this.whyNotStart(entry, state, occ, now) : pastVerdict(state, occ);
      const detail: Record<string, unknown> = { ...verdict.detail };
      if (i === 0 && due.truncated) Object.assign(detail, { earlierNotListed: true, evaluatedUntil: state.evaluatedUntil });
      const row: NewOccurrence = {
        drill: name,
        service: drill.service,
        scheduledAt: occ.at,
        localTime: formatLocal(occ.at, compiled.timeZone),
        outcome: verdict.reason === null ? 'starting' : verdict.outcome,
        reason: verdict.reason,
        decidedAt: now,
        lateMs: occ.lateMs,
        ownerId: this.opts.owner.id,
        detail: Object.keys(detail).length > 0 ? detail : null,
      };
      // Losing the insert means another process decided it: it is theirs, started or not.
      if (!this.store.insert(row)) return;
      keys.push(occ.at);
      if (row.outcome === 'starting') {
        claim = { entry, occurrence: { drill: name, service: drill.service, scheduledAt: occ.at, localTime: row.localTime, lateMs: occ.lateMs } };
      }
    });
    const pruned = this.store.prune(name, compiled.schedule.historyLimit);
    if (pruned.length > 0) this.opts.onPruned?.(name, pruned);
    return { keys, claim };
  }

  /** Why the occurrence due now must not start, or reason null when it may. */
  private whyNotStart(entry: Entry, state: DrillState, occ: PastOccurrence, now: number): Verdict {
    const { drill, compiled } = entry;
    if (state.paused) return skipped('paused', { pausedBy: state.changedBy, pausedFrom: state.pausedFrom });
    const stop = this.stopAll.state();
    if (stop.engaged) return skipped('stop-all', { engagedBy: stop.changedBy, engagedAt: stop.changedAt, because: stop.reason });
    const blackout = occ.blackout ?? blackoutAt(compiled, now);
    if (blackout) return skipped('blackout', { blackout });
    const active = this.liveActive();
    const own = active.find((a) => a.drill === drill.name);
    if (own) return skipped('still-running', { runId: own.runId, scheduledAt: own.scheduledAt });
    const sameService = active.find((a) => a.service === drill.service);
    if (sameService) return skipped('service-busy', { drill: sameService.drill, runId: sameService.runId });
    if (active.length >= this.globalCap) return skipped('global-cap', { cap: this.globalCap, running: active.map((a) => a.drill) });
    return { outcome: 'starting', reason: null, detail: {} };
  }

  /** Started occurrences still running; a claim whose process died before the runner answered is dropped on the way. */
  private liveActive(): ActiveOccurrence[] {
    return this.store.active().filter((a) => {
      if (a.outcome === 'started' || this.opts.owner.isAlive(a.ownerId)) return true;
      this.store.abandon(a);
      return false;
    });
  }

  /** Asks the runner to start a claimed occurrence and records its answer; null when the answer could not be written yet. */
  private async fire(claim: Claim, failures: unknown[]): Promise<DrillOccurrenceRecord | null> {
    const { drill } = claim.entry;
    const key = { drill: drill.name, scheduledAt: claim.occurrence.scheduledAt, ownerId: this.opts.owner.id };
    let result: Settlement;
    try {
      const answer = await this.opts.start(drill, claim.occurrence);
      result = 'runId' in answer ? { outcome: 'started', runId: answer.runId } : { outcome: 'skipped', reason: 'refused', error: answer.refused };
    } catch (err) {
      result = { outcome: 'skipped', reason: 'start-failed', error: toErrorData(err) };
    }
    try {
      this.store.settle(key, result);
    } catch (err) {
      // The run may exist: its id must not be lost. The claim stays ours (and held) until written.
      this.unsettled.push({ key, result });
      failures.push(err);
      return null;
    }
    return this.store.get(drill.name, claim.occurrence.scheduledAt);
  }

  /** Sleeps until the next occurrence of any drill, or maxWaitMs, whichever is sooner. */
  private arm(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    if (!this.running) return;
    const now = this.timers.now();
    let next = now + this.maxWaitMs;
    for (const entry of this.entries) {
      const at = nextAfter(entry, now);
      if (at !== null && at < next) next = at;
    }
    this.timer = this.timers.setTimeout(() => this.wake(), Math.max(0, next - now));
  }
}

interface Verdict {
  outcome: 'starting' | 'skipped' | 'missed';
  reason: DrillOccurrenceReason | null;
  detail: Record<string, unknown>;
}

function skipped(reason: DrillOccurrenceReason, detail: Record<string, unknown>): Verdict {
  return { outcome: 'skipped', reason, detail };
}

/** An occurrence whose time passed without a start: paused or blacked out then (it would not have run), else missed. */
function pastVerdict(state: DrillState, occ: PastOccurrence): Verdict {
  const pausedThen = state.pausedFrom !== null && state.pausedFrom <= occ.at && (state.pausedUntil === null || occ.at < state.pausedUntil);
  if (pausedThen) return skipped('paused', { pausedBy: state.changedBy });
  if (occ.blackout) return skipped('blackout', { blackout: occ.blackout });
  return { outcome: 'missed', reason: 'deadline', detail: { lateMs: occ.lateMs } };
}
