import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FleetError } from '../../../shared/errors';
import { migrate, type Migration } from '../../../electron/core/store/migrate';
import { openStore } from '../../../electron/core/store/open-store';
import { fleetMigrations } from '../../../electron/core/fleet/builtin-features';

/** The data directory's schema: the store's own migrations and the built-in features'. */
const MIGRATIONS = fleetMigrations();

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'fleetops-migrate-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Reads the database with a plain connection, independent of the code under test. */
function inspect<T>(file: string, fn: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

const recorded = (file: string) =>
  inspect(file, (db) => db.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all());
const userVersion = (file: string) => inspect(file, (db) => db.pragma('user_version', { simple: true }));
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

function expectFleetError(fn: () => unknown, code: string, message: RegExp): FleetError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(FleetError);
    expect((err as FleetError).code).toBe(code);
    expect((err as FleetError).message).toMatch(message);
    return err as FleetError;
  }
  throw new Error('expected a FleetError');
}

/**
 * The real history plus three later capabilities, as a future build would append them: each step
 * depends on the previous one and logs its own run.
 */
const base = MIGRATIONS.length;
const fake: Migration[] = [
  ...MIGRATIONS,
  { version: base + 1, name: 'log', up: 'CREATE TABLE log (step INTEGER NOT NULL)' },
  { version: base + 2, name: 'things', up: `INSERT INTO log VALUES (${base + 2}); CREATE TABLE things (id INTEGER PRIMARY KEY)` },
  { version: base + 3, name: 'things-label', up: `INSERT INTO log VALUES (${base + 3}); ALTER TABLE things ADD COLUMN label TEXT` },
];
const latest = base + 3;

describe('migrations', () => {
  it('ships migration 1 creating the events table and its indexes, 2 creating request_buckets and 3 the audit table', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    const dir = tempDir();
    const store = openStore(dir, { migrations: MIGRATIONS, now: () => 1234 });
    store.close();
    expect(MIGRATIONS.slice(0, 3).map((m) => m.name)).toEqual(['events', 'request_buckets', 'audit']);
    expect(recorded(store.path)).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name, applied_at: 1234 })));
    expect(userVersion(store.path)).toBe(MIGRATIONS.length);
    const indexes = inspect(store.path, (db) => db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' ORDER BY name").all());
    // Migration 1's two, and the timeline's (migration 11): one per filter, each ending in ts.
    expect(indexes).toEqual(['events_kind_ts_id', 'events_origin_ts', 'events_severity_ts', 'events_subject_id', 'events_subject_ts_id', 'events_ts'].map((name) => ({ name })));
    const auditTriggers = inspect(store.path, (db) => db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit' ORDER BY name").all());
    expect(auditTriggers).toEqual([{ name: 'audit_no_delete' }, { name: 'audit_no_update' }]);
  });

  it('reports the schema version', () => {
    const store = openStore(tempDir(), { migrations: MIGRATIONS });
    cleanups.push(() => store.close());
    expect(store.schemaVersion()).toBe(MIGRATIONS.length);
  });

  it('is idempotent: reopening applies nothing again', () => {
    const dir = tempDir();
    openStore(dir, { migrations: MIGRATIONS, now: () => 1 }).close();
    const store = openStore(dir, { migrations: MIGRATIONS, now: () => 2 });
    store.close();
    expect(recorded(store.path)).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name, applied_at: 1 })));
  });

  it('runs a list of migrations once each, in order', () => {
    const dir = tempDir();
    const store = openStore(dir, { migrations: fake, now: () => 7 });
    expect(store.schemaVersion()).toBe(latest);
    store.close();
    openStore(dir, { migrations: fake, now: () => 8 }).close();
    expect(inspect(store.path, (db) => db.prepare('SELECT step FROM log').all())).toEqual([{ step: base + 2 }, { step: base + 3 }]);
    expect(recorded(store.path)).toEqual(fake.map((m) => ({ version: m.version, name: m.name, applied_at: 7 })));
    expect(userVersion(store.path)).toBe(latest);
  });

  it('applies only the migrations added since the database was last opened', () => {
    const dir = tempDir();
    openStore(dir, { migrations: fake.slice(0, -1), now: () => 1 }).close();
    const store = openStore(dir, { migrations: fake, now: () => 2 });
    store.close();
    expect(inspect(store.path, (db) => db.prepare('SELECT step FROM log').all())).toEqual([{ step: base + 2 }, { step: base + 3 }]);
    expect(recorded(store.path).map((r) => (r as { applied_at: number }).applied_at)).toEqual([...fake.slice(0, -1).map(() => 1), 2]);
  });

  it('two processes migrating one fresh data directory at once: each migration applied once, by whichever got there first', () => {
    const file = path.join(tempDir(), 'fleetops.db');
    const mine = new Database(file);
    const other = new Database(file);
    cleanups.push(() => (mine.close(), other.close()));
    // This process has read the version (0) and is about to apply the first migration; the other
    // process then migrates the whole list before this one's first transaction begins.
    let otherRan = false;
    const result = migrate(mine, fake, file, () => 1, () => {
      if (otherRan) return;
      otherRan = true;
      expect(migrate(other, fake, file, () => 2).applied).toHaveLength(latest);
    });
    // Nothing failed ("table already exists") and nothing ran twice.
    expect(result.applied).toEqual([]);
    expect(recorded(file).map((r) => (r as { applied_at: number }).applied_at)).toEqual(fake.map(() => 2));
    expect(inspect(file, (db) => db.prepare('SELECT step FROM log').all())).toEqual([{ step: base + 2 }, { step: base + 3 }]);
    expect(userVersion(file)).toBe(latest);
  });

  it('rolls a failing migration back entirely and leaves the previous version', () => {
    const dir = tempDir();
    const broken: Migration[] = [...fake.slice(0, -1), { version: latest, name: 'broken', up: 'CREATE TABLE half (x); INSERT INTO nowhere VALUES (1)' }];
    expectFleetError(() => openStore(dir, { migrations: broken }), 'INTERNAL', new RegExp(`migration ${latest} "broken" failed on .*fleetops\\.db: no such table: nowhere`));
    const file = path.join(dir, 'fleetops.db');
    expect(userVersion(file)).toBe(latest - 1);
    expect(recorded(file)).toHaveLength(latest - 1);
    expect(inspect(file, (db) => db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").all())).toEqual([]);
  });

  it('refuses a database from a newer version and leaves it untouched', () => {
    const dir = tempDir();
    const newer = openStore(dir, { migrations: fake });
    newer.appendEvent({ ts: 1, kind: 'k', subject: null, severity: 'info', message: 'written by the newer build' });
    newer.close();
    const file = path.join(dir, 'fleetops.db');
    const before = sha(file);
    const error = expectFleetError(
      () => openStore(dir, { migrations: MIGRATIONS }),
      'INTERNAL',
      new RegExp(`fleetops\\.db has schema version ${latest}, but this fleetops only knows up to ${base}: it was written by a newer version; refusing to open it$`),
    );
    expect(error.message).toContain(file);
    expect(sha(file)).toBe(before);
    expect(userVersion(file)).toBe(latest);
  });

  it('refuses a newer non-WAL database without switching its journal mode', () => {
    const dir = tempDir();
    const file = path.join(dir, 'fleetops.db');
    const db = new Database(file);
    db.pragma('user_version = 99');
    db.close();
    const before = sha(file);
    expectFleetError(() => openStore(dir, { migrations: MIGRATIONS }), 'INTERNAL', /schema version 99/);
    expect(sha(file)).toBe(before);
    expect(inspect(file, (d) => d.pragma('journal_mode', { simple: true }))).toBe('delete');
  });

  it('refuses a database whose recorded history disagrees with this build', () => {
    const dir = tempDir();
    openStore(dir, { migrations: fake }).close();
    const renamed = fake.map((m) => (m.name === 'things' ? { ...m, name: 'widgets' } : m));
    expectFleetError(() => openStore(dir, { migrations: renamed }), 'INTERNAL', new RegExp(`recorded migration ${base + 2} as "things" but this build calls it "widgets"`));
  });

  it('refuses a migration list with gaps or out of order', () => {
    const gap = [...MIGRATIONS, fake[base + 1]];
    expectFleetError(() => openStore(tempDir(), { migrations: gap }), 'INTERNAL', new RegExp(`entry ${base} has version ${base + 2}, expected ${base + 1}`));
  });
});

