/**
 * The history's retention (history-store.ts), deleted at most `batch` rows per table per step,
 * each step inside a short transaction of the caller's. Once a minute a step has a few thousand
 * rows to delete; but a console started after a day away finds a whole day of minute rollups
 * past retention — 1.4 M rows at 1,000 nodes, about 3 s in a single DELETE on an idle machine —
 * and a transaction that long holds the write lock past the other processes' busy timeout
 * (a `fleetops incident close` beside it would fail with "database is locked").
 */
import type Database from 'better-sqlite3';
import { FleetError } from '../../../shared/errors';

/** Rows deleted by a step (or a whole prune), per table. */
export interface PruneCounts {
  raw: number;
  minute: number;
  halfHour: number;
}

/** `more`: a table may have more past retention (the next step goes on). */
export type PruneStep = PruneCounts & { more: boolean };

/** The first key kept in each table: everything before it is past retention. */
export interface PruneCutoffs {
  slot: number;
  minute: number;
  halfHour: number;
}

/** Rows per table per step by default: some tens of milliseconds of the write lock at most. */
export const DEFAULT_PRUNE_BATCH = 10_000;

export class HistoryPruner {
  // The oldest first, by primary key (both tables are WITHOUT ROWID, so no rowid to LIMIT on).
  private readonly raw: Database.Statement;
  private readonly rollup: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly batch = DEFAULT_PRUNE_BATCH,
  ) {
    // A batch of 0 would never finish a prune.
    if (!Number.isSafeInteger(batch) || batch < 1) throw new FleetError('INTERNAL', `the history's prune batch must be a positive whole number of rows, got ${batch}`);
    this.raw = db.prepare('DELETE FROM history_raw WHERE (slot, subject, ms) IN (SELECT slot, subject, ms FROM history_raw WHERE slot < ? ORDER BY slot LIMIT ?)');
    this.rollup = db.prepare('DELETE FROM history_rollup WHERE (step, bucket, subject) IN (SELECT step, bucket, subject FROM history_rollup WHERE step = ? AND bucket < ? ORDER BY bucket LIMIT ?)');
  }

  /** One bounded step, in the caller's transaction. */
  step(cut: PruneCutoffs, halfHourStep: number): PruneStep {
    const raw = this.raw.run(cut.slot, this.batch).changes;
    const minute = this.rollup.run(1, cut.minute, this.batch).changes;
    const halfHour = this.rollup.run(halfHourStep, cut.halfHour, this.batch).changes;
    return { raw, minute, halfHour, more: raw >= this.batch || minute >= this.batch || halfHour >= this.batch };
  }

  /** Steps until nothing is past retention, each its own transaction: other processes get the lock between them. */
  all(cut: PruneCutoffs, halfHourStep: number): PruneCounts {
    const total: PruneCounts = { raw: 0, minute: 0, halfHour: 0 };
    for (;;) {
      const s = this.db.transaction(() => this.step(cut, halfHourStep)).immediate();
      total.raw += s.raw;
      total.minute += s.minute;
      total.halfHour += s.halfHour;
      if (!s.more) return total;
    }
  }
}
