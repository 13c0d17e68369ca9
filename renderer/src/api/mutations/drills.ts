import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { MethodInput } from '../../../../shared/contract';
import type { DrillReportFormat } from '../../../../shared/drill-report';
import type { DrillRunView } from '../../../../shared/drill-run';
import { call } from '../client';
import { saveFile } from '../save-file';
import { applyDrillRun } from '../drill-cache';
import { drillQueries } from '../queries/drills';

/** A run a method answered with goes where its pushes go (it may have overtaken them, or they it). */
function useStoreDrillRun() {
  const client = useQueryClient();
  return (run: DrillRunView) => applyDrillRun(client, run);
}

/** The dry run: the plan against the fleet as it is now, with the runner's checks. Nothing is sent. */
export function usePlanDrill() {
  return useMutation({ mutationFn: (input: MethodInput<'drills.plan'>) => call('drills.plan', input) });
}

/** Plans again and starts it; a refused pre-check comes back as a `skipped` run with its reason. */
export function useStartDrill() {
  const store = useStoreDrillRun();
  return useMutation({ mutationFn: (input: MethodInput<'drills.start'>) => call('drills.start', input), onSuccess: store });
}

export function useAbortDrill() {
  const store = useStoreDrillRun();
  return useMutation({ mutationFn: (runId: string) => call('drills.abort', { runId }), onSuccess: store });
}

/** A game day: the operator's runbook run becomes the drill's response. */
export function useLinkDrillResponse() {
  const store = useStoreDrillRun();
  return useMutation({ mutationFn: (input: MethodInput<'drills.linkResponse'>) => call('drills.linkResponse', input), onSuccess: store });
}

/** Pause/resume and the stop-all switch change what drills.list shows: fetch it again. */
function useListChange<I, O>(fn: (input: I) => Promise<O>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: () => client.invalidateQueries({ queryKey: drillQueries.list().queryKey }),
  });
}

export const usePauseDrill = () => useListChange((name: string) => call('drills.pause', { name }));
export const useResumeDrill = () => useListChange((name: string) => call('drills.resume', { name }));
export const useStopAllDrills = () => useListChange(() => call('drills.stopAll', {}));
export const useReleaseStopAll = () => useListChange(() => call('drills.releaseStopAll', {}));

/**
 * A report as a file the browser saves: fetched from the engine (the same text as `fleetops drill
 * report`), handed to the page as a Blob URL on a temporary link with `download`, then revoked.
 */
export function useDownloadDrillReport() {
  return useMutation({
    mutationFn: async ({ runId, format }: { runId: string; format: DrillReportFormat }) => {
      const file = await call('drills.report', { runId, format });
      saveFile(file.content, file.fileName, file.mediaType);
      return file;
    },
  });
}
