import type { Health } from '../../../shared/health';
import type { NodeStatus } from '../../../shared/status';

/** Display order of health everywhere (summary, legends): good to bad, unknown last. */
export const HEALTH_ORDER: readonly Health[] = ['healthy', 'degraded', 'unhealthy', 'unreachable', 'unknown'];

export interface FleetSummary {
  nodes: number;
  byHealth: Record<Health, number>;
  gpusHealthy: number;
  /** GPUs the inventory expects; a GPU that fell off the bus still counts here, as not healthy. */
  gpusTotal: number;
}

export function summarize(nodes: readonly NodeStatus[]): FleetSummary {
  const byHealth: Record<Health, number> = { healthy: 0, degraded: 0, unhealthy: 0, unreachable: 0, unknown: 0 };
  let gpusHealthy = 0;
  let gpusTotal = 0;
  for (const node of nodes) {
    byHealth[node.health]++;
    gpusTotal += Math.max(node.expectedGpus, node.gpus.length);
    for (const gpu of node.gpus) if (gpu.health === 'healthy') gpusHealthy++;
  }
  return { nodes: nodes.length, byHealth, gpusHealthy, gpusTotal };
}
