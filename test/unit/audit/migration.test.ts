import Database from 'better-sqlite3';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEventLog } from '../../../electron/core/store/event-log';
import { migrate } from '../../../electron/core/store/migrate';
import { fleetMigrations } from '../../../electron/core/fleet/builtin-features';
import { openTestStore, tempDir } from './helpers';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

describe('migration 3: audit', () => {
  it('applies on a version-2 database, keeps its events, and starts an empty chain', () => {
    const dir = tempDir(cleanups);
    const file = path.join(dir, 'fleetops.db');
    const v2 = new Database(file);
    v2.pragma('journal_mode = WAL');
    migrate(v2, fleetMigrations().slice(0, 2), file, () => 100);
    const events = createEventLog(v2).appendEvents([{ ts: 1, kind: 'xid', subject: 'gpu-b', severity: 'error', message: 'XID 79' }]);
    v2.close();

    const store = openTestStore(dir, cleanups, undefined, () => 200);
    expect(store.schemaVersion()).toBeGreaterThanOrEqual(3);
    expect(store.listEvents({})).toEqual(events);
    expect(store.audit.verify()).toEqual({ ok: true, entries: 0, lastHash: null });
    expect(store.audit.append({ kind: 'plan' })).toMatchObject({ seq: 1, ts: 200 });
  });

  it('refuses a detail that is not JSON even from a raw INSERT', () => {
    const store = openTestStore(tempDir(cleanups), cleanups);
    const db = new Database(store.path);
    cleanups.push(() => db.close());
    expect(() => db.prepare("INSERT INTO audit VALUES (1, 0, 'u', 'h', 'k', NULL, '{not json', 'p', 'h')").run()).toThrow(/CHECK constraint failed/);
  });
});
