import type { Migration } from '../store/migrate';

/**
 * The timeline over the `events` table (migration 11): the events table is the timeline, so this
 * only adds what a million-event timeline needs to answer every filter from an index.
 *
 * - `origin`: null for this console's own events; `bundle:<fingerprint>:<incident id>` for an
 *   imported bundle's, so they never pass for the local fleet's (and retention keeps them).
 * - One index per filter, each in the keyset order (column, ts, id): an equality on the column
 *   gives rows already in (ts, id) order, and an IN list (a region's thousand subjects) is merged
 *   by SQLite's sorter, which skips to the next value once the rest cannot make the page. SQLite
 *   puts the rowid (`id`) after the last column of every index, so (severity, ts) is
 *   (severity, ts, id) and `events_ts` (migration 1) is the (ts, id) one. The subject and kind
 *   indexes name `id` and then carry `severity`: the histogram of a region or a kind counts per
 *   severity from the index alone (no row read), while `id` before it keeps the order exact
 *   (after `ts` alone, ties on ts would be ordered by severity and the sorter's early out lost).
 * - An FTS5 index over message, kind and subject with the events table as its external content
 *   (the text is stored once), kept in step by triggers: events are append-only (the BEFORE
 *   UPDATE trigger of migration 1), so an insert and a delete trigger are all it needs.
 *   `columnsize=0`: nothing ranks by bm25, so the per-row size table is not worth its writes.
 *   `rebuild` indexes the rows a data directory already has.
 * - The audit entries written before this migration, mirrored as events the way every later one
 *   is (audit/audit-mirror.ts: kind `audit.<kind>`, the entry in data), so the timeline of an
 *   upgraded data directory has them too; their message is the actor, kind and subject (the
 *   mirror's summary of the detail is TypeScript's, not SQL's).
 */
/** The audit kinds' last words that make a mirror a warning (audit-mirror.ts WARNING_KIND says the same). */
const WARNING_KINDS = ['refused', 'override', 'abort', 'abort-requested', 'failed', 'stop-all'];

export const TIMELINE_MIGRATION: Migration = {
  version: 11,
  name: 'timeline',
  up: `
    ALTER TABLE events ADD COLUMN origin TEXT;
    INSERT INTO events (ts, kind, subject, severity, message, data)
      SELECT ts, 'audit.' || kind, subject,
             CASE WHEN ${WARNING_KINDS.map((k) => `kind = '${k}' OR kind GLOB '*.${k}'`).join(' OR ')} THEN 'warning' ELSE 'info' END,
             os_user || '@' || host || ' ' || kind || coalesce(' ' || subject, ''),
             json_object('auditId', seq, 'actor', os_user || '@' || host, 'detail', json(detail))
      FROM audit ORDER BY seq;
    CREATE INDEX events_subject_ts_id ON events (subject, ts, id, severity);
    CREATE INDEX events_kind_ts_id ON events (kind, ts, id, severity);
    CREATE INDEX events_severity_ts ON events (severity, ts);
    -- Imported events are few: a partial index answers "origin = ?" without indexing every local NULL.
    CREATE INDEX events_origin_ts ON events (origin, ts) WHERE origin IS NOT NULL;
    CREATE VIRTUAL TABLE events_fts USING fts5(
      message, kind, subject,
      content = 'events', content_rowid = 'id', columnsize = 0,
      tokenize = 'unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER events_fts_insert AFTER INSERT ON events
    BEGIN
      INSERT INTO events_fts (rowid, message, kind, subject) VALUES (new.id, new.message, new.kind, new.subject);
    END;
    CREATE TRIGGER events_fts_delete AFTER DELETE ON events
    BEGIN
      INSERT INTO events_fts (events_fts, rowid, message, kind, subject) VALUES ('delete', old.id, old.message, old.kind, old.subject);
    END;
    INSERT INTO events_fts (events_fts) VALUES ('rebuild');
  `,
};
