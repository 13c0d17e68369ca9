import type { GpuFace, NodeStatus, NodeSummary } from './status';

/**
 * A node's summary and its GPUs' faces (status.ts NodeSummary, GpuFace) made from a status:
 * plain functions, apart from the schemas, so the page folds pushes into its snapshot without
 * loading zod for its first render (renderer/src/api/parse.ts says why).
 */

/** The fields of a GPU on its face: status.ts's GpuFace picks these (a test holds them equal). */
export const GPU_FACE_KEYS = ['index', 'health', 'reasons', 'temperatureC', 'utilizationPct'] as const satisfies ReadonlyArray<keyof GpuFace>;

/** The face of a GPU (a GpuFace or a whole GpuStatus): a new object with those fields alone. */
export function gpuFace(gpu: GpuFace): GpuFace {
  return { index: gpu.index, health: gpu.health, reasons: gpu.reasons, temperatureC: gpu.temperatureC, utilizationPct: gpu.utilizationPct };
}

/** A node's summary: its status with its GPUs' faces. */
export function nodeSummary(status: NodeStatus | NodeSummary): NodeSummary {
  return { ...status, gpus: status.gpus.map(gpuFace) };
}
