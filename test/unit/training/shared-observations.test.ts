/**
 * Two processes on one data directory see the same Slurm change: the store keeps it once. Each
 * "process" here is its own store connection, as a second console's would be.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { fleetMigrations } from '../../../electron/core/fleet/builtin-features';
import { openStore, type Store } from '../../../electron/core/store/open-store';
import { SharedObservations } from '../../../electron/core/training/shared-observations';

const dirs: string[] = [];
const opened: Array<{ close(): void }> = [];
afterEach(() => {
  for (const o of opened.splice(0)) o.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function processOn(dir: string): { store: Store; observed: SharedObservations } {
  const store = openStore(dir, { migrations: fleetMigrations() });
  const db = new Database(store.path);
  opened.push(store, db);
  return { store, observed: new SharedObservations(db) };
}

const drained = (ts: number) => ({ ts, kind: 'slurm.node.state', subject: 'gpu-t01', severity: 'warning' as const, message: 'gpu-t01: Slurm MIXED → MIXED+DRAIN (reason: XID 79, by root)' });

describe('a Slurm change seen by two processes', () => {
  it('is recorded once; the same change later, or another one, is recorded again', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetops-observed-'));
    dirs.push(dir);
    const a = processOn(dir);
    const b = processOn(dir);
    const t0 = 1_000_000;
    expect(a.observed.recordOnce(drained(t0), 15_000, (e) => a.store.appendEvent(e))).toBe(true);
    // The other console, polling 6 s later, sees the same transition.
    expect(b.observed.recordOnce(drained(t0 + 6_000), 15_000, (e) => b.store.appendEvent(e))).toBe(false);
    // A different change is news.
    expect(b.observed.recordOnce({ ...drained(t0 + 6_000), message: 'gpu-t01: Slurm MIXED+DRAIN → MIXED' }, 15_000, (e) => b.store.appendEvent(e))).toBe(true);
    // The same transition after the window: it happened again.
    expect(a.observed.recordOnce(drained(t0 + 40_000), 15_000, (e) => a.store.appendEvent(e))).toBe(true);
    expect(a.store.listEvents({ limit: 10 }).filter((e) => e.kind === 'slurm.node.state')).toHaveLength(3);
  });
});
