import type { QueryClient } from '@tanstack/react-query';
import type { DrillRunView } from '../../../shared/drill-run';
import { isFinalDrillStatus } from '../../../shared/drill-run-status';
import { drillQueries } from './queries/drills';

/**
 * A pushed run put into a runs list: replaces the run of its id, or is added at the front (a new
 * run is the newest) when the list is for its drill or for every drill. Returns the same list
 * when the push changes nothing (an older copy of a run must not overwrite a newer one: a run
 * that ended stays ended).
 */
export function mergeDrillRunIntoList(list: DrillRunView[] | undefined, run: DrillRunView, listDrill: string): DrillRunView[] | undefined {
  if (list === undefined) return undefined;
  if (listDrill !== '*' && listDrill !== run.drill) return list;
  const at = list.findIndex((r) => r.id === run.id);
  if (at < 0) return [run, ...list];
  const old = list[at];
  if (isFinalDrillStatus(old.status) && !isFinalDrillStatus(run.status)) return list;
  const next = list.slice();
  next[at] = run;
  return next;
}

/** Keeps an ended run ended whatever order pushes and replies arrive in. */
export function newerDrillRun(old: DrillRunView | undefined, run: DrillRunView): DrillRunView {
  if (old && isFinalDrillStatus(old.status) && !isFinalDrillStatus(run.status)) return old;
  return run;
}

/**
 * Folds a `drill.updated` push (or a method's reply) into every cached view of the run: the run
 * itself, the lists of runs; when it has ended, the drill list (its last result) and its history
 * are fetched again.
 */
export function applyDrillRun(client: QueryClient, run: DrillRunView): void {
  client.setQueryData(drillQueries.run(run.id).queryKey, (old) => (old === undefined ? run : newerDrillRun(old, run)));
  for (const [key] of client.getQueriesData<DrillRunView[]>({ queryKey: drillQueries.runsAll() })) {
    const listDrill = String(key[2]);
    client.setQueryData<DrillRunView[]>(key, (list) => mergeDrillRunIntoList(list, run, listDrill));
  }
  const listed = client.getQueryData(drillQueries.list().queryKey);
  const known = listed?.drills.find((d) => d.name === run.drill)?.lastRun;
  if (listed && known?.id === run.id && !isFinalDrillStatus(run.status)) {
    // Every second of a run is a push: its phase is patched in, not fetched.
    client.setQueryData(drillQueries.list().queryKey, {
      ...listed,
      drills: listed.drills.map((d) => (d.name === run.drill ? { ...d, lastRun: { id: run.id, status: run.status, startedAt: run.startedAt, endedAt: run.endedAt } } : d)),
    });
  } else if (listed) void client.invalidateQueries({ queryKey: drillQueries.list().queryKey });
  if (isFinalDrillStatus(run.status)) void client.invalidateQueries({ queryKey: drillQueries.history(run.drill).queryKey });
}
