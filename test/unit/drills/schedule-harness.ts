/**
 * What the drill scheduler's tests share: an injected clock whose timers fire as the test moves
 * time (and wait for the tick they start), a store file with the real migrations up to the
 * scheduler's, process owners, and a runner that records what it was asked to start, runs each
 * drill for a set time on the same clock, and checks that no two ever overlap on a service or
 * beyond the cap.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FleetErrorData } from '../../../shared/errors';
import { DRILL_SCHEDULE_MIGRATION } from '../../../electron/core/drills/schedule/schedule-migration';
import { DrillScheduler, type DrillOccurrence, type DrillSchedulerOptions, type DrillStartResult, type ScheduledDrill } from '../../../electron/core/drills/schedule/scheduler';
import { HISTORY_MIGRATION } from '../../../electron/core/history/history-migration';
import { OWNERSHIP_MIGRATION } from '../../../electron/core/locks/ownership-migration';
import { ProcessOwner } from '../../../electron/core/locks/process-owner';
import type { Timers } from '../../../electron/core/probe/scheduler';
import { RUNBOOK_JOURNAL_MIGRATION } from '../../../electron/core/runbook-exec/journal-migration';
import { composeMigrations, migrate } from '../../../electron/core/store/migrate';
import { STORE_MIGRATIONS } from '../../../electron/core/store/migrations';

/** Timers on a clock that moves only when the test says. */
export class FakeClock implements Timers {
  private t: number;
  private seq = 0;
  private readonly pending = new Map<number, { at: number; fn: () => unknown }>();

  constructor(start: number) {
    this.t = start;
  }

  now = (): number => this.t;

