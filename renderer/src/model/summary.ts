import type { Health } from '../../../shared/health';
import type { NodeSummary } from '../../../shared/status';

/** Display order of health everywhere (summary, legends): good to bad, unknown last. */
export const HEALTH_ORDER: readonly Health[] = ['healthy', 'degraded', 'unhealthy', 'unreachable', 'unknown'];

export interface FleetSummary {
  nodes: number;
  byHealth: Record<Health, number>;
  gpusHealthy: number;
  /** GPUs the inventory expects; a GPU that fell off the bus still counts here, as not healthy. */
  gpusTotal: number;
}

const gpuCounts = new WeakMap<NodeSummary, { total: number; healthy: number }>();

/**
 * GPUs a node counts for (the inventory's, or more if more are reported) and how many are
 * healthy. Kept per status object: the cache keeps the object of every node a push did not
 * touch, so a 1,000-node fleet's 8,000 GPUs are not counted again for every push.
 */
export function nodeGpuCounts(node: NodeSummary): { total: number; healthy: number } {
  let counts = gpuCounts.get(node);
  if (counts === undefined) {
    let healthy = 0;
    for (const gpu of node.gpus) if (gpu.health === 'healthy') healthy++;
    counts = { total: Math.max(node.expectedGpus, node.gpus.length), healthy };
    gpuCounts.set(node, counts);
  }
  return counts;
}

const summaries = new WeakMap<readonly NodeSummary[], FleetSummary>();

/** The fleet's counts; computed once per nodes array (the summary bar, the Topology and its badge share it). Do not mutate the result. */
export function summarize(nodes: readonly NodeSummary[]): FleetSummary {
  const cached = summaries.get(nodes);
  if (cached) return cached;
  const byHealth: Record<Health, number> = { healthy: 0, degraded: 0, unhealthy: 0, unreachable: 0, unknown: 0 };
  let gpusHealthy = 0;
  let gpusTotal = 0;
  for (const node of nodes) {
    byHealth[node.health]++;
    const gpus = nodeGpuCounts(node);
    gpusTotal += gpus.total;
    gpusHealthy += gpus.healthy;
  }
  const summary = { nodes: nodes.length, byHealth, gpusHealthy, gpusTotal };
  summaries.set(nodes, summary);
  return summary;
}
