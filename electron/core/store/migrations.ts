/**
 * The event store's schema history. Append only: a migration that has shipped is never edited,
 * renamed or removed, because databases in the field recorded it by version and name. To change
 * the schema, add the next version at the end (versions are 1, 2, 3, ... with no gaps); it is
 * applied once, in its own transaction, the next time a store is opened.
 */
import { HISTORY_MIGRATION } from '../history/history-migration';
import { OWNERSHIP_MIGRATION } from '../locks/ownership-migration';
import { RUNBOOK_JOURNAL_MIGRATION } from '../runbook-exec/journal-migration';
export interface Migration {
  version: number;
  name: string;
  /** One or more SQL statements. */
  up: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'events',
    up: `
      CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT, -- AUTOINCREMENT: ids are never reused, so beforeId paging stays stable
        ts INTEGER NOT NULL,                  -- milliseconds since the epoch
        kind TEXT NOT NULL,
        subject TEXT,                         -- node, cluster, runbook... or NULL for fleet-wide events
        severity TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'error')),
        message TEXT NOT NULL,
        data TEXT CHECK (data IS NULL OR json_valid(data))
      );
      CREATE INDEX events_subject_id ON events (subject, id);
      CREATE INDEX events_ts ON events (ts);
      -- The log is evidence (incidents, drills): rows are never rewritten. Deleting stays possible for retention.
      CREATE TRIGGER events_append_only BEFORE UPDATE ON events
      BEGIN
        SELECT RAISE(ABORT, 'events are append-only');
      END;
    `,
  },
  {
    version: 2,
    name: 'request_buckets',
    // Request outcomes through a service's frontend, one row per service per minute: 30 days stay
    // bounded (43,200 rows per service) and survive restarts. See request-log.ts.
    up: `
      CREATE TABLE request_buckets (
        service TEXT NOT NULL,
        minute INTEGER NOT NULL,               -- minutes since the epoch (UTC): [minute * 60000, +60000) ms
        ok INTEGER NOT NULL CHECK (ok >= 0),
        failed INTEGER NOT NULL CHECK (failed >= 0),
        latency_sum_ms REAL NOT NULL CHECK (latency_sum_ms >= 0), -- successful requests only
        latency_max_ms REAL NOT NULL CHECK (latency_max_ms >= 0),
        PRIMARY KEY (service, minute)
      ) WITHOUT ROWID;
      -- Pruning deletes by age across all services.
      CREATE INDEX request_buckets_minute ON request_buckets (minute);
    `,
  },
  {
    version: 3,
    name: 'audit',
    // Who did what, where and when: every plan, run, step, confirmation, override and abort. Each
    // entry carries the SHA-256 of the previous one (electron/core/audit/entry-hash.ts), so an
    // edit that gets past the triggers below (dropping them, editing the file) breaks the chain
    // and `fleetops audit verify` names the first broken entry.
    up: `
      CREATE TABLE audit (
        seq INTEGER PRIMARY KEY,   -- 1, 2, 3, ... with no gaps; part of the hash, assigned by the appender
        ts INTEGER NOT NULL,       -- milliseconds since the epoch
        os_user TEXT NOT NULL,
        host TEXT NOT NULL,
        kind TEXT NOT NULL,        -- plan, run, step, confirmation, override, abort, ...
        subject TEXT,
        detail TEXT CHECK (detail IS NULL OR json_valid(detail)), -- canonical JSON (RFC 8785)
        prev_hash TEXT NOT NULL,   -- hash of entry seq - 1; 64 zeros for the first
        hash TEXT NOT NULL         -- SHA-256 hex of this entry's fields and prev_hash
      );
      -- Unlike events, audit entries are not even deleted for retention: the chain is the evidence.
      CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
      BEGIN
        SELECT RAISE(ABORT, 'audit entries are append-only: UPDATE refused');
      END;
      CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
      BEGIN
        SELECT RAISE(ABORT, 'audit entries are append-only: DELETE refused');
      END;
    `,
  },
  // The runbook journal (runs and their steps, written before and after each step): its SQL
  // lives beside the engine that writes it.
  RUNBOOK_JOURNAL_MIGRATION,
  {
    version: 5,
    name: 'settings',
    // Operator settings that must survive a restart, above all the read-only switch: a safety
    // switch that silently turns itself off when the console restarts protects nothing. One row
    // per setting; the value is JSON, checked for its shape when read (settings.ts).
    up: `
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL CHECK (json_valid(value)),
        updated_at INTEGER NOT NULL  -- ms since the epoch
      ) WITHOUT ROWID;
    `,
  },
  // Processes, subject locks and run ownership shared by every process on the data directory:
  // its SQL lives beside the lock table that uses it.
  OWNERSHIP_MIGRATION,
  // What the monitors measured (raw for an hour, rollups for a day and a month): its SQL lives
  // beside the history store that writes it.
  HISTORY_MIGRATION,
];
