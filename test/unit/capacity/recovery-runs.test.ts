import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { cachedRecoveryRuns, recoveryRunsFrom } from '../../../electron/core/capacity/capacity-for-core';

/** The columns these reads use, as the drills' and the run journal's migrations create them. */
function store(): Database.Database {
  const db = new Database(':memory:');
  db.exec(`
    CREATE TABLE drill_runs (id TEXT PRIMARY KEY, started_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, derived TEXT);
    CREATE TABLE runbook_runs (id TEXT PRIMARY KEY, runbook TEXT NOT NULL, plan TEXT NOT NULL, status TEXT NOT NULL, started_at INTEGER NOT NULL, ended_at INTEGER);
    CREATE TABLE runbook_run_steps (run_id TEXT NOT NULL, step_index INTEGER NOT NULL, status TEXT NOT NULL, started_at INTEGER, duration_ms INTEGER);
  `);
  return db;
}

const PLAN = JSON.stringify({ steps: [{ index: 0, action: { type: 'confirm' } }, { index: 1, action: { type: 'ssh.run' } }, { index: 2, action: { type: 'wait.healthy' } }, { index: 3, action: { type: 'lb.set-state' } }, { index: 4, action: { type: 'lb.wait' } }] });
function replaceRun(db: Database.Database, id: string, t: number, waitMs: number): void {
  db.prepare(`INSERT INTO runbook_runs VALUES (?, 'replace-replica', ?, 'succeeded', ?, ?)`).run(id, PLAN, t, t + 60_000);
  const step = db.prepare(`INSERT INTO runbook_run_steps VALUES (?, ?, 'succeeded', ?, ?)`);
  step.run(id, 1, t + 1000, 200);
  step.run(id, 2, t + 1200, waitMs);
  step.run(id, 4, t + 1200 + waitMs + 100, 3000);
}

let db: Database.Database | null = null;
afterEach(() => db?.close());

describe('recovery times measured by replacements', () => {
  it('a replace-replica run: the spare start to healthy (cold only), HAProxy taking it in (both)', () => {
    db = store();
    replaceRun(db, 'cold', 1_000_000, 18_000);
    replaceRun(db, 'warm', 2_000_000, 100);
    db.prepare(`INSERT INTO drill_runs VALUES ('d1', 5, 6, ?)`).run(JSON.stringify({ spareModelLoadSeconds: 25, riseTimesInterSeconds: 4 }));
    expect(recoveryRunsFrom(db)).toEqual([
      { spareModelLoadSeconds: 25, riseTimesInterSeconds: 4 },
      // Newest first: the warm spare's wait ended at once, so it says nothing of a cold start.
      { spareModelLoadSeconds: null, riseTimesInterSeconds: 3 },
      { spareModelLoadSeconds: 18.2, riseTimesInterSeconds: 3 },
    ]);
  });

  it('is read again only when a run or a drill was written', () => {
    db = store();
    const read = cachedRecoveryRuns(db);
    expect(read()).toEqual([]);
    const first = read();
    expect(read()).toBe(first);
    replaceRun(db, 'cold', 1_000_000, 18_000);
    const second = read();
    expect(second).toHaveLength(1);
    expect(read()).toBe(second);
    db.prepare(`INSERT INTO drill_runs VALUES ('d1', 5, 6, ?)`).run(JSON.stringify({ spareModelLoadSeconds: 25, riseTimesInterSeconds: 4 }));
    expect(read()).toHaveLength(2);
  });
});
