/**
 * The event store's schema history. Append only: a migration that has shipped is never edited,
 * renamed or removed, because databases in the field recorded it by version and name. To change
 * the schema, add the next version at the end (versions are 1, 2, 3, ... with no gaps); it is
 * applied once, in its own transaction, the next time a store is opened.
 */
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
];
