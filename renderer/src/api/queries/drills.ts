import { queryOptions } from '@tanstack/react-query';
import { call } from '../client';

/** How many runs the Drills view lists (all drills, or one drill's). */
export const DRILL_RUNS_LIMIT = 100;

/**
 * Drills: the files with their schedules and last runs, the runs, one run, a drill's history.
 * `drill.updated` pushes keep the runs current (api/drill-cache.ts); the list and the history are
 * fetched again when a run ends (its last result, its place in the trend), and the list's
 * next-five times when it is shown again after a minute.
 */
export const drillQueries = {
  all: () => ['drills'] as const,
  list: () =>
    queryOptions({
      queryKey: [...drillQueries.all(), 'list'] as const,
      queryFn: () => call('drills.list', {}),
      staleTime: 60_000,
    }),
  runsAll: () => [...drillQueries.all(), 'runs'] as const,
  /** Newest first; `drill` null: every drill's. */
  runs: (drill: string | null) =>
    queryOptions({
      queryKey: [...drillQueries.runsAll(), drill ?? '*'] as const,
      queryFn: () => call('drills.runs', drill === null ? { limit: DRILL_RUNS_LIMIT } : { drill, limit: DRILL_RUNS_LIMIT }),
      staleTime: Infinity,
    }),
  runAll: () => [...drillQueries.all(), 'run'] as const,
  run: (runId: string) =>
    queryOptions({
      queryKey: [...drillQueries.runAll(), runId] as const,
      queryFn: () => call('drills.run', { runId }),
      staleTime: Infinity,
    }),
  historyAll: () => [...drillQueries.all(), 'history'] as const,
  history: (drill: string) =>
    queryOptions({
      queryKey: [...drillQueries.historyAll(), drill] as const,
      queryFn: () => call('drills.history', { drill }),
      staleTime: Infinity,
    }),
};