  setTimeout(fn: () => unknown, ms: number): unknown {
    const id = ++this.seq;
    this.pending.set(id, { at: this.t + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** Moves to `until`, firing every timer due by then at its own time, earliest first, and waiting for what each one started. */
  async advanceTo(until: number): Promise<void> {
    for (let fired = 0; ; fired++) {
      if (fired > 1_000_000) throw new Error('timers keep re-arming without time passing');
      let next: [number, { at: number; fn: () => unknown }] | null = null;
      for (const entry of this.pending) if (entry[1].at <= until && (next === null || entry[1].at < next[1].at)) next = entry;
      if (next === null) break;
      this.pending.delete(next[0]);
      this.t = Math.max(this.t, next[1].at);
      await next[1].fn();
    }
    this.t = Math.max(this.t, until);
  }

  /** Moves the clock without firing anything: the time the console was not running. */
  jumpTo(at: number): void {
    this.t = at;
  }
}

export interface TestStore {
  dir: string;
  file: string;
  /** A new connection to the same file (another process's view), closed by cleanup. */
  connect(): Database.Database;
  cleanup(): void;
}

/** The real migrations the scheduler's rows sit beside: the store's, the runbook journal, ownership, history, then its own. */
export const TEST_MIGRATIONS = composeMigrations([
  { name: 'store', migrations: STORE_MIGRATIONS },
  { name: 'runbooks', migrations: [RUNBOOK_JOURNAL_MIGRATION] },
  { name: 'ownership', migrations: [OWNERSHIP_MIGRATION] },
  { name: 'history', migrations: [HISTORY_MIGRATION] },
  { name: 'drill-schedule', migrations: [DRILL_SCHEDULE_MIGRATION] },
]);

export function openTestStore(): TestStore {
  const dir = mkdtempSync(join(tmpdir(), 'fleetops-drill-schedule-'));
  const file = join(dir, 'fleetops.db');
  const dbs: Database.Database[] = [];
  const connect = () => {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    // As electron/core/locks/coordination.ts opens it.
    db.pragma('synchronous = NORMAL');
    dbs.push(db);
    return db;
  };
  migrate(connect(), TEST_MIGRATIONS, file, () => 0);
  return {
    dir,
    file,
    connect,
    cleanup() {
      for (const db of dbs) if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Pids "alive" on the test host: remove one and its owner is dead at once. */
export const alivePids = new Set<number>();

export function ownerFor(db: Database.Database, clock: FakeClock, pid: number): ProcessOwner {
  alivePids.add(pid);
  return new ProcessOwner(db, { label: 'fleetops serve', identity: { user: 'alice', host: 'ops-1' }, host: 'ops-1', pid, now: clock.now, pidAlive: (p) => alivePids.has(p) });
}

export interface StartCall {
  drill: string;
  occurrence: DrillOccurrence;
  runId: string;
  /** Which scheduler (process) asked. */
  by: string;
}

/**
 * Stands where the drill runner will: hands out run ids, ends each run `runMs` later on the
 * clock (through the scheduler that started it, as the runner will), and fails the test on any
 * overlap the scheduler promised to prevent.
 */
export class TestRunner {
  readonly calls: StartCall[] = [];
  readonly overlaps: string[] = [];
  private readonly running = new Map<string, { drill: string; service: string }>();
  /** Set to refuse (or throw) instead of starting. */
  refuse: FleetErrorData | null = null;
  fail: Error | null = null;
  maxConcurrent = 0;

  constructor(
    private readonly clock: FakeClock,
    private readonly runMs: number,
    private readonly globalCap = 1,
  ) {}

  starter(by: string, scheduler: () => DrillScheduler): DrillSchedulerOptions['start'] {
    return (drill: ScheduledDrill, occurrence: DrillOccurrence): DrillStartResult => {
      if (this.fail) throw this.fail;
      if (this.refuse) return { refused: this.refuse };
      const runs = [...this.running.values()];
      if (runs.some((r) => r.drill === drill.name)) this.overlaps.push(`${drill.name} started while its last run was running`);
      if (runs.some((r) => r.service === drill.service)) this.overlaps.push(`${drill.name} started while ${drill.service} had a drill`);
      if (runs.length >= this.globalCap) this.overlaps.push(`${drill.name} started past the global cap`);
      const runId = `run-${this.calls.length + 1}`;
      this.calls.push({ drill: drill.name, occurrence, runId, by });
      this.running.set(runId, { drill: drill.name, service: drill.service });
      this.maxConcurrent = Math.max(this.maxConcurrent, this.running.size);
      this.clock.setTimeout(() => {
        this.running.delete(runId);
        scheduler().runEnded(runId, 'succeeded');
      }, this.runMs);
      return { runId };
    };
  }
}

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

export function drill(name: string, service: string, schedule: ScheduledDrill['schedule']): ScheduledDrill {
  return { name, service, schedule };
}

export interface SchedulerRig {
  scheduler: DrillScheduler;
  owner: ProcessOwner;
  db: Database.Database;
  /** What the scheduler reported through onError. */
  errors: unknown[];
}

/** A scheduler in its own "process": its own connection and owner row. */
export function schedulerFor(
  store: TestStore,
  clock: FakeClock,
  runner: TestRunner,
  opts: { pid?: number; name?: string } & Partial<Omit<DrillSchedulerOptions, 'db' | 'owner' | 'start' | 'timers' | 'onError'>> = {},
): SchedulerRig {
  const db = store.connect();
  const owner = ownerFor(db, clock, opts.pid ?? 4242);
  const { pid: _pid, name, ...rest } = opts;
  const errors: unknown[] = [];
  const scheduler: DrillScheduler = new DrillScheduler({
    db,
    owner,
    timers: clock,
    start: runner.starter(name ?? 'a', () => scheduler),
    onError: (err) => errors.push(err),
    ...rest,
  });
  rigs.push({ scheduler, owner, db, errors });
  return rigs[rigs.length - 1];
}

/** Every rig made, so a test file can check that none reported an error it did not expect. */
export const rigs: SchedulerRig[] = [];

/** The errors every rig reported since the last call (and forgets them). */
export function takeErrors(): unknown[] {
  return rigs.splice(0).flatMap((r) => r.errors);
}
