import type Database from 'better-sqlite3';
import { RunbookPlan, type StepStatus } from '../../../shared/runbook';
import type { RunStatus, RunView, StepView } from './run-types';

interface RunRow {
  id: string;
  plan: string;
  operator_user: string;
  operator_host: string;
  status: RunStatus;
  reason: RunView['reason'];
  interrupted_step: number | null;
  rollback_failed_step: number | null;
  started_at: number;
  ended_at: number | null;
  owner_id: string | null;
}

interface StepRow {
  step_index: number;
  status: StepStatus;
  output: string;
  error: string | null;
  started_at: number | null;
  duration_ms: number | null;
}

export interface RunJournal {
  /** The run row (owned by `ownerId`) and one pending row per step, in one transaction. */
  createRun(run: RunView, ownerId: string): void;
  saveRun(run: RunView): void;
  /** One step's row (status, output, error, times): called before and after every step and undo. */
  saveStep(runId: string, step: StepView): void;
  /** Runs that had not ended when last written (running, rolling-back, stopped, interrupted). */
  unfinishedRuns(): RunView[];
  get(runId: string): RunView | null;
  /** Unfinished runs, then the newest ended ones, up to `limit` in all. */
  recent(limit: number): RunView[];
  ownerOf(runId: string): string | null;
  /** Running or rolling-back runs whose owner `isAlive` says is dead (or unknown). */
  orphaned(isAlive: (ownerId: string | null) => boolean): RunView[];
  /**
   * Compare-and-set: the run becomes `to`, owned by `ownerId`, only if its status is one of
   * `from` now. False: another process got there first (or the run is not waiting).
   */
  claim(runId: string, ownerId: string, from: readonly RunStatus[], to: RunStatus): boolean;
  /** Marks the run for its owner (another process) to abort at its next check. */
  requestAbort(runId: string): void;
  abortRequested(runId: string): boolean;
  /** Each run written since `sinceMs` by a process other than `ownerId`, and its write counter. */
  versionsSince(sinceMs: number, ownerId: string): Array<{ id: string; version: number }>;
}

