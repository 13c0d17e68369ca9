import type { Migration } from '../../store/migrate';

/**
 * The drill runs (migration 9; 8 is the schedule's). One row per run, written by the process that
 * owns it (owner_id, a process_owners row, like runbook_runs): a run whose owner died is restored
 * by whichever process notices first, and an abort asked from another process (the operator's
 * Abort, stop-all) is a column the owner reads. The fault itself is a runbook run
 * (fault_run_id): its journal is the restore's journal. Measurements are JSON of the contract's
 * shapes (shared/drill-run.ts); each milestone is also an event (kind drill.*), each start,
 * inject, restore, abort and skip an audit entry.
 */
export const DRILL_RUN_MIGRATION: Migration = {
  version: 9,
  name: 'drill_runs',
  up: `
    CREATE TABLE drill_runs (
      id TEXT PRIMARY KEY,
      drill TEXT NOT NULL,
      service TEXT NOT NULL,              -- one drill at a time per service
      status TEXT NOT NULL,
      phase TEXT NOT NULL,                -- where it was when it ended (equals status while running)
      reason_code TEXT,
      reason TEXT,
      trigger TEXT NOT NULL CHECK (json_valid(trigger)),
      plan TEXT NOT NULL CHECK (json_valid(plan)),
      seed TEXT NOT NULL,
      owner_id TEXT,                      -- process_owners.id working on it; NULL once it ended
      version INTEGER NOT NULL DEFAULT 0, -- bumped on every write (other processes follow it)
      fault_run_id TEXT,                  -- runbook_runs.id holding the fault
      response_run_id TEXT,               -- the response runbook run (automatic or linked)
      started_at INTEGER NOT NULL,
      injected_at INTEGER,
      restored_at INTEGER,
      ended_at INTEGER,
      updated_at INTEGER NOT NULL,
      abort_requested_at INTEGER,         -- asked by anyone (any process); the owner acts on it
      abort_reason_code TEXT,
      abort_reason TEXT,
      milestones TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(milestones)),
      derived TEXT CHECK (derived IS NULL OR json_valid(derived)),
      expectations TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(expectations)),
      seconds TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(seconds))
    );
    CREATE INDEX drill_runs_by_drill ON drill_runs (drill, started_at DESC);
    CREATE INDEX drill_runs_open ON drill_runs (ended_at) WHERE ended_at IS NULL;
  `,
};
