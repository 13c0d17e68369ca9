/**
 * Owners and locks in the store, as several processes see them: liveness by lease and by pid,
 * locks that name their holder, a dead process's change lock dropped, a run's lock kept until
 * the run ends, and an engine that recovers only runs whose owner is dead (lease run out on
 * another host, or pid gone here).
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LockTable } from '../../../electron/core/locks/lock-table';
import { OWNERSHIP_MIGRATION } from '../../../electron/core/locks/ownership-migration';
import { ProcessOwner } from '../../../electron/core/locks/process-owner';
import { RUNBOOK_JOURNAL_MIGRATION } from '../../../electron/core/runbook-exec/journal-migration';
import { RunbookEngine } from '../../../electron/core/runbook-exec/run-engine';
import { FakeActions, planOf } from '../runbook-exec/fake-actions';

const ALICE = { user: 'alice', host: 'ops-1' };
let dir: string;
let dbs: Database.Database[];
let clock: number;
const now = () => clock;

function openDb(): Database.Database {
  const db = new Database(join(dir, 'fleetops.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  if (!db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'runbook_runs'").get()) db.exec(RUNBOOK_JOURNAL_MIGRATION.up + OWNERSHIP_MIGRATION.up);
  dbs.push(db);
  return db;
}

function owner(db: Database.Database, opts: { host?: string; pid?: number; alive?: Set<number>; leaseMs?: number; label?: string } = {}): ProcessOwner {
  const alive = opts.alive ?? new Set([opts.pid ?? 4242]);
  return new ProcessOwner(db, { label: opts.label ?? 'fleetops run', identity: ALICE, host: opts.host ?? 'ops-1', pid: opts.pid ?? 4242, leaseMs: opts.leaseMs ?? 30_000, now, pidAlive: (p) => alive.has(p) });
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fleetops-ownership-unit-'));
  dbs = [];
  clock = Date.UTC(2026, 11, 4, 12, 3);
});
afterEach(() => {
  for (const db of dbs) if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('process owners', () => {
  it('another host: alive while its lease is fresh, dead once it ran out (or it stopped cleanly)', () => {
    const remote = owner(openDb(), { host: 'ops-2', pid: 7 });
    const local = owner(openDb(), { host: 'ops-1', pid: 8, alive: new Set() });
    expect(local.isAlive(remote.id)).toBe(true);
    clock += 29_000;
    expect(local.isAlive(remote.id)).toBe(true);
    remote.heartbeat();
    clock += 29_000;
    expect(local.isAlive(remote.id)).toBe(true);
    clock += 2_000;
    expect(local.isAlive(remote.id)).toBe(false);
    expect(local.describe(remote.id)).toMatch(/^fleetops run \(pid 7 on ops-2, alice, started \d\d:\d\d, no longer running\)$/);
    const other = owner(openDb(), { host: 'ops-2', pid: 9 });
    expect(local.isAlive(other.id)).toBe(true);
    other.end();
    expect(local.isAlive(other.id)).toBe(false);
  });

  it('this host: dead as soon as its pid is gone, whatever the lease says', () => {
    const alive = new Set([11, 12]);
    const a = owner(openDb(), { pid: 11, alive });
    const b = owner(openDb(), { pid: 12, alive });
    expect(b.isAlive(a.id)).toBe(true);
    alive.delete(11);
    expect(b.isAlive(a.id)).toBe(false);
    expect(b.isAlive(null)).toBe(false);
    expect(b.isAlive('no-such-owner')).toBe(false);
  });
});

describe('subject locks', () => {
  it('a held subject is refused naming the holder; a dead process change lock is dropped', () => {
    const alive = new Set([21, 22]);
    const dbA = openDb();
    const a = owner(dbA, { pid: 21, alive, label: 'fleetops serve' });
    const locksA = new LockTable(dbA, a, now);
    const dbB = openDb();
    const b = owner(dbB, { pid: 22, alive, label: 'fleetops run' });
    const locksB = new LockTable(dbB, b, now);
    locksA.acquire(['r1', 'r2'], { kind: 'change', id: 'c1' });
    expect(() => locksB.acquire(['r3', 'r2'], { kind: 'change', id: 'c2' })).toThrow(/r2 is held by a load balancer change being made by fleetops serve \(pid 21 on ops-1/);
    // All or nothing: r3 was not taken either.
    expect(locksB.heldBy('r3')).toBeNull();
    alive.delete(21);
    locksB.acquire(['r2'], { kind: 'change', id: 'c2' });
    expect(locksA.heldBy('r2')?.holder).toEqual({ kind: 'change', id: 'c2' });
    locksB.release({ kind: 'change', id: 'c2' });
    expect(locksA.heldBy('r2')).toBeNull();
  });
});

describe('the engine across processes', () => {
  it('recovers a run of another host only once that host’s lease ran out; the run keeps its locks until rolled back', async () => {
    const dbA = openDb();
    const remote = owner(dbA, { host: 'ops-2', pid: 5, label: 'fleetops run' });
    const actionsA = new FakeActions();
    const started = actionsA.block('s1');
    const a = new RunbookEngine({ db: dbA, owner: remote, actions: actionsA, now, newId: () => 'run-a' });
    const handle = a.start({ ...planOf(3), locks: ['r1'] }, { operator: ALICE });
    await started;

    const dbB = openDb();
    const console2 = owner(dbB, { host: 'ops-1', pid: 6, label: 'fleetops serve' });
    const b = new RunbookEngine({ db: dbB, owner: console2, actions: new FakeActions(), now, newId: () => 'run-b' });
    expect(b.recover()).toEqual([]);
    expect(b.tick()).toEqual([]);
    expect(b.get('run-a').status).toBe('running');
    expect(() => b.start({ ...planOf(1), locks: ['r1'] }, { operator: ALICE })).toThrow(/r1 is held by run run-a \(.*running.*\) in fleetops run \(pid 5 on ops-2/);

    // ops-2 falls silent: no heartbeat for longer than its lease.
    clock += 31_000;
    const interrupted = b.tick();
    expect(interrupted.map((r) => [r.id, r.status, r.interruptedStep])).toEqual([['run-a', 'interrupted', 1]]);
    expect(b.tick()).toEqual([]);
    expect(() => b.start({ ...planOf(1), locks: ['r1'] }, { operator: ALICE })).toThrow(/RUNBOOK_LOCKED|held by run run-a \(.*interrupted/);
    const undo = new FakeActions();
    const c = new RunbookEngine({ db: openDb(), owner: owner(dbs[2]!, { pid: 6, host: 'ops-1', label: 'fleetops serve' }), actions: undo, now });
    expect((await c.rollback('run-a').done).status).toBe('rolled-back');
    expect(undo.calls).toEqual(['u1', 'u0']);
    expect(b.holderOf('r1')).toBeNull();
    // The old owner wakes up: the run is not its own any more, so it touches nothing.
    actionsA.release('s1');
    const afterWake = await handle.done;
    expect(afterWake.status).toBe('running');
    expect(actionsA.calls).toEqual(['s0', 's1']);
    // …nor overwrites what the new owner recorded.
    expect(b.get('run-a')).toMatchObject({ status: 'rolled-back' });
    expect(b.get('run-a').steps.map((s) => s.status)).toEqual(['undone', 'undone', 'pending']);
  });

  it('an abort asked from another process is carried out by the run’s owner at its next tick', async () => {
    const alive = new Set([31, 32]);
    const dbA = openDb();
    const actions = new FakeActions();
    const started = actions.block('s1');
    const a = new RunbookEngine({ db: dbA, owner: owner(dbA, { pid: 31, alive }), actions, now, newId: () => 'run-x' });
    const handle = a.start(planOf(3), { operator: ALICE });
    await started;
    const dbB = openDb();
    const b = new RunbookEngine({ db: dbB, owner: owner(dbB, { pid: 32, alive }), actions: new FakeActions(), now });
    b.abort('run-x');
    expect(actions.settled.get('s1')).toBeUndefined();
    a.tick();
    const ended = await handle.done;
    expect(ended).toMatchObject({ status: 'rolled-back', reason: 'aborted' });
    expect(actions.calls).toEqual(['s0', 's1', 'u1', 'u0']);
  });
});
