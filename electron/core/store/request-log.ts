import type Database from 'better-sqlite3';
import { FleetError } from '../../../shared/errors';
import { DAY_MS, minuteOf, type RequestBucket } from '../availability/request-bucket';

export type { RequestBucket } from '../availability/request-bucket';

/** One request through a service's frontend and how it ended. */
export interface RequestOutcome {
  service: string;
  /** When the request was sent, milliseconds since the epoch: it is counted in that minute. */
  at: number;
  ok: boolean;
  /** Time to the answer (or to the failure); only successful requests' latency is kept. */
  latencyMs: number;
}

export interface RequestLogOptions {
  /** Outcomes are held in memory and written at most this often. Default 1000 ms. */
  flushIntervalMs?: number;
  /** Buckets older than this are deleted. Default 31 days: a 30-day window plus a day of slack. */
  retentionMs?: number;
  /** How often a flush also prunes. Default 1 h. */
  pruneEveryMs?: number;
  /** Wall clock for pruning. */
  now?: () => number;
  /**
   * A background flush that failed (the data stays pending and is retried at the next flush).
   * Default: a process warning, so the failure is seen rather than swallowed.
   */
  onError?: (err: FleetError) => void;
}

export interface RequestLog {
  /** Counts the outcome in memory; no database write happens here. */
  recordOutcome(o: RequestOutcome): void;
  /** Writes what is pending in one transaction (and prunes when due). */
  flush(): void;
  /** The service's buckets from the minute containing `sinceMs` on, oldest first; pending outcomes included. */
  bucketsSince(service: string, sinceMs: number): RequestBucket[];
  /** Deletes buckets older than the retention; returns how many. */
  prune(): number;
  /** Flushes and stops the timer; recording afterwards is an error. */
  close(): void;
}

export const DEFAULT_FLUSH_INTERVAL_MS = 1000;
export const DEFAULT_RETENTION_MS = 31 * DAY_MS;
export const DEFAULT_PRUNE_EVERY_MS = 60 * 60 * 1000;

interface PendingBucket extends RequestBucket {
  service: string;
}

const UPSERT_SQL = `
  INSERT INTO request_buckets (service, minute, ok, failed, latency_sum_ms, latency_max_ms) VALUES (?, ?, ?, ?, ?, ?)
  ON CONFLICT (service, minute) DO UPDATE SET
    ok = ok + excluded.ok,
    failed = failed + excluded.failed,
    latency_sum_ms = latency_sum_ms + excluded.latency_sum_ms,
    latency_max_ms = MAX(latency_max_ms, excluded.latency_max_ms)`;

const SELECT_SQL = `
  SELECT minute, ok, failed, latency_sum_ms AS latencySumMs, latency_max_ms AS latencyMaxMs
  FROM request_buckets WHERE service = ? AND minute >= ? ORDER BY minute`;

const PRUNE_SQL = 'DELETE FROM request_buckets WHERE minute < ?';

/** The stored buckets of `service` from the minute containing `sinceMs` on (what has been flushed). */
export function bucketsSince(db: Database.Database, service: string, sinceMs: number): RequestBucket[] {
  return db.prepare(SELECT_SQL).all(service, minuteOf(sinceMs)) as RequestBucket[];
}

/**
 * Per-service per-minute request counters over the `request_buckets` table (migration 2).
 * Counting happens in memory and reaches SQLite in one upsert per (service, minute) per flush,
 * so a traffic generator at 100 requests/s costs one small transaction a second, not 100.
 */
export function createRequestLog(db: Database.Database, opts: RequestLogOptions = {}): RequestLog {
  const flushIntervalMs = opts.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
  const retentionMs = opts.retentionMs ?? DEFAULT_RETENTION_MS;
  const pruneEveryMs = opts.pruneEveryMs ?? DEFAULT_PRUNE_EVERY_MS;
  const now = opts.now ?? Date.now;
  const onError = opts.onError ?? ((err: FleetError) => process.emitWarning(err.message, 'FleetopsRequestLog'));

  const upsert = db.prepare(UPSERT_SQL);
  const select = db.prepare(SELECT_SQL);
  const pruneStmt = db.prepare(PRUNE_SQL);
  const writeAll = db.transaction((items: PendingBucket[]) => {
    for (const b of items) upsert.run(b.service, b.minute, b.ok, b.failed, b.latencySumMs, b.latencyMaxMs);
  });

  let pending = new Map<string, PendingBucket>();
  let timer: NodeJS.Timeout | undefined;
  let lastPrune = Number.NEGATIVE_INFINITY;
  let closed = false;

  const prune = (): number => {
    lastPrune = now();
    return pruneStmt.run(minuteOf(lastPrune - retentionMs)).changes;
  };

  const flush = (): void => {
    if (pending.size > 0) {
      const items = [...pending.values()];
      try {
        writeAll(items);
      } catch (err) {
        // Pending stays as it is: the transaction rolled back, so the next flush writes it all.
        throw new FleetError('INTERNAL', `cannot write request outcomes (${items.length} buckets): ${(err as Error).message}`, { cause: err });
      }
      pending = new Map();
    }
    if (now() - lastPrune >= pruneEveryMs) prune();
  };

  const flushFromTimer = (): void => {
    timer = undefined;
    try {
      flush();
    } catch (err) {
      onError(err instanceof FleetError ? err : new FleetError('INTERNAL', (err as Error).message, { cause: err }));
      if (pending.size > 0 && !closed) schedule();
    }
  };

  // A timer only while something is pending: an idle console does not wake up every second.
  const schedule = (): void => {
    if (timer !== undefined) return;
    timer = setTimeout(flushFromTimer, flushIntervalMs);
    timer.unref();
  };

  prune();

  return {
    recordOutcome(o) {
      if (closed) throw new FleetError('INTERNAL', 'request log is closed');
      checkOutcome(o);
      const minute = minuteOf(o.at);
      const key = `${o.service}\u0000${minute}`;
      let b = pending.get(key);
      if (b === undefined) {
        b = { service: o.service, minute, ok: 0, failed: 0, latencySumMs: 0, latencyMaxMs: 0 };
        pending.set(key, b);
      }
      if (o.ok) {
        b.ok += 1;
        b.latencySumMs += o.latencyMs;
        b.latencyMaxMs = Math.max(b.latencyMaxMs, o.latencyMs);
      } else {
        b.failed += 1;
      }
      schedule();
    },
    flush,
    bucketsSince(service, sinceMs) {
      if (!Number.isFinite(sinceMs)) throw new FleetError('BAD_REQUEST', `sinceMs must be a number of milliseconds, got ${String(sinceMs)}`);
      flush();
      return select.all(service, minuteOf(sinceMs)) as RequestBucket[];
    },
    prune,
    close() {
      if (closed) return;
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      flush();
    },
  };
}

function checkOutcome(o: RequestOutcome): void {
  if (typeof o.service !== 'string' || o.service === '') throw new FleetError('BAD_REQUEST', 'request outcome service must be a non-empty string');
  if (typeof o.at !== 'number' || !Number.isFinite(o.at)) throw new FleetError('BAD_REQUEST', `request outcome time must be milliseconds, got ${String(o.at)}`);
  if (typeof o.ok !== 'boolean') throw new FleetError('BAD_REQUEST', 'request outcome ok must be a boolean');
  if (typeof o.latencyMs !== 'number' || !Number.isFinite(o.latencyMs) || o.latencyMs < 0) {
    throw new FleetError('BAD_REQUEST', `request outcome latency must be a non-negative number of milliseconds, got ${String(o.latencyMs)}`);
  }
}