/** The journal over the tables of RUNBOOK_JOURNAL_MIGRATION and OWNERSHIP_MIGRATION. Each write is its own committed statement. */
export function createRunJournal(db: Database.Database, now: () => number = Date.now): RunJournal {
  const insertRun = db.prepare(
    `INSERT INTO runbook_runs (id, runbook, target, plan, operator_user, operator_host, status, reason, interrupted_step, started_at, ended_at, owner_id, version, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)`,
  );
  const updateRun = db.prepare(
    'UPDATE runbook_runs SET status = ?, reason = ?, interrupted_step = ?, rollback_failed_step = ?, ended_at = ?, version = version + 1, updated_at = ? WHERE id = ?',
  );
  const touchRun = db.prepare('UPDATE runbook_runs SET version = version + 1, updated_at = ? WHERE id = ?');
  const upsertStep = db.prepare(
    `INSERT INTO runbook_run_steps (run_id, step_index, status, output, error, started_at, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (run_id, step_index) DO UPDATE SET status = excluded.status, output = excluded.output, error = excluded.error,
       started_at = excluded.started_at, duration_ms = excluded.duration_ms`,
  );
  const UNFINISHED = "status NOT IN ('succeeded', 'rolled-back', 'rollback-failed')";
  const selectUnfinished = db.prepare(`SELECT * FROM runbook_runs WHERE ${UNFINISHED} ORDER BY started_at, id`);
  const selectEnded = db.prepare(`SELECT * FROM runbook_runs WHERE NOT (${UNFINISHED}) ORDER BY started_at DESC, id LIMIT ?`);
  const selectOne = db.prepare('SELECT * FROM runbook_runs WHERE id = ?');
  const selectActive = db.prepare("SELECT * FROM runbook_runs WHERE status IN ('running', 'rolling-back') ORDER BY started_at, id");
  const selectSteps = db.prepare('SELECT * FROM runbook_run_steps WHERE run_id = ? ORDER BY step_index');
  const selectOwner = db.prepare('SELECT owner_id FROM runbook_runs WHERE id = ?');
  const selectAbort = db.prepare('SELECT abort_requested_at FROM runbook_runs WHERE id = ?');
  const updateAbort = db.prepare('UPDATE runbook_runs SET abort_requested_at = ?, version = version + 1, updated_at = ? WHERE id = ?');
  const selectVersions = db.prepare('SELECT id, version FROM runbook_runs WHERE updated_at >= ? AND owner_id IS NOT ?');

  const toView = (row: RunRow): RunView => {
    const plan = RunbookPlan.parse(JSON.parse(row.plan));
    const rows = new Map((selectSteps.all(row.id) as StepRow[]).map((s) => [s.step_index, s]));
    const steps: StepView[] = plan.steps.map((p) => {
      const s = rows.get(p.index);
      return { index: p.index, title: p.title, status: s?.status ?? 'pending', output: s?.output ?? '', error: s?.error ?? null, startedAt: s?.started_at ?? null, durationMs: s?.duration_ms ?? null };
    });
    return {
      id: row.id,
      runbook: plan.runbook,
      target: plan.target,
      operator: { user: row.operator_user, host: row.operator_host },
      status: row.status,
      reason: row.reason,
      interruptedStep: row.interrupted_step,
      rollbackFailedStep: row.rollback_failed_step ?? null,
      startedAt: row.started_at,
      endedAt: row.ended_at,
      steps,
      plan,
    };
  };

  const saveStep = (runId: string, s: StepView): void => {
    upsertStep.run(runId, s.index, s.status, s.output, s.error, s.startedAt, s.durationMs);
    touchRun.run(now(), runId);
  };
  const create = db.transaction((run: RunView, ownerId: string) => {
    insertRun.run(run.id, run.runbook, run.target, JSON.stringify(run.plan), run.operator.user, run.operator.host, run.status, run.reason, run.interruptedStep, run.startedAt, run.endedAt, ownerId, now());
    for (const s of run.steps) upsertStep.run(run.id, s.index, s.status, s.output, s.error, s.startedAt, s.durationMs);
  });
  const claimStmt = (from: readonly RunStatus[]) =>
    db.prepare(`UPDATE runbook_runs SET status = ?, owner_id = ?, abort_requested_at = NULL, version = version + 1, updated_at = ? WHERE id = ? AND status IN (${from.map(() => '?').join(', ')})`);

  return {
    createRun: (run, ownerId) => create(run, ownerId),
    saveRun(run) {
      updateRun.run(run.status, run.reason, run.interruptedStep, run.rollbackFailedStep, run.endedAt, now(), run.id);
    },
    saveStep,
    unfinishedRuns: () => (selectUnfinished.all() as RunRow[]).map(toView),
    get(runId) {
      const row = selectOne.get(runId) as RunRow | undefined;
      return row ? toView(row) : null;
    },
    recent(limit) {
      const open = selectUnfinished.all() as RunRow[];
      const ended = selectEnded.all(Math.max(0, limit - open.length)) as RunRow[];
      return [...open, ...ended].map(toView);
    },
    ownerOf: (runId) => (selectOwner.get(runId) as { owner_id: string | null } | undefined)?.owner_id ?? null,
    orphaned: (isAlive) => (selectActive.all() as RunRow[]).filter((r) => !isAlive(r.owner_id)).map(toView),
    claim: (runId, ownerId, from, to) => claimStmt(from).run(to, ownerId, now(), runId, ...from).changes === 1,
    requestAbort(runId) {
      updateAbort.run(now(), now(), runId);
    },
    abortRequested: (runId) => ((selectAbort.get(runId) as { abort_requested_at: number | null } | undefined)?.abort_requested_at ?? null) !== null,
    versionsSince: (sinceMs, ownerId) => selectVersions.all(sinceMs, ownerId) as Array<{ id: string; version: number }>,
  };
}
