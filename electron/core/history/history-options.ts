/** What can be tuned of the history store (history-store.ts), and the defaults it starts from. */
import type { FleetError } from '../../../shared/errors';
import type { Timers } from '../probe/scheduler';

export const DEFAULT_RETENTION: Required<HistoryRetention> = { rawMs: 3_600_000, minuteMs: 24.25 * 3_600_000, halfHourMs: 30 * 86_400_000 + 3_600_000 };

export interface HistoryRetention {
  /** Raw readings. Default 1 h. */
  rawMs?: number;
  /** 1-minute rollups. Default 24 h 15 min: the 24 h plot, and slack for pruning once a minute. */
  minuteMs?: number;
  /** 30-minute rollups. Default 30 days and an hour: the 30-day plot, whose first bucket starts up to 30 min before it. */
  halfHourMs?: number;
}

export interface HistoryOptions {
  timers?: Timers;
  /** Readings are written at most this often, one transaction each. Default 10 s (one probe cycle). */
  flushIntervalMs?: number;
  /** A minute's rollup is written this long after it ends, so probes started in it can finish. Default 15 s. */
  closeGraceMs?: number;
  retention?: HistoryRetention;
  /** SQLite page cache of this connection. Default 2 MiB: writes append, and a close touches a few hundred pages. */
  cacheKiB?: number;
  /**
   * Rollups written per flush at most: a minute of 1,000 nodes is closed in four flushes a
   * moment apart (~10 ms each on the event loop) rather than one of ~40 ms. Default 250.
   */
  closeBatch?: number;
  /** Rows deleted per table per flush at most, so no flush holds the write lock long (history-prune.ts). Default 10,000. */
  pruneBatch?: number;
  /** Readings held while writes fail; past it the oldest are dropped (and said so). Default 100,000. */
  maxPendingSamples?: number;
  /**
   * A background flush that failed (the data stays pending and is retried). Told once per kind
   * of failure until a flush succeeds again. Default: a process warning.
   */
  onError?: (err: FleetError) => void;
  /** Every SQL statement run (better-sqlite3's `verbose`): tests count transactions with it. */
  trace?: (sql: string) => void;
}

/** The retention with every default filled in. */
export function resolveRetention(retention: HistoryRetention | undefined): Required<HistoryRetention> {
  return {
    rawMs: retention?.rawMs ?? DEFAULT_RETENTION.rawMs,
    minuteMs: retention?.minuteMs ?? DEFAULT_RETENTION.minuteMs,
    halfHourMs: retention?.halfHourMs ?? DEFAULT_RETENTION.halfHourMs,
  };
}
