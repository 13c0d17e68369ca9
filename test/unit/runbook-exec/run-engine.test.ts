import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OWNERSHIP_MIGRATION } from '../../../electron/core/locks/ownership-migration';
import { ProcessOwner } from '../../../electron/core/locks/process-owner';
import { RUNBOOK_JOURNAL_MIGRATION } from '../../../electron/core/runbook-exec/journal-migration';
import { RunbookEngine } from '../../../electron/core/runbook-exec/run-engine';
import type { RunUpdatedEvent } from '../../../electron/core/runbook-exec/run-types';
import { FleetError } from '../../../shared/errors';
import { FakeActions, planOf } from './fake-actions';
import { thrownFleetError } from '../thrown';

const OPERATOR = { user: 'alice', host: 'laptop' };
let dir: string;
let dbs: Database.Database[];

function openDb(): Database.Database {
  const db = new Database(join(dir, 'journal.db'));
  db.pragma('journal_mode = WAL');
  if (!db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'runbook_runs'").get()) db.exec(RUNBOOK_JOURNAL_MIGRATION.up + OWNERSHIP_MIGRATION.up);
  dbs.push(db);
  return db;
}

/**
 * Each engine stands for its own process: a pid of its own (1000 + its index in dbs), alive
 * until crash() kills it, so recovery in one test process sees the others as other processes.
 */
const alive = new Set<number>();
function ownerOn(db: Database.Database): ProcessOwner {
  const pid = 1000 + dbs.indexOf(db);
  alive.add(pid);
  return new ProcessOwner(db, { label: `engine ${pid}`, identity: OPERATOR, pid, pidAlive: (p) => alive.has(p) });
}

/** The process of engine `i` dies: its connection drops, its pid is gone. */
function crash(i: number): void {
  dbs[i]!.close();
  alive.delete(1000 + i);
}

function engineWith(actions: FakeActions, events: RunUpdatedEvent[] = []): RunbookEngine {
  let n = 0;
  const db = openDb();
  return new RunbookEngine({ db, owner: ownerOn(db), actions, onEvent: (e) => events.push(e), newId: () => `run-${++n}-${dbs.length}` });
}


beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fleetops-runbook-engine-'));
  dbs = [];
  alive.clear();
});
afterEach(() => {
  for (const db of dbs) if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('running a plan', () => {
  it('runs the steps in order and reports every step with output and duration', async () => {
    const actions = new FakeActions();
    const events: RunUpdatedEvent[] = [];
    const engine = engineWith(actions, events);
    const run = await engine.start(planOf(3), { operator: OPERATOR }).done;
    expect(actions.calls).toEqual(['s0', 's1', 's2']);
    expect(run.status).toBe('succeeded');
    expect(run.steps.map((s) => [s.status, s.output])).toEqual([
      ['succeeded', 's0 ok'],
      ['succeeded', 's1 ok'],
      ['succeeded', 's2 ok'],
    ]);
    expect(run.steps.every((s) => typeof s.durationMs === 'number' && s.startedAt !== null)).toBe(true);
    // Live progress: step 1 was seen running while step 0 had succeeded.
    expect(events.some((e) => e.run.steps[0]!.status === 'succeeded' && e.run.steps[1]!.status === 'running')).toBe(true);
    expect(events.at(-1)!.run.status).toBe('succeeded');
  });

  it('caps a step output, keeping its tail', async () => {
    const actions = new FakeActions();
    actions.run = (a) => Promise.resolve({ output: `${'x'.repeat(100)}END${a.type}` });
    const engine = new RunbookEngine({ db: openDb(), actions, outputCap: 20 });
    const run = await engine.start(planOf(1), { operator: OPERATOR }).done;
    expect(run.steps[0]!.output).toHaveLength(20);
    expect(run.steps[0]!.output.endsWith('ENDnote')).toBe(true);
  });
});

describe('failure', () => {
  it('undoes the succeeded steps in reverse, skipping steps without an undo and the failed one', async () => {
    const actions = new FakeActions();
    actions.failing.add('s3');
    const run = await engineWith(actions).start(planOf(5, {}, [1]), { operator: OPERATOR }).done;
    expect(actions.calls).toEqual(['s0', 's1', 's2', 's3', 'u2', 'u0']);
    expect(run.status).toBe('rolled-back');
    expect(run.reason).toBe('failed');
    expect(run.steps.map((s) => s.status)).toEqual(['undone', 'succeeded', 'undone', 'failed', 'pending']);
    expect(run.steps[3]!.error).toBe('s3 broke');
  });

  it('with onFailure stop, waits; continue re-runs the failed step and goes on', async () => {
    const actions = new FakeActions();
    actions.failing.add('s1');
    const engine = engineWith(actions);
    const handle = engine.start(planOf(3, { onFailure: 'stop' }), { operator: OPERATOR });
    const stopped = await handle.done;
    expect(stopped.status).toBe('stopped');
    expect(actions.calls).toEqual(['s0', 's1']);
    // Still holds its lock while it waits.
    expect(thrownFleetError(() => engine.start(planOf(1), { operator: OPERATOR })).code).toBe('RUNBOOK_LOCKED');
    actions.failing.delete('s1');
    const done = await engine.continue(handle.runId).done;
    expect(actions.calls).toEqual(['s0', 's1', 's1', 's2']);
    expect(done.status).toBe('succeeded');
  });

  it('with onFailure stop, rollback undoes what succeeded', async () => {
    const actions = new FakeActions();
    actions.failing.add('s2');
    const engine = engineWith(actions);
    const handle = engine.start(planOf(3, { onFailure: 'stop' }), { operator: OPERATOR });
    await handle.done;
    const run = await engine.rollback(handle.runId).done;
    expect(actions.calls).toEqual(['s0', 's1', 's2', 'u1', 'u0']);
    expect(run).toMatchObject({ status: 'rolled-back', reason: 'operator' });
  });

  it('an undo failure ends the run rollback-failed naming the step, and stops undoing', async () => {
    const actions = new FakeActions();
    actions.failing.add('s3');
    actions.failing.add('u1');
    const engine = engineWith(actions);
    const run = await engine.start(planOf(4), { operator: OPERATOR }).done;
    expect(actions.calls).toEqual(['s0', 's1', 's2', 's3', 'u2', 'u1']);
    expect(run.status).toBe('rollback-failed');
    expect(run.rollbackFailedStep).toBe(1);
    expect(run.steps[1]).toMatchObject({ status: 'undo-failed', error: 'undo failed: u1 broke' });
    expect(run.steps[0]!.status).toBe('succeeded');
  });
});

describe('abort', () => {
  it('fires the running step signal, waits for it to settle, then undoes the finished steps in reverse', async () => {
    const actions = new FakeActions();
    const started = actions.block('s2');
    const engine = engineWith(actions);
    const handle = engine.start(planOf(4, {}, [2]), { operator: OPERATOR });
    await started;
    expect(engine.get(handle.runId).steps[2]!.status).toBe('running');
    engine.abort(handle.runId);
    const run = await handle.done;
    expect(actions.settled.get('s2')).toBe('aborted');
    expect(actions.calls).toEqual(['s0', 's1', 's2', 'u1', 'u0']);
    expect(run).toMatchObject({ status: 'rolled-back', reason: 'aborted' });
    expect(run.steps.map((s) => s.status)).toEqual(['undone', 'undone', 'failed', 'pending']);
    expect(run.steps[2]!.error).toBe('cancelled: the run was aborted');
  });

  it('undoes the cancelled step too when it has an undo (its effect is unknown)', async () => {
    const actions = new FakeActions();
    const started = actions.block('s1');
    const engine = engineWith(actions);
    const handle = engine.start(planOf(3), { operator: OPERATOR });
    await started;
    engine.abort(handle.runId);
    await handle.done;
    expect(actions.calls).toEqual(['s0', 's1', 'u1', 'u0']);
  });

  it('refuses to abort a run that is not running', async () => {
    const engine = engineWith(new FakeActions());
    const handle = engine.start(planOf(1), { operator: OPERATOR });
    await handle.done;
    expect(thrownFleetError(() => engine.abort(handle.runId)).code).toBe('BAD_REQUEST');
    expect(thrownFleetError(() => engine.abort('nope')).code).toBe('NOT_FOUND');
  });
});

describe('locks and confirmation', () => {
  it('refuses a second run on a locked subject naming the holder, and releases the lock at the end', async () => {
    const actions = new FakeActions();
    const started = actions.block('s0');
    const engine = engineWith(actions);
    const first = engine.start(planOf(1), { operator: OPERATOR });
    await started;
    const err = thrownFleetError(() => engine.start(planOf(2, { runbook: 'other', locks: ['x', 'llm/b1'] }), { operator: OPERATOR }));
    expect(err.code).toBe('RUNBOOK_LOCKED');
    expect(err.message).toContain(first.runId);
    expect(err.message).toContain('drain-server');
    expect(err.detail).toMatchObject({ runId: first.runId, runbook: 'drain-server' });
    // A plan on other subjects runs meanwhile.
    expect((await engine.start(planOf(1, { locks: ['llm/b2'] }), { operator: OPERATOR }).done).status).toBe('succeeded');
    actions.release('s0');
    await first.done;
    expect((await engine.start(planOf(1, { locks: ['x', 'llm/b1'] }), { operator: OPERATOR }).done).status).toBe('succeeded');
  });

  it('releases locks after a rollback too', async () => {
    const actions = new FakeActions();
    actions.failing.add('s0');
    const engine = engineWith(actions);
    expect((await engine.start(planOf(1), { operator: OPERATOR }).done).status).toBe('rolled-back');
    actions.failing.clear();
    expect((await engine.start(planOf(1), { operator: OPERATOR }).done).status).toBe('succeeded');
  });

  it('needs the typed confirmation when the plan asks for one, and runs nothing without it', async () => {
    const actions = new FakeActions();
    const engine = engineWith(actions);
    const plan = planOf(1, { confirmation: 'prod-east' });
    expect(thrownFleetError(() => engine.start(plan, { operator: OPERATOR })).code).toBe('CONFIRMATION_REQUIRED');
    expect(thrownFleetError(() => engine.start(plan, { operator: OPERATOR, confirm: 'prod-eas' })).code).toBe('CONFIRMATION_REQUIRED');
    expect(actions.calls).toEqual([]);
    expect(engine.list()).toEqual([]);
    expect((await engine.start(plan, { operator: OPERATOR, confirm: 'prod-east' }).done).status).toBe('succeeded');
  });
});

describe('journal and recovery', () => {
  it('a run whose app died during step K is interrupted at K; rollback undoes K and the steps before, in reverse', async () => {
    const actions = new FakeActions();
    const started = actions.block('s2');
    const first = engineWith(actions);
    const handle = first.start(planOf(4), { operator: OPERATOR });
    await started;
    // The crash: this engine and its connection are dropped with step 2 in flight.
    crash(0);

    const after = new FakeActions();
    const second = engineWith(after);
    const interrupted = second.recover();
    expect(interrupted).toHaveLength(1);
    expect(interrupted[0]).toMatchObject({ id: handle.runId, status: 'interrupted', interruptedStep: 2, operator: OPERATOR });
    expect(interrupted[0]!.steps.map((s) => s.status)).toEqual(['succeeded', 'succeeded', 'failed', 'pending']);
    // It keeps its lock until the operator decides.
    expect(thrownFleetError(() => second.start(planOf(1), { operator: OPERATOR })).code).toBe('RUNBOOK_LOCKED');
    const run = await second.rollback(handle.runId).done;
    expect(after.calls).toEqual(['u2', 'u1', 'u0']);
    expect(run.status).toBe('rolled-back');
    expect(second.recover()).toEqual([]);
    expect(engineWith(new FakeActions()).recover()).toEqual([]);
    expect((await second.start(planOf(1), { operator: OPERATOR }).done).status).toBe('succeeded');
  });

  it('continue on an interrupted run re-runs the step in flight and the rest', async () => {
    const actions = new FakeActions();
    const started = actions.block('s1');
    const handle = engineWith(actions).start(planOf(3), { operator: OPERATOR });
    await started;
    crash(0);
    const after = new FakeActions();
    const second = engineWith(after);
    expect(second.recover().map((r) => r.interruptedStep)).toEqual([1]);
    expect((await second.continue(handle.runId).done).status).toBe('succeeded');
    expect(after.calls).toEqual(['s1', 's2']);
  });

  it('a crash in the middle of a rollback: the undo in flight is run again', async () => {
    const actions = new FakeActions();
    actions.failing.add('s2');
    const started = actions.block('u1');
    const handle = engineWith(actions).start(planOf(3), { operator: OPERATOR });
    await started;
    crash(0);
    const after = new FakeActions();
    const second = engineWith(after);
    expect(second.recover()[0]).toMatchObject({ status: 'interrupted', interruptedStep: 1 });
    await second.rollback(handle.runId).done;
    expect(after.calls).toEqual(['u1', 'u0']);
  });

  it('refuses rollback and continue on runs that are not waiting', async () => {
    const engine = engineWith(new FakeActions());
    const handle = engine.start(planOf(1), { operator: OPERATOR });
    await handle.done;
    expect(thrownFleetError(() => engine.rollback(handle.runId)).code).toBe('BAD_REQUEST');
    expect(thrownFleetError(() => engine.continue(handle.runId)).code).toBe('BAD_REQUEST');
  });
});
