/**
 * The stop-all switch for drills, in the store (drill_stop_all, migration 8): engaged in one
 * process, every process sharing the data directory refuses new drills until it is released.
 * The scheduler records occurrences it refuses as skipped ("stop-all"); the drill runner reads
 * the same switch for drills started by hand and aborts the running ones.
 */
import type Database from 'better-sqlite3';

export interface StopAllState {
  engaged: boolean;
  /** Who engaged or released it last, when, and why (null: never touched). */
  changedAt: number | null;
  changedBy: string | null;
  reason: string | null;
}

interface StopAllRow {
  engaged: number;
  changed_at: number;
  changed_by: string;
  reason: string | null;
}

export class StopAllSwitch {
  private readonly select: Database.Statement;
  private readonly upsert: Database.Statement;

  constructor(
    db: Database.Database,
    private readonly now: () => number,
  ) {
    this.select = db.prepare('SELECT engaged, changed_at, changed_by, reason FROM drill_stop_all WHERE id = 1');
    this.upsert = db.prepare(
      `INSERT INTO drill_stop_all (id, engaged, changed_at, changed_by, reason) VALUES (1, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET engaged = excluded.engaged, changed_at = excluded.changed_at,
         changed_by = excluded.changed_by, reason = excluded.reason`,
    );
  }

  state(): StopAllState {
    const row = this.select.get() as StopAllRow | undefined;
    if (!row) return { engaged: false, changedAt: null, changedBy: null, reason: null };
    return { engaged: row.engaged === 1, changedAt: row.changed_at, changedBy: row.changed_by, reason: row.reason };
  }

  engage(by: string, reason: string | null = null): StopAllState {
    this.upsert.run(1, this.now(), by, reason);
    return this.state();
  }

  release(by: string): StopAllState {
    this.upsert.run(0, this.now(), by, null);
    return this.state();
  }
}
