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
  started_at: number;
  ended_at: number | null;
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
  /** The run row and one pending row per step, in one transaction. */
  createRun(run: RunView): void;
  saveRun(run: RunView): void;
  /** One step's row (status, output, error, times): called before and after every step and undo. */
  saveStep(runId: string, step: StepView): void;
  /** Runs that had not ended when last written (running, rolling-back, stopped, interrupted). */
  unfinishedRuns(): RunView[];
}

/** The journal over the tables of RUNBOOK_JOURNAL_MIGRATION. Each write is its own committed statement. */
export function createRunJournal(db: Database.Database): RunJournal {
  const insertRun = db.prepare(
    `INSERT INTO runbook_runs (id, runbook, target, plan, operator_user, operator_host, status, reason, interrupted_step, started_at, ended_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const updateRun = db.prepare('UPDATE runbook_runs SET status = ?, reason = ?, interrupted_step = ?, ended_at = ? WHERE id = ?');
  const upsertStep = db.prepare(
    `INSERT INTO runbook_run_steps (run_id, step_index, status, output, error, started_at, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (run_id, step_index) DO UPDATE SET status = excluded.status, output = excluded.output, error = excluded.error,
       started_at = excluded.started_at, duration_ms = excluded.duration_ms`,
  );
  const selectUnfinished = db.prepare(
    "SELECT * FROM runbook_runs WHERE status NOT IN ('succeeded', 'rolled-back', 'rollback-failed') ORDER BY started_at, id",
  );
  const selectSteps = db.prepare('SELECT * FROM runbook_run_steps WHERE run_id = ? ORDER BY step_index');

  const saveStep = (runId: string, s: StepView): void => {
    upsertStep.run(runId, s.index, s.status, s.output, s.error, s.startedAt, s.durationMs);
  };
  const create = db.transaction((run: RunView) => {
    insertRun.run(run.id, run.runbook, run.target, JSON.stringify(run.plan), run.operator.user, run.operator.host, run.status, run.reason, run.interruptedStep, run.startedAt, run.endedAt);
    for (const s of run.steps) saveStep(run.id, s);
  });

  return {
    createRun: (run) => create(run),
    saveRun(run) {
      updateRun.run(run.status, run.reason, run.interruptedStep, run.endedAt, run.id);
    },
    saveStep,
    unfinishedRuns() {
      return (selectUnfinished.all() as RunRow[]).map((row) => {
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
          rollbackFailedStep: null,
          startedAt: row.started_at,
          endedAt: row.ended_at,
          steps,
          plan,
        };
      });
    },
  };
}
