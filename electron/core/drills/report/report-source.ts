import type Database from 'better-sqlite3';
import type { DrillHistory } from '../../../../shared/drill-report';
import type { DrillRunView } from '../../../../shared/drill-run';
import { FleetError } from '../../../../shared/errors';
import type { RunView } from '../../../../shared/runbook';
import { createRunJournal } from '../../runbook-exec/journal';
import { DrillRunStore } from '../run/drill-run-store';
import { drillHistory } from './drill-history';
import type { DrillReportInput } from './report-facts';

/** What a report reads: drill runs and the runbook runs linked to them. The console's store, or a CLI's own connection to it. */
export interface DrillReportSource {
  run(id: string): DrillRunView | null;
  /** Newest first. */
  runs(opts: { drill?: string; limit: number }): DrillRunView[];
  runbookRun(id: string): RunView | null;
}

/** How many of a drill's runs its history reaches back over (the schedule keeps at most historyLimit, default 50). */
export const HISTORY_RUNS = 200;

/** The tables of the drill runs (migration 9) and the runbook journal, read in place. */
export function storeReportSource(db: Database.Database): DrillReportSource {
  const drills = new DrillRunStore(db, Date.now);
  const journal = createRunJournal(db);
  return {
    run: (id) => drills.get(id),
    runs: (opts) => drills.list(opts),
    runbookRun: (id) => journal.get(id),
  };
}

/** The drill's history as of now: its last HISTORY_RUNS runs (or `limit`), oldest first, each judged against the ones before. */
export function historyOf(source: DrillReportSource, drill: string, limit = HISTORY_RUNS): DrillHistory {
  return drillHistory(drill, source.runs({ drill, limit }));
}

/**
 * A run named on the command line: its id, or `last` — the newest run (of `drill` when given).
 * FleetError NOT_FOUND when there is none, saying what was looked for.
 */
export function resolveDrillRun(source: DrillReportSource, ref: string, drill?: string): DrillRunView {
  if (ref === 'last') {
    const [newest] = source.runs({ drill, limit: 1 });
    if (!newest) throw new FleetError('NOT_FOUND', drill === undefined ? 'no drill has run here yet' : `drill ${drill} has not run here yet`);
    return newest;
  }
  const run = source.run(ref);
  if (!run) throw new FleetError('NOT_FOUND', `no drill run with id ${ref}`);
  if (drill !== undefined && run.drill !== drill) throw new FleetError('NOT_FOUND', `run ${ref} is a run of drill ${run.drill}, not ${drill}`);
  return run;
}

/**
 * Everything a report of `run` shows: the runs holding its fault and its response, and its
 * drill's history up to this run (a report of an old run does not show what came after it).
 */
export function reportInputFor(source: DrillReportSource, run: DrillRunView, generatedAt: number): DrillReportInput {
  const upToThis = source.runs({ drill: run.drill, limit: HISTORY_RUNS }).filter((r) => r.startedAt <= run.startedAt || r.id === run.id);
  return {
    run,
    faultRun: run.faultRunId === null ? null : source.runbookRun(run.faultRunId),
    responseRun: run.responseRunId === null ? null : source.runbookRun(run.responseRunId),
    history: drillHistory(run.drill, upToThis),
    generatedAt,
  };
}
