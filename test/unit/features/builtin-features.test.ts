/**
 * The engine as it is shipped: FleetCore builds every registered feature, takes every contract
 * method from one of them, opens the store with the schema they bring, and answers the
 * features' methods before any inventory loads, each the way that feature says.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { methods } from '../../../shared/contract';
import { BUILTIN_FEATURES, fleetMigrations } from '../../../electron/core/fleet/builtin-features';
import { FleetCore } from '../../../electron/core/fleet/core';
import { createDispatch } from '../../../electron/core/rpc/dispatch';

let dir: string;
let core: FleetCore | null;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fleetops-builtin-features-'));
  core = null;
});
afterEach(async () => {
  await core?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const newCore = (opts: { history?: false } = {}) =>
  (core = new FleetCore({ dataDir: join(dir, 'data'), inventoryPath: null, inventoryEnv: { homeDir: dir, defaultUser: 'ops' }, ...opts }));

describe('the built-in features', () => {
  it('are registered once each', () => {
    const names = BUILTIN_FEATURES.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toEqual(['capacity', 'drill-reports', 'drills', 'fleet', 'gate', 'history', 'incidents', 'lab', 'ownership', 'runbooks', 'services', 'timeline', 'training', 'trust']);
  });

  it('give FleetCore one handler for every contract method, and the store their schema', () => {
    const c = newCore();
    expect(Object.keys(c.handlers).sort()).toEqual(Object.keys(methods).sort());
    const schema = fleetMigrations();
    expect(c.store.schemaVersion()).toBe(schema.length);
    const db = new Database(c.store.path, { readonly: true });
    try {
      expect(db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all()).toEqual(schema.map(({ version, name }) => ({ version, name })));
    } finally {
      db.close();
    }
  });

  it('answer before an inventory loads, each feature in its own way', async () => {
    const c = newCore({ history: false });
    const call = createDispatch(c.handlers, { validateOutput: true });
    expect(await call('runs.list', {})).toMatchObject({ ok: false, error: { code: 'INVENTORY_NOT_LOADED' } });
    expect(await call('history.series', { kind: 'node', subject: 'gpu-a', metrics: ['health'], range: '1h' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await call('lab.injectFault', { node: 'gpu-a', kind: 'gpu-lost' })).toMatchObject({ ok: false, error: { code: 'LAB_NOT_RUNNING' } });
    expect(await call('lab.status', {})).toEqual({ ok: true, result: null });
    expect(await call('fleet.snapshot', {})).toMatchObject({ ok: true, result: { topology: null, runs: [], pendingHostKeys: [], readOnly: { global: false, clusters: [] } } });
    expect(await call('settings.setReadOnly', { global: true, clusters: [] })).toEqual({ ok: true, result: { global: true, clusters: [] } });
    expect(() => c.runbooks()).toThrow(/no inventory is loaded; runbooks need one to plan against/);
  });

  it('start and stop; a core stopped without having started ends its ownership all the same', async () => {
    const started = newCore();
    await started.start();
    started.ownerTick();
    await started.stop();
    const never = newCore();
    await never.stop();
    core = null;
    // A clean stop ends this process's row, so no one waits for its lease to run out.
    const db = new Database(join(dir, 'data', 'fleetops.db'), { readonly: true });
    try {
      const rows = db.prepare('SELECT ended_at FROM process_owners').all() as { ended_at: number | null }[];
      expect(rows).toHaveLength(2);
      expect(rows.every((r) => r.ended_at !== null)).toBe(true);
    } finally {
      db.close();
    }
  });
});
