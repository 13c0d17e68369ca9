/**
 * What the capacity model reads of the fleet: the inventory and the console's own measurements,
 * each as a function so the model stays pure (tests hand-make fleets; the feature reads the
 * running engines; `fleetops capacity` reads one round of probes).
 */
import type { Health } from '../../../shared/health';
import type { ReplicaStatus } from '../../../shared/services';
import type { TrainingNode } from '../../../shared/training';
import type { LoadedInventory } from '../inventory/load-inventory';
import type { LbServerNow } from '../runbooks/plan-capacity';

/** A replacement drill's measured times (drill runs' derived figures). */
export interface RecoveryRun {
  /** The spare's start → its first healthy answer. */
  spareModelLoadSeconds: number | null;
  /** HAProxy's rise × inter: how long it takes a ready server in. */
  riseTimesInterSeconds: number | null;
}

export interface CapacityFacts {
  inventory: Pick<LoadedInventory, 'nodes' | 'replicas' | 'loadBalancers' | 'slos' | 'topology'>;
  /** Training clusters' schedulers (their spare partition / feature). */
  schedulers?: { cluster: string; partition: string; feature: string }[];
  nodeHealth(name: string): { health: Health; reasons: string[] } | undefined;
  replica(name: string): ReplicaStatus | undefined;
  lbServer(loadBalancer: string, backend: string, server: string): LbServerNow | null;
  replicaAvailability(name: string): number | null;
  backendRate(loadBalancer: string, backend: string): number | null;
  /** Slurm's view of training nodes (partitions, features, state), when a scheduler was read. */
  trainingNodes(): readonly TrainingNode[];
  recoveryRuns(): readonly RecoveryRun[];
  now(): number;
}
