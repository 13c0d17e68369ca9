/**
 * The store's own migrations: the event log, the request buckets, the audit log and the
 * settings. Features that keep tables in the same database (the runbook journal, ownership,
 * the history) bring theirs themselves (electron/core/feature.ts); the one list with all of
 * them, in version order, is composed at start-up (electron/core/fleet/builtin-features.ts).
 * Append only, as every migration: see `Migration` in migrate.ts.
 */
import type { Migration } from './migrate';

export const STORE_MIGRATIONS: readonly Migration[] = [
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
  // 4: the runbook journal, brought by the runbooks feature (runbook-exec/journal-migration.ts).
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
  // 6: processes, subject locks and run ownership, brought by the ownership feature
  // (locks/ownership-migration.ts); 7: the history, brought by the history feature
  // (history/history-migration.ts).
];
