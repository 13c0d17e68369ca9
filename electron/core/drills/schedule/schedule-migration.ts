import type { Migration } from '../../store/migrate';

/**
 * The drill scheduler's tables (migration 8). Several processes may share one data directory
 * (two consoles, `fleetops run`): whatever decides when a drill runs lives here, never only in
 * one process's memory. An occurrence fires in exactly one process because deciding it is
 * inserting its (drill, scheduled_at) row: the primary key lets one insert win. Plain tables
 * and single-row compare-and-set updates, like the ownership tables (migration 6), so the same
 * rows can later live in PostgreSQL.
 */
export const DRILL_SCHEDULE_MIGRATION: Migration = {
  version: 8,
  name: 'drill_schedule',
  up: `
    -- One row per occurrence decided: started (or being started), skipped with a reason, or missed.
    CREATE TABLE drill_schedule_occurrences (
      drill TEXT NOT NULL,
      scheduled_at INTEGER NOT NULL,       -- the occurrence, ms since the epoch
      service TEXT NOT NULL,               -- what the drill works on: one drill at a time per service
      local_time TEXT NOT NULL,            -- "2026-03-29T03:00+02:00" in the schedule's zone, as shown
      outcome TEXT NOT NULL CHECK (outcome IN ('starting', 'started', 'skipped', 'missed')),
      reason TEXT,                         -- why skipped or missed (shared/drill-schedule.ts)
      decided_at INTEGER NOT NULL,
      late_ms INTEGER NOT NULL,
      owner_id TEXT NOT NULL,              -- the process that decided it (process_owners.id); while
                                           -- 'starting', the one asking the runner to start it
      run_id TEXT,                         -- the drill run the runner started
      ended_at INTEGER,                    -- set when the runner says the run ended
      end_status TEXT,
      error TEXT CHECK (error IS NULL OR json_valid(error)),    -- the runner's refusal or failure
      detail TEXT CHECK (detail IS NULL OR json_valid(detail)),
      PRIMARY KEY (drill, scheduled_at)
    ) WITHOUT ROWID;
    -- What is running now (forbid, one per service, the global cap) is read on every decision.
    CREATE INDEX drill_schedule_active ON drill_schedule_occurrences (service)
      WHERE outcome IN ('starting', 'started') AND ended_at IS NULL;
    CREATE UNIQUE INDEX drill_schedule_run ON drill_schedule_occurrences (run_id) WHERE run_id IS NOT NULL;

    -- Per drill: up to when it has been evaluated (shared by every process), and pause/resume.
    CREATE TABLE drill_schedule_state (
      drill TEXT PRIMARY KEY,
      evaluated_until INTEGER NOT NULL,    -- every occurrence at or before it has been decided
      paused INTEGER NOT NULL CHECK (paused IN (0, 1)),
      paused_from INTEGER,                 -- the last pause: [paused_from, paused_until); until NULL while paused
      paused_until INTEGER,
      changed_by TEXT,                     -- who paused or resumed last ("drill file" for an edit of the file)
      file_paused INTEGER NOT NULL CHECK (file_paused IN (0, 1)),  -- the file's paused: as last read
      updated_at INTEGER NOT NULL
    ) WITHOUT ROWID;

    -- The stop-all switch: while engaged, no drill is started (the runner aborts running ones).
    CREATE TABLE drill_stop_all (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      engaged INTEGER NOT NULL CHECK (engaged IN (0, 1)),
      changed_at INTEGER NOT NULL,
      changed_by TEXT NOT NULL,
      reason TEXT
    );
  `,
};
