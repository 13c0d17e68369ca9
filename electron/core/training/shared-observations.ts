/**
 * Two consoles (or a console and `fleetops run`) on one data directory each read the same Slurm
 * and see the same change: the event store should hold it once. A change event is recorded only
 * when no identical one (kind, subject, message) is in the store from the last `windowMs` — one
 * and a half poll intervals: the other process sees the change within one interval of this one,
 * while this process cannot see the same transition twice in less than two (it must change back
 * in between), so nothing real is dropped.
 */
import type Database from 'better-sqlite3';
import type { AppendEventInput } from '../store/open-store';

export class SharedObservations {
  private readonly same: Database.Statement;

  constructor(db: Database.Database) {
    this.same = db.prepare('SELECT 1 FROM events WHERE subject IS ? AND ts >= ? AND kind = ? AND message = ? AND origin IS NULL LIMIT 1').pluck();
  }

  /** Records `e` unless another process already did within `windowMs`. */
  recordOnce(e: AppendEventInput, windowMs: number, record: (e: AppendEventInput) => void): boolean {
    if (this.same.get(e.subject, e.ts - windowMs, e.kind, e.message) !== undefined) return false;
    record(e);
    return true;
  }
}
