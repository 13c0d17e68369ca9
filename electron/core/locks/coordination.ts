/**
 * This process's part in sharing a data directory: its own connection to the store (WAL, so it
 * never waits on the event log's writers for long), its owner row and the subject locks.
 */
import Database from 'better-sqlite3';
import { BUSY_TIMEOUT_MS } from '../store/open-store';
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
  const db = new Database(storePath);
  // The busy timeout first: even the journal-mode pragma reads the file, and without a busy
  // handler any statement meeting another process's lock fails at once.
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
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
