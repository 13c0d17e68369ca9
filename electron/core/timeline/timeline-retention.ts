/**
 * The timeline's retention: events older than `maxAgeMs` (default 90 days) are deleted, in
 * bounded batches — each a short transaction, so the console and a CLI on the same data directory
 * never wait long for the write lock — except what must stay as evidence:
 *
 * - events an incident holds (incident-window.ts): inside its window, on its affected subjects,
 *   its own, or fleet-wide;
 * - every event imported from a bundle (origin set): another console's record, kept whole.
 *
 * The audit table is never pruned (its triggers refuse it); its mirrors in events age like any
 * event. The FTS index follows every delete through its trigger (timeline-migration.ts).
 *
 * Like the history's pruning (history-store.ts) it is a background duty with a setting in
 * CoreDeps, not an operator setting. A pass walks the old events in (ts, id) order from where the
 * previous batch stopped, so events it keeps are read once per pass, not once per batch.
 */
import type Database from 'better-sqlite3';
import { FleetError } from '../../../shared/errors';
import type { BackgroundService } from '../feature';
import type { Timers } from '../probe/scheduler';
import type { AppendEventInput } from '../store/event-log';
import { allIncidentWindows, heldByIncident } from './incident-window';

export const DEFAULT_TIMELINE_MAX_AGE_MS = 90 * 86_400_000;

export interface TimelineRetentionOptions {
  /** Events older than this are pruned: a number, or read at each pass (the data directory's setting). Default 90 days. */
  maxAgeMs?: number | (() => number);
  /** Events read (and deleted, less those kept) per batch, one transaction each. Default 5,000. */
  batch?: number;
  /** Batches per run of the service, before it yields the event loop. Default 20. */
  batchesPerRun?: number;
  /** How often the service runs once it has caught up. Default 10 min; while it has not, every second. */
  everyMs?: number;
  /** The first run, after start. Default 1 min: a starting console has other work. */
  firstAfterMs?: number;
}

export interface PruneResult {
  deleted: number;
  /** Old events read and kept (held by an incident or imported). */
  kept: number;
  /** The pass reached the newest old event (the next pass starts from the oldest again). */
  done: boolean;
}

interface OldEvent {
  id: number;
  ts: number;
  subject: string | null;
  origin: string | null;
}

export class TimelineRetention {
  private readonly maxAge: number | (() => number);
  private readonly batch: number;
  private readonly readOld: Database.Statement;
  private readonly deleteIds: Database.Statement;
  /** Where the pass in progress stopped: the last old event it read. */
  private cursor: { ts: number; id: number } | null = null;

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number,
    opts: Pick<TimelineRetentionOptions, 'maxAgeMs' | 'batch'> = {},
  ) {
    this.maxAge = opts.maxAgeMs ?? DEFAULT_TIMELINE_MAX_AGE_MS;
    this.batch = opts.batch ?? 5000;
    if (!(this.maxAgeMs > 0) || !Number.isSafeInteger(this.batch) || this.batch < 1) throw new FleetError('INTERNAL', `timeline retention needs a positive age and batch, got ${this.maxAgeMs} ms and ${this.batch}`);
    this.readOld = db.prepare('SELECT id, ts, subject, origin FROM events WHERE ts < ? AND (ts, id) > (?, ?) ORDER BY ts, id LIMIT ?');
    this.deleteIds = db.prepare('DELETE FROM events WHERE id IN (SELECT value FROM json_each(?))');
  }

  /** The age past which events go, as it is now (a setting may have changed it since the last pass). */
  get maxAgeMs(): number {
    return typeof this.maxAge === 'function' ? this.maxAge() : this.maxAge;
  }

  /** Up to `batches` batches of the current pass. */
  prune(batches = 1): PruneResult {
    const result: PruneResult = { deleted: 0, kept: 0, done: false };
    const now = this.now();
    const cutoff = now - this.maxAgeMs;
    // Read once per call: incidents change rarely, and a batch must not see half of a change.
    const windows = allIncidentWindows(this.db, now);
    for (let i = 0; i < batches; i++) {
      const from = this.cursor ?? { ts: Number.MIN_SAFE_INTEGER, id: Number.MIN_SAFE_INTEGER };
      const old = this.readOld.all(cutoff, from.ts, from.id, this.batch) as OldEvent[];
      if (old.length === 0) {
        this.cursor = null;
        result.done = true;
        break;
      }
      const doomed = old.filter((e) => e.origin === null && !heldByIncident(e, windows)).map((e) => e.id);
      if (doomed.length > 0) result.deleted += this.deleteIds.run(JSON.stringify(doomed)).changes;
      result.kept += old.length - doomed.length;
      const last = old[old.length - 1];
      this.cursor = { ts: last.ts, id: last.id };
      if (old.length < this.batch) {
        this.cursor = null;
        result.done = true;
        break;
      }
    }
    return result;
  }
}

/**
 * The background duty: a run every `everyMs` (every second while a pass has more to do), each
 * at most `batchesPerRun` batches. A failure (the lock held past the busy timeout, a full disk)
 * is recorded once per kind of failure and retried at the next run.
 */
export function timelineRetentionService(retention: TimelineRetention, deps: { timers: Timers; record?: (e: AppendEventInput) => void; onStop?: () => void } & TimelineRetentionOptions): BackgroundService {
  const everyMs = deps.everyMs ?? 10 * 60_000;
  const batches = deps.batchesPerRun ?? 20;
  let timer: unknown = null;
  let stopped = false;
  let lastFailure: string | null = null;
  const schedule = (ms: number) => {
    if (!stopped) timer = deps.timers.setTimeout(run, ms);
  };
  const run = () => {
    timer = null;
    let again = everyMs;
    try {
      const r = retention.prune(batches);
      lastFailure = null;
      if (!r.done) again = 1000;
    } catch (err) {
      const message = (err as Error).message;
      if (message !== lastFailure) {
        lastFailure = message;
        deps.record?.({ ts: deps.timers.now(), kind: 'timeline.prune.failed', subject: null, severity: 'warning', message: `pruning events older than ${Math.round(retention.maxAgeMs / 86_400_000)} days failed (retrying): ${message}` });
      }
    }
    schedule(again);
  };
  return {
    name: 'timeline retention',
    start() {
      stopped = false;
      schedule(deps.firstAfterMs ?? 60_000);
    },
    stop() {
      stopped = true;
      if (timer !== null) deps.timers.clearTimeout(timer);
      timer = null;
      deps.onStop?.();
    },
  };
}