describe('openStore on a file that is not a fleetops database', () => {
  it('refuses a non-SQLite file with a message naming it, and leaves it alone', () => {
    const dir = tempDir();
    const file = path.join(dir, 'fleetops.db');
    writeFileSync(file, 'this is a text file, not a database\n'.repeat(200));
    const before = sha(file);
    const error = expectFleetError(() => openStore(dir, { migrations: MIGRATIONS }), 'INTERNAL', /is not a usable fleetops event store: file is not a database/);
    expect(error.message).toContain(file);
    expect(sha(file)).toBe(before);
  });

  it('refuses a corrupted database', () => {
    const dir = tempDir();
    const good = openStore(dir, { migrations: MIGRATIONS });
    good.appendEvents(Array.from({ length: 200 }, (_, i) => ({ ts: i, kind: 'k', subject: 's', severity: 'info' as const, message: 'x'.repeat(200) })));
    good.close();
    const file = good.path;
    // Keep the 100-byte header so SQLite recognises the file, then wreck the schema page.
    const bytes = readFileSync(file);
    bytes.fill(0xa5, 100, 4096);
    const corruptDir = tempDir();
    writeFileSync(path.join(corruptDir, 'fleetops.db'), bytes);
    const error = expectFleetError(() => openStore(corruptDir, { migrations: MIGRATIONS }), 'INTERNAL', /fleetops\.db is not a usable fleetops event store: /);
    expect(error.message).toContain(path.join(corruptDir, 'fleetops.db'));
  });

  it('refuses a data directory that is a file', () => {
    const dir = tempDir();
    const notADir = path.join(dir, 'data');
    copyFileSync(__filename, notADir);
    const error = expectFleetError(() => openStore(notADir, { migrations: MIGRATIONS }), 'INTERNAL', /cannot create data directory/);
    expect(error.message).toContain(notADir);
  });
});
