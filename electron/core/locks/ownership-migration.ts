import type { Migration } from '../store/migrate';

/**
 * Who owns what, across processes (migration 6). Several processes may share one data
 * directory at once (the console, `fleetops run`, a second console): locks and run ownership
 * live here, never only in one process's memory, so each of them sees who holds a subject and
 * recovery only touches what a dead process left. Plain tables and single-row compare-and-set
 * updates, so the same rows can later live in PostgreSQL for a team.
 */
export const OWNERSHIP_MIGRATION: Migration = {
  version: 6,
  name: 'ownership',
  up: `
    -- One row per process (per engine) that opened the store to act: its lease is renewed by a
    -- heartbeat; a lease that ran out, or a pid that is gone on this host, means it is dead.
    CREATE TABLE process_owners (
      id TEXT PRIMARY KEY,
      pid INTEGER NOT NULL,
      host TEXT NOT NULL,
      label TEXT NOT NULL,            -- "fleetops serve", "fleetops run", "fleetops desktop"
      os_user TEXT NOT NULL,
      started_at INTEGER NOT NULL,    -- ms since the epoch
      heartbeat_at INTEGER NOT NULL,
      lease_ms INTEGER NOT NULL CHECK (lease_ms > 0),
      ended_at INTEGER                -- set on a clean stop
    );
    -- A subject (replica, node, region, load balancer server) held by a run until it ends, or by
    -- a one-step change while it is made. The primary key is the mutual exclusion.
    CREATE TABLE subject_locks (
      subject TEXT PRIMARY KEY,
      holder_kind TEXT NOT NULL CHECK (holder_kind IN ('run', 'change')),
      holder_id TEXT NOT NULL,
      owner_id TEXT NOT NULL,
      acquired_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX subject_locks_holder ON subject_locks (holder_kind, holder_id);
    ALTER TABLE runbook_runs ADD COLUMN owner_id TEXT;            -- the process working on it (NULL: from before this migration)
    ALTER TABLE runbook_runs ADD COLUMN version INTEGER NOT NULL DEFAULT 0;  -- bumped on every write: other processes follow it
    ALTER TABLE runbook_runs ADD COLUMN updated_at INTEGER;
    ALTER TABLE runbook_runs ADD COLUMN rollback_failed_step INTEGER;
    ALTER TABLE runbook_runs ADD COLUMN abort_requested_at INTEGER; -- another process asked the owner to abort
    CREATE INDEX runbook_runs_updated ON runbook_runs (updated_at);
    -- One-step changes (load balancer buttons) as made, for "put it back" and the record.
    CREATE TABLE fleet_changes (
      id TEXT PRIMARY KEY,
      ts INTEGER NOT NULL,
      subject TEXT NOT NULL,
      record TEXT NOT NULL CHECK (json_valid(record)),
      reverted_by TEXT
    );
  `,
};
