import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FleetEvent } from '../../../shared/status';
import { openStore, type AppendEventInput, type Store } from '../../../electron/core/store/open-store';
import { DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT } from '../../../electron/core/store/event-log';
import { fleetMigrations } from '../../../electron/core/fleet/builtin-features';

/** The data directory's schema: the store's own migrations and the built-in features'. */
const MIGRATIONS = fleetMigrations();

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'fleetops-store-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function open(dir = tempDir()): Store {
  const store = openStore(dir, { migrations: MIGRATIONS });
  cleanups.push(() => store.close());
  return store;
}

const ev = (i: number, over: Partial<AppendEventInput> = {}): AppendEventInput => ({
  ts: 1_700_000_000_000 + i,
  kind: 'node.health',
  subject: `gpu-${i % 3}`,
  severity: 'info',
  message: `event ${i}`,
  ...over,
});

describe('openStore: event log', () => {
  it('round-trips an event, returning it with its id exactly as it is listed later', () => {
    const store = open();
    const appended = store.appendEvent({ ts: 1_700_000_000_123, kind: 'xid', subject: 'gpu-a01', severity: 'error', message: 'XID 79 on GPU 3', data: { xid: 79, gpu: 3, pci: '0000:3b:00.0', nested: [1, null, 'x'] } });
    expect(appended).toEqual({ id: 1, ts: 1_700_000_000_123, kind: 'xid', subject: 'gpu-a01', severity: 'error', message: 'XID 79 on GPU 3', data: { xid: 79, gpu: 3, pci: '0000:3b:00.0', nested: [1, null, 'x'] } });
    expect(FleetEvent.parse(appended)).toEqual(appended);
    expect(store.listEvents({})).toEqual([appended]);
  });

  it('has no data key when none was given, and keeps an explicit null', () => {
    const store = open();
    const none = store.appendEvent(ev(1));
    const explicitNull = store.appendEvent(ev(2, { data: null }));
    expect('data' in none).toBe(false);
    expect(explicitNull.data).toBeNull();
    expect(store.listEvents({}).map((e) => 'data' in e)).toEqual([true, false]);
  });

  it('returns data after its JSON round trip (a Date becomes its ISO string)', () => {
    const store = open();
    const e = store.appendEvent(ev(1, { data: { at: new Date(0) } }));
    expect(e.data).toEqual({ at: '1970-01-01T00:00:00.000Z' });
  });

  it('lists newest first and pages with beforeId', () => {
    const store = open();
    const all = store.appendEvents(Array.from({ length: 25 }, (_, i) => ev(i)));
    expect(all.map((e) => e.id)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    const page1 = store.listEvents({ limit: 10 });
    const page2 = store.listEvents({ limit: 10, beforeId: page1[9].id });
    const page3 = store.listEvents({ limit: 10, beforeId: page2[9].id });
    expect(page1.map((e) => e.id)).toEqual([25, 24, 23, 22, 21, 20, 19, 18, 17, 16]);
    expect(page2.map((e) => e.id)).toEqual([15, 14, 13, 12, 11, 10, 9, 8, 7, 6]);
    expect(page3.map((e) => e.id)).toEqual([5, 4, 3, 2, 1]);
    expect(store.listEvents({ beforeId: 1 })).toEqual([]);
  });

  it('filters by subject, also when paging', () => {
    const store = open();
    store.appendEvents(Array.from({ length: 12 }, (_, i) => ev(i)));
    store.appendEvent(ev(99, { subject: null, kind: 'inventory.loaded' }));
    const gpu1 = store.listEvents({ subject: 'gpu-1' });
    expect(gpu1.map((e) => e.message)).toEqual(['event 10', 'event 7', 'event 4', 'event 1']);
    expect(store.listEvents({ subject: 'gpu-1', beforeId: gpu1[1].id }).map((e) => e.message)).toEqual(['event 4', 'event 1']);
    expect(store.listEvents({ subject: 'gpu-1', limit: 1 }).map((e) => e.message)).toEqual(['event 10']);
    expect(store.listEvents({ subject: 'nobody' })).toEqual([]);
    expect(store.listEvents({ limit: 1 })[0].subject).toBeNull();
  });

  it(`defaults the limit to ${DEFAULT_LIST_LIMIT} and clamps it to ${MAX_LIST_LIMIT}`, () => {
    const store = open();
    store.appendEvents(Array.from({ length: 1200 }, (_, i) => ev(i)));
    expect(store.listEvents({})).toHaveLength(DEFAULT_LIST_LIMIT);
    expect(store.listEvents({ limit: 5000 })).toHaveLength(MAX_LIST_LIMIT);
  });

  it('rejects bad queries and bad events with BAD_REQUEST', () => {
    const store = open();
    const bad = expect.objectContaining({ code: 'BAD_REQUEST' });
    expect(() => store.listEvents({ limit: 0 })).toThrow(bad);
    expect(() => store.listEvents({ limit: 2.5 })).toThrow(bad);
    expect(() => store.listEvents({ beforeId: Number.NaN })).toThrow(bad);
    expect(() => store.appendEvent(ev(1, { severity: 'fatal' as 'error' }))).toThrow(bad);
    expect(() => store.appendEvent(ev(1, { ts: 1.5 }))).toThrow(bad);
    expect(() => store.appendEvent(ev(1, { kind: '' }))).toThrow(bad);
    expect(() => store.appendEvent(ev(1, { data: 10n }))).toThrow(bad);
    expect(() => store.appendEvent(ev(1, { data: () => 1 }))).toThrow(bad);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => store.appendEvent(ev(1, { data: cyclic }))).toThrow(bad);
    expect(store.listEvents({})).toEqual([]);
  });

  it('appends a batch all or nothing', () => {
    const store = open();
    store.appendEvent(ev(0));
    const batch = [ev(1), ev(2), ev(3, { severity: 'nope' as 'info' }), ev(4)];
    expect(() => store.appendEvents(batch)).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
    expect(store.listEvents({}).map((e) => e.message)).toEqual(['event 0']);
  });

  it('keeps events across close and reopen, and keeps numbering after them', () => {
    const dir = tempDir();
    const first = openStore(dir, { migrations: MIGRATIONS });
    first.appendEvents([ev(1), ev(2)]);
    first.close();
    first.close(); // closing twice is harmless
    const second = open(dir);
    expect(second.listEvents({}).map((e) => e.message)).toEqual(['event 2', 'event 1']);
    expect(second.appendEvent(ev(3)).id).toBe(3);
  });

  it('runs in WAL mode', () => {
    const dir = tempDir();
    const store = open(dir);
    store.appendEvent(ev(1));
    expect(existsSync(`${store.path}-wal`)).toBe(true);
    const other = new Database(store.path, { readonly: true });
    try {
      expect(other.pragma('journal_mode', { simple: true })).toBe('wal');
      // A second connection sees committed events while the store stays open: the point of WAL.
      expect(other.prepare('SELECT COUNT(*) AS n FROM events').get()).toEqual({ n: 1 });
    } finally {
      other.close();
    }
  });

  it('refuses to rewrite an event, even through another connection', () => {
    const store = open();
    store.appendEvent(ev(1));
    const other = new Database(store.path);
    try {
      expect(() => other.prepare("UPDATE events SET message = 'edited'").run()).toThrow(/append-only/);
    } finally {
      other.close();
    }
    expect(store.listEvents({})[0].message).toBe('event 1');
  });

  it('creates the data directory private to the user, with fleetops.db inside', () => {
    const parent = tempDir();
    const dataDir = path.join(parent, 'nested', 'data');
    const store = open(dataDir);
    expect(store.path).toBe(path.join(dataDir, 'fleetops.db'));
    expect(existsSync(store.path)).toBe(true);
    if (process.platform !== 'win32') expect(statSync(dataDir).mode & 0o777).toBe(0o700);
  });

  it('honours fileName', () => {
    const dir = tempDir();
    const store = openStore(dir, { migrations: MIGRATIONS, fileName: 'other.db' });
    cleanups.push(() => store.close());
    expect(store.path).toBe(path.join(dir, 'other.db'));
  });

  it('appends 10,000 events in one transaction: all of them, or none when one is bad (its speed: npm run bench:timeline)', () => {
    const store = open();
    const list = Array.from({ length: 10_000 }, (_, i) => ev(i, { data: { i, temps: [61, 62, 63] } }));
    const bad = [...list.slice(0, 9_999), { ...list[9_999]!, severity: 'fatal' as never }];
    expect(() => store.appendEvents(bad)).toThrow(/severity must be info, warning or error/);
    expect(store.listEvents({ limit: 1 })).toEqual([]);
    const out = store.appendEvents(list);
    expect(out).toHaveLength(10_000);
    expect(out[9_999].id).toBe(10_000);
  });
});
