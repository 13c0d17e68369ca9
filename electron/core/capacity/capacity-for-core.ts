/**
 * The capacity model's facts as FleetCore has them: the inventory, the node monitor's verdicts,
 * the replica monitor's statuses (a spare's readiness included), the load balancers' last polls
 * and the availability monitor's 24 h figures (the same adapter the runbook planner reads:
 * runbook-exec/capacity-inputs.ts), Slurm's nodes from the training feature, and the recovery
 * times the replacement drills measured (drill_runs.derived).
 */
import type Database from 'better-sqlite3';
import type { LoadBalancerStatus, ReplicaStatus, ServiceAvailability } from '../../../shared/services';
import type { Health } from '../../../shared/health';
import type { TrainingNode } from '../../../shared/training';
import type { LoadedInventory } from '../inventory/load-inventory';
import { capacityInputs } from '../runbook-exec/capacity-inputs';
import type { CapacityFacts, RecoveryRun } from './capacity-facts';

export interface CapacitySourcesForCore {
  /** The replacement drills' measured recovery times (recoveryRunsFrom(db) for a data directory). */
  recoveryRuns: () => RecoveryRun[];
  inventory: () => LoadedInventory | null;
  nodeStatus: (name: string) => { health: Health; reasons: string[] } | undefined;
  replica: (name: string) => ReplicaStatus | undefined;
  services: () => ServiceAvailability[];
  loadBalancers: () => LoadBalancerStatus[];
  trainingNodes: () => readonly TrainingNode[];
  now: () => number;
}

/** The newest replacement drills are what the fleet does today; older ones are history. */
const RECOVERY_RUNS = 20;
const DEFAULT_SPARE_MARK = 'spare';

export function capacityFactsFor(src: CapacitySourcesForCore): () => CapacityFacts | null {
  return () => {
    const inventory = src.inventory();
    if (!inventory) return null;
    const fleet = capacityInputs({ services: src.services, loadBalancers: src.loadBalancers });
    return {
      inventory,
      schedulers: inventory.file.regions.flatMap((r) =>
        r.clusters.flatMap((c) => (c.scheduler ? [{ cluster: c.name, partition: c.scheduler.spares?.partition ?? DEFAULT_SPARE_MARK, feature: c.scheduler.spares?.feature ?? DEFAULT_SPARE_MARK }] : [])),
      ),
      nodeHealth: src.nodeStatus,
      replica: src.replica,
      ...fleet,
      trainingNodes: src.trainingNodes,
      recoveryRuns: src.recoveryRuns,
      now: src.now,
    };
  };
}

/** The newest replacement drills' measured times from a data directory's drill runs. */
export function recoveryRunsFrom(db: Database.Database): RecoveryRun[] {
  const rows = db
    .prepare(`SELECT derived FROM drill_runs WHERE derived IS NOT NULL AND json_extract(derived, '$.spareModelLoadSeconds') IS NOT NULL ORDER BY started_at DESC LIMIT ?`)
    .all(RECOVERY_RUNS) as { derived: string }[];
  return rows.map((r) => {
    const d = JSON.parse(r.derived) as { spareModelLoadSeconds?: unknown; riseTimesInterSeconds?: unknown };
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null);
    return { spareModelLoadSeconds: num(d.spareModelLoadSeconds), riseTimesInterSeconds: num(d.riseTimesInterSeconds) };
  });
}
