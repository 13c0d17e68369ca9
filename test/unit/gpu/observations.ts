/** NodeObservations built from the captured H100 output, for the health rules' tests. */
import type { GpuReading, NodeObservation } from '../../../electron/core/gpu/observation';
import { parseGpuQuery } from '../../../electron/core/gpu/parse-gpu-query';
import { GPU_QUERY_FIELDS } from '../../../electron/core/gpu/probe-command';
import { type MachineState, queryGpuOutput } from './nvidia-smi-fixtures';

/** What a node whose nvidia-smi printed no rows looks like before its driver error is set. */
export function noGpus(): NodeObservation {
  return { driverVersion: null, gpus: [], lostGpus: [], driverError: null, processes: [], xids: [], kernelLogProblem: null };
}

/** A node as the captured driver describes it, eight GPUs unless told otherwise. */
export function observe(state: MachineState, opts: { gpus?: number; change?: (gpu: GpuReading) => Partial<GpuReading> } = {}): NodeObservation {
  if (opts.gpus === 0) return noGpus();
  const q = parseGpuQuery(queryGpuOutput(GPU_QUERY_FIELDS, { state, gpus: opts.gpus ?? 8 }), 0, GPU_QUERY_FIELDS);
  return {
    ...noGpus(),
    driverVersion: q.driverVersion,
    gpus: q.gpus.map((g) => ({ ...g, ...(opts.change?.(g) ?? {}) })),
  };
}
