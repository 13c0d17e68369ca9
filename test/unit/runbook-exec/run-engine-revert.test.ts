/**
 * RunbookEngine.revert: a run that succeeded is undone last step first (a drill's response once
 * the drill restored its fault), holding its subjects again while it does, refused for a run that
 * did not succeed and while another run holds one of its subjects.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OWNERSHIP_MIGRATION } from '../../../electron/core/locks/ownership-migration';
import { ProcessOwner } from '../../../electron/core/locks/process-owner';
import { RUNBOOK_JOURNAL_MIGRATION } from '../../../electron/core/runbook-exec/journal-migration';
import { RunbookEngine } from '../../../electron/core/runbook-exec/run-engine';
import { FakeActions, planOf } from './fake-actions';

const OPERATOR = { user: 'alice', host: 'laptop' };
let dir: string;
let db: Database.Database;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fleetops-engine-revert-'));
  db = new Database(join(dir, 'journal.db'));
  db.exec(RUNBOOK_JOURNAL_MIGRATION.up + OWNERSHIP_MIGRATION.up);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function engineWith(actions: FakeActions): RunbookEngine {
  let n = 0;
  return new RunbookEngine({ db, owner: new ProcessOwner(db, { label: 't', identity: OPERATOR }), actions, newId: () => `run-${++n}` });
}

describe('revert', () => {
  it('undoes every step of a run that succeeded, last first, and ends rolled back', async () => {
    const actions = new FakeActions();
    const engine = engineWith(actions);
    const run = engine.start(planOf(3), { operator: OPERATOR });
    expect((await run.done).status).toBe('succeeded');
    expect(engine.holderOf('llm/b1')).toBeNull();
    const reverted = engine.revert(run.runId);
    // It holds its subjects again while its undos run.
    expect(engine.holderOf('llm/b1')).not.toBeNull();
    const end = await reverted.done;
    expect(end).toMatchObject({ status: 'rolled-back', reason: 'operator' });
    expect(end.endedAt).not.toBeNull();
    expect(actions.calls).toEqual(['s0', 's1', 's2', 'u2', 'u1', 'u0']);
    expect(end.steps.map((s) => s.status)).toEqual(['undone', 'undone', 'undone']);
    expect(engine.holderOf('llm/b1')).toBeNull();
    expect(engine.get(run.runId).status).toBe('rolled-back');
  });

  it('refuses a run that did not succeed, and one whose subject another run holds now', async () => {
    const actions = new FakeActions();
    const engine = engineWith(actions);
    actions.failing.add('s1');
    const failed = engine.start(planOf(2), { operator: OPERATOR });
    expect((await failed.done).status).toBe('rolled-back');
    expect(() => engine.revert(failed.runId)).toThrow(/only a run that succeeded can be reverted/);

    actions.failing.clear();
    const done = engine.start(planOf(1), { operator: OPERATOR });
    expect((await done.done).status).toBe('succeeded');
    const blocked = actions.block('s0');
    const holder = engine.start(planOf(1), { operator: OPERATOR });
    await blocked;
    expect(() => engine.revert(done.runId)).toThrow(expect.objectContaining({ code: 'RUNBOOK_LOCKED' }));
    // Refused as a whole: the run is still the one that succeeded.
    expect(engine.get(done.runId).status).toBe('succeeded');
    actions.release('s0');
    await holder.done;
  });
});
