/** Shared set-up for the timeline's tests: a real data directory (every migration), its store, and the timeline's own connection. */
import type Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fleetMigrations } from '../../../electron/core/fleet/builtin-features';
import { openStore, type AppendEventInput, type Store } from '../../../electron/core/store/open-store';
import { openTimelineDb, TimelineStore, type TimelineStoreOptions } from '../../../electron/core/timeline/timeline-store';

export const T0 = Date.UTC(2025, 0, 1);
export const MIN = 60_000;

export interface TimelineFixture {
  dir: string;
  store: Store;
  db: Database.Database;
  timeline: TimelineStore;
  close(): void;
}

/** A temp data directory; everything opened in it is closed and the directory removed by `close`. */
export function openFixture(opts: TimelineStoreOptions = {}, cleanups: (() => void)[] = []): TimelineFixture {
  const dir = mkdtempSync(join(tmpdir(), 'fleetops-timeline-'));
  const store = openStore(dir, { migrations: fleetMigrations(), auditIdentity: { user: 'alice', host: 'ops-laptop' }, now: () => T0 });
  const db = openTimelineDb(store.path);
  const timeline = new TimelineStore(db, { now: () => T0, ...opts });
  const fixture = {
    dir,
    store,
    db,
    timeline,
    close() {
      if (db.open) db.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  cleanups.push(() => fixture.close());
  return fixture;
}

export const ev = (ts: number, kind: string, subject: string | null, severity: AppendEventInput['severity'], message: string, origin: string | null = null): AppendEventInput => ({
  ts,
  kind,
  subject,
  severity,
  message,
  origin,
});

/**
 * An incident as the rule leaves it, written into migration 10's tables directly (the incident
 * store's own methods are not what these tests are about): started at `startedAt`, resolved at
 * `resolvedAt` (or still open), with its affected subjects.
 */
export function insertIncident(db: Database.Database, i: { id: string; startedAt: number; resolvedAt?: number; subjects: string[]; origin?: string }): void {
  db.prepare("INSERT INTO incidents (id, title, severity, severity_reason, scope, opened_by, status, started_at) VALUES (?, 'test', 'sev3', 'test', ?, 'rule', ?, ?)").run(
    i.id,
    `manual:${i.id}`,
    i.resolvedAt === undefined ? 'open' : 'resolved',
    i.startedAt,
  );
  const milestone = db.prepare("INSERT INTO incident_milestones (incident_id, name, at, source) VALUES (?, ?, ?, 'rule')");
  milestone.run(i.id, 'started', i.startedAt);
  if (i.resolvedAt !== undefined) milestone.run(i.id, 'resolved', i.resolvedAt);
  for (const s of i.subjects) db.prepare("INSERT INTO incident_subjects (incident_id, subject, kind, first_bad_at, health, changed_at) VALUES (?, ?, 'node', ?, 'unhealthy', ?)").run(i.id, s, i.startedAt, i.startedAt);
  if (i.origin !== undefined) {
    // incidents.origin comes with the incident bundles' migration (12); a data directory without it gets the column here.
    const has = db.prepare("SELECT 1 FROM pragma_table_info('incidents') WHERE name = 'origin'").get() !== undefined;
    if (!has) db.exec('ALTER TABLE incidents ADD COLUMN origin TEXT');
    db.prepare('UPDATE incidents SET origin = ? WHERE id = ?').run(i.origin, i.id);
  }
}

/** Every page of a query, following `next` to the end. */
export function allPages(timeline: TimelineStore, q: Parameters<TimelineStore['query']>[0]): { ids: number[]; pages: number } {
  const ids: number[] = [];
  let after = q.after;
  let pages = 0;
  for (;;) {
    const page = timeline.query({ ...q, after });
    pages++;
    ids.push(...page.entries.map((e) => e.id));
    if (page.next === null) return { ids, pages };
    after = page.next;
    if (pages > 10_000) throw new Error('paging does not end');
  }
}
