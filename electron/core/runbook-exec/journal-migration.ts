import type { Migration } from '../store/migrate';

/**
 * The run journal (migration 4, brought by the runbooks feature: runbooks-feature.ts). Every step
 * row is written before the step starts and after it ends (and the same for its undo), so the
 * last record of a run that died says exactly which step was in flight.
 */
export const RUNBOOK_JOURNAL_MIGRATION: Migration = {
  version: 4,
  name: 'runbook_journal',
  up: `
    CREATE TABLE runbook_runs (
      id TEXT PRIMARY KEY,
      runbook TEXT NOT NULL,
      target TEXT NOT NULL,
      plan TEXT NOT NULL CHECK (json_valid(plan)), -- the RunbookPlan as run: undo needs it after a restart
      operator_user TEXT NOT NULL,
      operator_host TEXT NOT NULL,
      status TEXT NOT NULL,
      reason TEXT,                                  -- why it was rolled back: failed, aborted, operator
      interrupted_step INTEGER,                     -- the step in flight when the app died
      started_at INTEGER NOT NULL,                  -- ms since the epoch
      ended_at INTEGER
    );
    CREATE INDEX runbook_runs_status ON runbook_runs (status);
    CREATE TABLE runbook_run_steps (
      run_id TEXT NOT NULL REFERENCES runbook_runs (id),
      step_index INTEGER NOT NULL,
      status TEXT NOT NULL,
      output TEXT NOT NULL DEFAULT '',
      error TEXT,
      started_at INTEGER,
      duration_ms INTEGER,
      PRIMARY KEY (run_id, step_index)
    ) WITHOUT ROWID;
  `,
};
