/** Stored settings (migration 5): typed round trip, validation both ways, unreadable rows, and the migration on a v4 database. */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FleetError } from '../../../shared/errors';
import { READ_ONLY_SETTING } from '../../../electron/core/runbook-exec/read-only-setting';
import { migrate } from '../../../electron/core/store/migrate';
import { openStore } from '../../../electron/core/store/open-store';
import type { SettingDefinition } from '../../../electron/core/store/settings';
import { fleetMigrations } from '../../../electron/core/fleet/builtin-features';

/** The data directory's schema: the store's own migrations and the built-in features'. */
const MIGRATIONS = fleetMigrations();

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()?.();
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'fleetops-settings-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A migrated store file, closed again: each settingsOn opens a store of its own on it, as another console would. */
function storeFile(): string {
  const store = openStore(tempDir(), { migrations: MIGRATIONS, now: () => 1 });
  store.close();
  return store.path;
}

function settingsOn(file: string, now = () => 5000) {
  const store = openStore(path.dirname(file), { migrations: MIGRATIONS, now });
  cleanups.push(() => store.close());
  return store.settings;
}

/** Writes a raw row as something outside fleetops would: with the json_valid CHECK switched off. */
function writeRaw(file: string, key: string, value: string): void {
  const db = new Database(file);
  try {
    db.pragma('ignore_check_constraints = ON');
    db.prepare('INSERT OR REPLACE INTO settings (key, value, updated_at) VALUES (?, ?, 42)').run(key, value);
  } finally {
    db.close();
  }
}

const LIMIT: SettingDefinition<{ max: number }> = {
  key: 'limit',
  schema: z.object({ max: z.number().int().min(1) }),
  initial: { max: 10 },
  whenUnreadable: { max: 1 },
};

describe('settings', () => {
  it('reads the initial value until set, then the stored one, from another connection too', () => {
    const file = storeFile();
    const a = settingsOn(file);
    expect(a.get(LIMIT)).toEqual({ value: { max: 10 }, source: 'initial', updatedAt: null, problem: null });
    expect(a.set(LIMIT, { max: 3 })).toEqual({ max: 3 });
    expect(a.set(LIMIT, { max: 7 })).toEqual({ max: 7 });
    const b = settingsOn(file);
    expect(b.get(LIMIT)).toEqual({ value: { max: 7 }, source: 'stored', updatedAt: 5000, problem: null });
    const raw = new Database(file, { readonly: true });
    cleanups.push(() => raw.close());
    expect(raw.prepare('SELECT key, value, updated_at FROM settings').all()).toEqual([{ key: 'limit', value: '{"max":7}', updated_at: 5000 }]);
  });

  it('refuses to store a value that does not match the schema, and keeps the old one', () => {
    const s = settingsOn(storeFile());
    s.set(LIMIT, { max: 2 });
    let err: unknown;
    try {
      s.set(LIMIT, { max: 0 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FleetError);
    expect(err).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/^invalid value for setting "limit": max: /) });
    expect(s.get(LIMIT).value).toEqual({ max: 2 });
  });

  it('a row that is not JSON reads as the definition\'s unreadable value, saying which setting, which file and why', () => {
    const file = storeFile();
    writeRaw(file, 'limit', '{"max": 3');
    const read = settingsOn(file).get(LIMIT);
    expect(read).toMatchObject({ value: { max: 1 }, source: 'unreadable', updatedAt: 42 });
    expect(read.problem).toMatch(new RegExp(`^setting "limit" in ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is unreadable \\(not JSON: .+\\); using \\{"max":1\\} until it is set again$`));
  });

  it('a row of the wrong shape reads as the unreadable value, naming the field; setting it again repairs it', () => {
    const file = storeFile();
    writeRaw(file, 'limit', '{"max": "lots"}');
    const s = settingsOn(file);
    expect(s.get(LIMIT)).toMatchObject({ value: { max: 1 }, source: 'unreadable', problem: expect.stringMatching(/is unreadable \(max: .*number/) });
    s.set(LIMIT, { max: 4 });
    expect(s.get(LIMIT)).toMatchObject({ value: { max: 4 }, source: 'stored', problem: null });
  });

  it('the read-only switch: off until set; an unreadable row reads as read-only ON globally', () => {
    const file = storeFile();
    const s = settingsOn(file);
    expect(s.get(READ_ONLY_SETTING).value).toEqual({ global: false, clusters: [] });
    s.set(READ_ONLY_SETTING, { global: false, clusters: ['use1-inf'] });
    expect(settingsOn(file).get(READ_ONLY_SETTING)).toMatchObject({ value: { global: false, clusters: ['use1-inf'] }, source: 'stored' });
    writeRaw(file, 'read-only', '{"global": "no"}');
    expect(settingsOn(file).get(READ_ONLY_SETTING)).toMatchObject({ value: { global: true, clusters: [] }, source: 'unreadable', problem: expect.stringMatching(/^setting "read-only" in .* is unreadable \(global: .*boolean/) });
    writeRaw(file, 'read-only', 'off');
    expect(settingsOn(file).get(READ_ONLY_SETTING)).toMatchObject({ value: { global: true, clusters: [] }, source: 'unreadable', problem: expect.stringMatching(/not JSON/) });
  });

  it('the table refuses a value that is not JSON from a plain INSERT', () => {
    const db = new Database(storeFile());
    cleanups.push(() => db.close());
    expect(() => db.prepare("INSERT INTO settings VALUES ('k', '{not json', 0)").run()).toThrow(/CHECK constraint failed/);
  });
});

describe('migration 5: settings', () => {
  it('applies on a version-4 database, keeping its audit chain and runs', () => {
    expect(MIGRATIONS[4]).toMatchObject({ version: 5, name: 'settings' });
    const dir = tempDir();
    const file = path.join(dir, 'fleetops.db');
    const v4 = new Database(file);
    v4.pragma('journal_mode = WAL');
    migrate(v4, MIGRATIONS.slice(0, 4), file, () => 100);
    v4.prepare("INSERT INTO runbook_runs (id, runbook, target, plan, operator_user, operator_host, status, started_at) VALUES ('run-1', 'rb', 't', '{}', 'u', 'h', 'succeeded', 1)").run();
    v4.close();
    const before = openStore(dir, { migrations: MIGRATIONS.slice(0, 4), now: () => 150 });
    before.audit.append({ kind: 'settings.read-only', detail: { global: true, clusters: [] } });
    expect(() => before.settings).toThrow(/has no usable settings table/);
    before.close();

    const store = openStore(dir, { migrations: MIGRATIONS, now: () => 200 });
    cleanups.push(() => store.close());
    expect(store.schemaVersion()).toBe(MIGRATIONS[MIGRATIONS.length - 1]!.version);
    expect(store.audit.verify()).toMatchObject({ ok: true, entries: 1 });
    const s = settingsOn(file);
    expect(s.get(READ_ONLY_SETTING).source).toBe('initial');
    s.set(READ_ONLY_SETTING, { global: true, clusters: [] });
    expect(settingsOn(file).get(READ_ONLY_SETTING).value).toEqual({ global: true, clusters: [] });
    const raw = new Database(file, { readonly: true });
    cleanups.push(() => raw.close());
    expect(raw.prepare('SELECT id FROM runbook_runs').all()).toEqual([{ id: 'run-1' }]);
    expect(raw.prepare('SELECT version, name, applied_at FROM schema_migrations WHERE version = 5').get()).toEqual({ version: 5, name: 'settings', applied_at: 200 });
  });
});
