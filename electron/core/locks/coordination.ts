/**
 * This process's part in sharing a data directory: its own connection to the store (WAL, so it
 * never waits on the event log's writers for long), its owner row and the subject locks.
 */
import type Database from 'better-sqlite3';
import { openConnection } from '../store/connection';
import { LockTable } from './lock-table';
import { ProcessOwner, type ProcessOwnerOptions } from './process-owner';

export interface Coordination {
  db: Database.Database;
  owner: ProcessOwner;
  locks: LockTable;
  /** Ends this owner (a clean stop) and closes the connection. */
  close(): void;
}

export function openCoordination(storePath: string, opts: ProcessOwnerOptions): Coordination {
  const db = openConnection(storePath);
  db.pragma('journal_mode = WAL');
  // As the store: durable across application crashes (what the journal and locks are for) without an fsync per commit.
  db.pragma('synchronous = NORMAL');
  try {
    const owner = new ProcessOwner(db, opts);
    const locks = new LockTable(db, owner, opts.now);
    return {
      db,
      owner,
      locks,
      close() {
        if (!db.open) return;
        owner.end();
        db.close();
      },
    };
  } catch (err) {
    db.close();
    throw err;
  }
}
