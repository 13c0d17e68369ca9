/**
 * Migration 11 on a data directory that already has events and audit entries: every old event is
 * in the FTS index (rebuilt), has no origin (this console's), and is found by each filter's index;
 * the old audit entries are mirrored as events; later events are indexed by the triggers.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fleetMigrations } from '../../../electron/core/fleet/builtin-features';
import { openStore } from '../../../electron/core/store/open-store';
import { TIMELINE_MIGRATION } from '../../../electron/core/timeline/timeline-migration';
import { openTimelineDb, TimelineStore } from '../../../electron/core/timeline/timeline-store';
import { ev, T0 } from './helpers';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

describe('migration 11 (timeline)', () => {
  it('indexes the events and mirrors the audit entries a data directory already has', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetops-timeline-migrate-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const all = fleetMigrations();
    const before = all.filter((m) => m.version < TIMELINE_MIGRATION.version);
    expect(all[TIMELINE_MIGRATION.version - 1]).toBe(TIMELINE_MIGRATION);

    const old = openStore(dir, { migrations: before, auditIdentity: { user: 'alice', host: 'ops-laptop' } });
    old.appendEvents([ev(T0, 'node.xid', 'gpu-a-007', 'error', 'gpu-a-007: XID 79 on GPU 3'), ev(T0 + 1, 'lb.health', 'lb1', 'warning', 'lb1 degraded')]);
    old.audit.append({ kind: 'change.refused', subject: 'gpu-a-007', detail: { reason: 'read-only' }, ts: T0 + 2 });
    old.audit.append({ kind: 'trust', subject: null, ts: T0 + 3 });
    // Before 11, an audit entry is no event.
    expect(old.listEvents({}).map((e) => e.kind)).toEqual(['lb.health', 'node.xid']);
    expect(() => old.appendEvent({ ...ev(T0, 'x', null, 'info', 'x'), origin: 'bundle:a:b' })).toThrow(/predates event origins/);
    old.close();

    const store = openStore(dir, { migrations: all, auditIdentity: { user: 'alice', host: 'ops-laptop' } });
    cleanups.push(() => store.close());
    store.appendEvents([ev(T0 + 10, 'node.health', 'gpu-b-001', 'info', 'gpu-b-001 healthy again')]);
    const db = openTimelineDb(store.path);
    cleanups.push(() => db.close());
    const timeline = new TimelineStore(db);

    const entries = timeline.query({ filter: {}, order: 'asc' }).entries;
    expect(entries.map((e) => [e.kind, e.subject, e.severity, e.origin])).toEqual([
      ['node.xid', 'gpu-a-007', 'error', null],
      ['lb.health', 'lb1', 'warning', null],
      ['audit.change.refused', 'gpu-a-007', 'warning', null],
      ['audit.trust', null, 'info', null],
      ['node.health', 'gpu-b-001', 'info', null],
    ]);
    expect(entries[2]).toMatchObject({ ts: T0 + 2, message: 'alice@ops-laptop change.refused gpu-a-007', data: { auditId: 1, actor: 'alice@ops-laptop', detail: { reason: 'read-only' } } });
    expect(entries[3].data).toEqual({ auditId: 2, actor: 'alice@ops-laptop', detail: null });
    // The FTS index holds the old rows (rebuilt) and the new one (trigger).
    expect(timeline.query({ filter: { text: 'xid' } }).entries.map((e) => e.kind)).toEqual(['node.xid']);
    expect(timeline.query({ filter: { text: 'refused' } }).entries.map((e) => e.kind)).toEqual(['audit.change.refused']);
    expect(timeline.query({ filter: { text: 'healthy' } }).entries.map((e) => e.subject)).toEqual(['gpu-b-001']);
    expect(() => db.exec("INSERT INTO events_fts (events_fts) VALUES ('integrity-check')")).not.toThrow();
    expect(timeline.query({ filter: { subjects: ['gpu-a-007'], kinds: ['audit.'] } }).entries).toHaveLength(1);

    const inspect = new Database(store.path, { readonly: true });
    cleanups.push(() => inspect.close());
    expect(inspect.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events' ORDER BY name").pluck().all()).toEqual(['events_append_only', 'events_fts_delete', 'events_fts_insert']);
  });
});
