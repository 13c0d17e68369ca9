import type { Migration } from '../store/migrate';

/**
 * The incidents' tables (migration 10). Every console sharing a data directory sees the same
 * signals and may act on them at once: one open incident per scope is the partial unique index
 * (the second process's insert fails and it joins the first's), rule-set milestones are
 * insert-or-ignore, and every change is a short transaction.
 */
export const INCIDENT_MIGRATION: Migration = {
  version: 10,
  name: 'incidents',
  up: `
    CREATE TABLE incidents (
      id TEXT PRIMARY KEY,
      title TEXT NOT NULL,
      severity TEXT NOT NULL CHECK (severity IN ('sev1', 'sev2', 'sev3')),
      severity_reason TEXT NOT NULL,
      scope TEXT NOT NULL,                 -- "region:NAME", "subject:NAME", or "manual:ID"
      opened_by TEXT NOT NULL CHECK (opened_by IN ('rule', 'operator')),
      status TEXT NOT NULL CHECK (status IN ('open', 'resolved', 'closed')),
      started_at INTEGER NOT NULL
    );
    CREATE UNIQUE INDEX incidents_one_open_per_scope ON incidents (scope) WHERE status = 'open';
    CREATE INDEX incidents_by_start ON incidents (started_at);
    CREATE TABLE incident_milestones (
      incident_id TEXT NOT NULL REFERENCES incidents (id),
      name TEXT NOT NULL,
      at INTEGER NOT NULL,
      source TEXT NOT NULL CHECK (source IN ('rule', 'operator')),
      by TEXT,
      original TEXT CHECK (original IS NULL OR json_valid(original)),   -- the first value, once corrected
      PRIMARY KEY (incident_id, name)
    );
    CREATE TABLE incident_subjects (
      incident_id TEXT NOT NULL REFERENCES incidents (id),
      subject TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('node', 'replica')),
      first_bad_at INTEGER NOT NULL,
      health TEXT NOT NULL,
      changed_at INTEGER NOT NULL,
      PRIMARY KEY (incident_id, subject)
    );
    CREATE TABLE incident_notes (
      id INTEGER PRIMARY KEY,
      incident_id TEXT NOT NULL REFERENCES incidents (id),
      at INTEGER NOT NULL,
      by TEXT NOT NULL,
      text TEXT NOT NULL
    );
  `,
};
