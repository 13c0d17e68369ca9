import type { Migration } from '../store/migrate';

/**
 * Migration 14: runs a person linked to an incident by hand (a runbook run on a replica of the
 * region, a drill that reproduced it…), beside those linked by what they touched and when
 * (incident-runs.ts). Who linked it and when are kept; the link is also on the audit record.
 */
export const INCIDENT_LINKS_MIGRATION: Migration = {
  version: 14,
  name: 'incident_links',
  up: `
    CREATE TABLE incident_links (
      incident_id TEXT NOT NULL REFERENCES incidents (id),
      kind TEXT NOT NULL CHECK (kind IN ('runbook', 'drill')),
      run_id TEXT NOT NULL,
      linked_at INTEGER NOT NULL,
      linked_by TEXT NOT NULL,
      PRIMARY KEY (incident_id, kind, run_id)
    ) WITHOUT ROWID;
  `,
};
