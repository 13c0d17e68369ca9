import type Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import * as nodePath from 'node:path';
import { FleetError } from '../../../shared/errors';
import { createAuditLog, type AuditLog } from '../audit/audit-log';
import { auditEventOf } from '../audit/audit-mirror';
import { osAuditIdentity, type AuditIdentity } from '../audit/identity';
import type { FleetEvent } from '../../../shared/status';
import { openConnection } from './connection';
import { createEventLog, type AppendEventInput, type ListEventsQuery } from './event-log';
import { assertSupportedVersion, currentVersion, migrate, type Migration } from './migrate';
import { createRequestLog, type RequestLog, type RequestLogOptions } from './request-log';
import { createSettings, type Settings } from './settings';

export type { AppendEventInput, ListEventsQuery } from './event-log';
export type { RequestBucket, RequestLog, RequestOutcome } from './request-log';
export type { AuditEntry, AuditLog } from '../audit/audit-log';

export interface Store {
  appendEvent(e: AppendEventInput): FleetEvent;
  /** All or nothing: one transaction. */
  appendEvents(list: AppendEventInput[]): FleetEvent[];
  /** Newest first. */
  listEvents(q: ListEventsQuery): FleetEvent[];
  schemaVersion(): number;
  /** Per-service per-minute request outcomes (success ratio, error budget); batched writes. */
  readonly requests: RequestLog;
  /** The hash-chained audit log (plans, runs, steps, confirmations, overrides, aborts). */
  readonly audit: AuditLog;
  /** Settings kept across restarts (the read-only switch); made on first use, INTERNAL without the table. */
  readonly settings: Settings;
  /** Flushes pending request outcomes, then closes the database. */
  close(): void;
  readonly path: string;
}

export interface OpenStoreOptions {
  /** Default `fleetops.db`. */
  fileName?: string;
  /**
   * The data directory's schema history: the store's own migrations and every feature's, as
   * composed at start-up (`fleetMigrations()` in fleet/builtin-features.ts). The store does not
   * know the features, so whoever opens it says which schema it expects.
   */
  migrations: readonly Migration[];
  /** Clock for schema_migrations.applied_at, and for audit entries appended without a time. */
  now?: () => number;
  /** Batching, retention and error reporting of the request log (its clock defaults to `now`). */
  requestLog?: RequestLogOptions;
  /** Recorded on every audit entry; default the OS user and host name of this process. */
  auditIdentity?: AuditIdentity;
  /**
   * Every audit entry is also an event (`audit.<kind>`, audit/audit-mirror.ts), written in the
   * append's transaction; this is told each one once committed (the core pushes it, like any event).
   */
  onAuditMirrored?: (event: FleetEvent) => void;
}

export const DEFAULT_STORE_FILE = 'fleetops.db';
export { BUSY_TIMEOUT_MS } from './connection';

/**
 * Opens (creating if needed) the SQLite event store in `dataDir` and brings its schema up to
 * date. Anything that is not a usable fleetops database — a corrupt or foreign file, a schema
 * from a newer build — is a FleetError INTERNAL naming the file, and the file is left as it was.
 */
export function openStore(dataDir: string, opts: OpenStoreOptions): Store {
  // 0700: events name hosts, users and failures; other local users have no business reading them.
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new FleetError('INTERNAL', `cannot create data directory ${dataDir}: ${(err as Error).message}`, { cause: err });
  }
  const path = nodePath.join(dataDir, opts.fileName ?? DEFAULT_STORE_FILE);
  const { migrations } = opts;

  let db: Database.Database;
  try {
    db = openConnection(path);
  } catch (err) {
    throw new FleetError('INTERNAL', `cannot open event store ${path}: ${(err as Error).message}`, { cause: err });
  }

  try {
    assertSupportedVersion(db, migrations, path);
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new FleetError('INTERNAL', `event store ${path} could not switch to WAL mode (got "${String(mode)}")`);
    // NORMAL is durable across application crashes in WAL mode; only a power cut may lose the last commits.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db, migrations, path, opts.now ?? Date.now);
  } catch (err) {
    db.close();
    if (err instanceof FleetError) throw err;
    // SQLITE_NOTADB, SQLITE_CORRUPT and friends surface on the first statement, not at open.
    throw new FleetError('INTERNAL', `${path} is not a usable fleetops event store: ${(err as Error).message}`, {
      cause: err,
      detail: { file: path, sqliteCode: (err as { code?: unknown }).code },
    });
  }

  const log = createEventLog(db);
  let requests: RequestLog;
  try {
    requests = createRequestLog(db, { now: opts.now, ...opts.requestLog });
  } catch (err) {
    // Only a migration list without request_buckets (a test's) gets here; leave nothing open.
    db.close();
    throw new FleetError('INTERNAL', `event store ${path} has no usable request log: ${(err as Error).message}`, { cause: err });
  }
  let audit: AuditLog;
  try {
    // The mirror comes with the timeline's schema (migration 11, which mirrors the entries from before it).
    const timeline = db.prepare("SELECT 1 FROM pragma_table_info('events') WHERE name = 'origin'").get() !== undefined;
    audit = createAuditLog(db, {
      identity: opts.auditIdentity ?? osAuditIdentity(),
      now: opts.now,
      mirror: timeline ? { write: (entry) => log.appendEvent(auditEventOf(entry)), committed: (event) => opts.onAuditMirrored?.(event as FleetEvent) } : undefined,
    });
  } catch (err) {
    // As above: only a migration list without the audit table (a test's) gets here.
    requests.close();
    db.close();
    throw new FleetError('INTERNAL', `event store ${path} has no usable audit log: ${(err as Error).message}`, { cause: err });
  }
  let settings: Settings | null = null;
  return {
    path,
    get settings() {
      if (!settings) {
        try {
          settings = createSettings(db, { file: path, now: opts.now });
        } catch (err) {
          // Only a migration list without the settings table (a test's) gets here.
          throw new FleetError('INTERNAL', `event store ${path} has no usable settings table: ${(err as Error).message}`, { cause: err });
        }
      }
      return settings;
    },
    appendEvent: (e) => log.appendEvent(e),
    appendEvents: (list) => log.appendEvents(list),
    listEvents: (q) => log.listEvents(q),
    schemaVersion: () => currentVersion(db),
    requests,
    audit,
    close() {
      if (!db.open) return;
      try {
        requests.close();
      } finally {
        db.close();
      }
    },
  };
}
