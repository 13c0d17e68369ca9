import type { Migration } from '../store/migrate';

/**
 * Migration 13: a service is an incident's subject too (its error budget burning fast:
 * burn-watch.ts). incident_subjects' CHECK allowed nodes and replicas only, and SQLite cannot
 * change a CHECK in place: the table is rebuilt with its rows (the documented 12-step way, in the
 * migration's own transaction).
 */
export const SERVICE_SUBJECTS_MIGRATION: Migration = {
  version: 13,
  name: 'incident_service_subjects',
  up: `
    CREATE TABLE incident_subjects_new (
      incident_id TEXT NOT NULL REFERENCES incidents (id),
      subject TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('node', 'replica', 'service')),
      first_bad_at INTEGER NOT NULL,
      health TEXT NOT NULL,
      changed_at INTEGER NOT NULL,
      PRIMARY KEY (incident_id, subject)
    );
    INSERT INTO incident_subjects_new (incident_id, subject, kind, first_bad_at, health, changed_at)
      SELECT incident_id, subject, kind, first_bad_at, health, changed_at FROM incident_subjects;
    DROP TABLE incident_subjects;
    ALTER TABLE incident_subjects_new RENAME TO incident_subjects;
  `,
};
