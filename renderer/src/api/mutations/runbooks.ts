import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { MethodInput } from '../../../../shared/contract';
import type { RunView } from '../../../../shared/runbook';
import { addRunIfAbsent } from '../cache-updates';
import { call } from '../client';
import { fleetQueries } from '../queries/fleet';
import { runQueries } from '../queries/runbooks';

/** Resolves a runbook against the fleet as it is now; nothing is sent to any host. */
export function usePlanRunbook() {
  return useMutation({ mutationFn: (input: MethodInput<'runbooks.plan'>) => call('runbooks.plan', input) });
}

/**
 * A run's reply may be older than pushes that overtook it: add it only if unknown, then ask the
 * server for the list afresh so the history cannot keep a stale state.
 */
function useStoreRun() {
  const client = useQueryClient();
  return (run: RunView) => {
    client.setQueryData(fleetQueries.snapshot().queryKey, (s) => s && { ...s, runs: addRunIfAbsent(s.runs, run) });
    client.setQueryData(runQueries.list().queryKey, (list) => list && addRunIfAbsent(list, run));
    void client.invalidateQueries({ queryKey: runQueries.list().queryKey });
  };
}

/** Plans again on the engine (the fleet may have moved since the preview) and starts the run. */
export function useRunRunbook() {
  const store = useStoreRun();
  return useMutation({ mutationFn: (input: MethodInput<'runbooks.run'>) => call('runbooks.run', input), onSuccess: store });
}

export function useAbortRun() {
  const store = useStoreRun();
  return useMutation({ mutationFn: (runId: string) => call('runs.abort', { runId }), onSuccess: store });
}

/** For a stopped or interrupted run: undo the steps done, newest first. */
export function useRollbackRun() {
  const store = useStoreRun();
  return useMutation({ mutationFn: (runId: string) => call('runs.rollback', { runId }), onSuccess: store });
}

/** For a stopped or interrupted run: go on from where it stopped. */
export function useContinueRun() {
  const store = useStoreRun();
  return useMutation({ mutationFn: (runId: string) => call('runs.continue', { runId }), onSuccess: store });
}
