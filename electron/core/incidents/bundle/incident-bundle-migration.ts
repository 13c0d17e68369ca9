import type { Migration } from '../../store/migrate';

/**
 * Export and offline review of incidents (migration 12; 11 is the timeline's).
 *
 * - incidents.origin: NULL for this console's incidents, "bundle:<signer>:<id>" for one imported
 *   from a signed bundle. The rule (incident-store.ts) only ever looks at its own, and one open
 *   incident per scope holds among them only: an imported incident that was open where it came
 *   from must not stop this console opening its own for the same region.
 * - incident_imports: who signed and exported an imported incident, who imported it, and the
 *   SHA-256 of the bundle file (the same file imported again is recognised, not imported twice).
 * - incident_bundle_parts: every part of an imported bundle as it was signed (manifest, envelope
 *   and key too), kept for review and for the reports of the imported incident.
 * - imported_history: the history of an imported incident's subjects, one row per series. Not in
 *   history_raw/history_rollup: those are this fleet's (subjects by name: another fleet's "gpu-1"
 *   would merge into ours), and their retention would delete an old incident's samples within
 *   the hour.
 * - inventory_snapshots / incident_inventory: the inventory as it was when an incident opened,
 *   stored once per distinct content (by SHA-256): a thousand incidents of one inventory hold one copy.
 */
export const INCIDENT_BUNDLE_MIGRATION: Migration = {
  version: 12,
  name: 'incident_bundles',
  up: `
    ALTER TABLE incidents ADD COLUMN origin TEXT;
    DROP INDEX incidents_one_open_per_scope;
    CREATE UNIQUE INDEX incidents_one_open_per_scope ON incidents (scope) WHERE status = 'open' AND origin IS NULL;
    CREATE TABLE incident_imports (
      incident_id TEXT PRIMARY KEY REFERENCES incidents (id),
      origin TEXT NOT NULL,
      signer TEXT NOT NULL,
      signer_trust TEXT NOT NULL CHECK (signer_trust IN ('own', 'trusted', 'accepted')),
      bundle_sha256 TEXT NOT NULL,
      exported_by TEXT NOT NULL,
      exported_at TEXT NOT NULL,
      imported_at INTEGER NOT NULL,
      imported_by TEXT NOT NULL
    );
    CREATE TABLE incident_bundle_parts (
      incident_id TEXT NOT NULL REFERENCES incidents (id),
      name TEXT NOT NULL,          -- "manifest.json", "manifest.dsse.json", "signer.pub.pem", "parts/…"
      media_type TEXT NOT NULL,
      sha256 TEXT NOT NULL,
      content BLOB NOT NULL,
      PRIMARY KEY (incident_id, name)
    ) WITHOUT ROWID;
    CREATE TABLE imported_history (
      incident_id TEXT NOT NULL REFERENCES incidents (id),
      seq INTEGER NOT NULL,        -- the series' place in history.json
      kind TEXT NOT NULL,          -- gpu, node, replica
      subject TEXT NOT NULL,
      gpu INTEGER,
      series TEXT NOT NULL CHECK (json_valid(series)),
      PRIMARY KEY (incident_id, seq)
    ) WITHOUT ROWID;
    CREATE TABLE inventory_snapshots (
      sha256 TEXT PRIMARY KEY,     -- of content
      content TEXT NOT NULL CHECK (json_valid(content))
    ) WITHOUT ROWID;
    CREATE TABLE incident_inventory (
      incident_id TEXT PRIMARY KEY REFERENCES incidents (id),
      sha256 TEXT NOT NULL REFERENCES inventory_snapshots (sha256),
      recorded_at INTEGER NOT NULL
    );
  `,
};
