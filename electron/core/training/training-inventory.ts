/**
 * The training side of a loaded inventory: each cluster's scheduler with the map between Slurm's
 * node names and the inventory's (the same name unless a node says `slurmName`), and the jobs the
 * inventory follows.
 */
import type { InventoryJob, InventoryScheduler } from '../../../shared/inventory';
import type { LoadedInventory } from '../inventory/load-inventory';

export interface TrainingCluster {
  region: string;
  cluster: string;
  protected: boolean;
  scheduler: InventoryScheduler;
  /** Slurm's name → the inventory's, for this cluster's nodes. */
  toInventory: ReadonlyMap<string, string>;
  /** The inventory's name → Slurm's. */
  toSlurm: ReadonlyMap<string, string>;
}

export interface TrainingInventory {
  clusters: TrainingCluster[];
  /** Training clusters without a scheduler. */
  unscheduled: Array<{ region: string; cluster: string }>;
  jobs: InventoryJob[];
}

export function trainingInventoryOf(inv: LoadedInventory | null): TrainingInventory {
  const out: TrainingInventory = { clusters: [], unscheduled: [], jobs: inv?.file.jobs ?? [] };
  if (!inv) return out;
  for (const region of inv.file.regions) {
    for (const cluster of region.clusters) {
      if (!cluster.scheduler) {
        if (cluster.role === 'training') out.unscheduled.push({ region: region.name, cluster: cluster.name });
        continue;
      }
      const toInventory = new Map<string, string>();
      const toSlurm = new Map<string, string>();
      for (const node of cluster.nodes) {
        const slurmName = node.slurmName ?? node.name;
        toInventory.set(slurmName, node.name);
        toSlurm.set(node.name, slurmName);
      }
      out.clusters.push({ region: region.name, cluster: cluster.name, protected: cluster.protected ?? false, scheduler: cluster.scheduler, toInventory, toSlurm });
    }
  }
  return out;
}

/** The cluster a node belongs to, among those with a scheduler. */
export function schedulerClusterOf(training: TrainingInventory, node: string): TrainingCluster | undefined {
  return training.clusters.find((c) => c.toSlurm.has(node));
}
