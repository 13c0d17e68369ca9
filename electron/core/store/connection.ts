import Database from 'better-sqlite3';

/** How long a statement waits for another connection's lock (the CLI and the app may share the file). */
export const BUSY_TIMEOUT_MS = 5000;

/**
 * Every connection to a data directory's databases opens here, with one busy timeout: the
 * console, `fleetops run`, a second console and the CLI share the files, and a statement meeting
 * another process's lock waits this long before "database is locked". (better-sqlite3's own
 * default happens to be the same; the value is ours to choose, in one place.) Note what it cannot
 * cover: a DEFERRED transaction that read and must then upgrade to write fails at once whatever the
 * timeout — read-then-write transactions begin IMMEDIATE (incident-store.ts, migrate.ts).
 */
export function openConnection(file: string, options: Database.Options = {}): Database.Database {
  return new Database(file, { ...options, timeout: BUSY_TIMEOUT_MS });
}
