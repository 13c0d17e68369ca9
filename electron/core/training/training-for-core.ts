/**
 * The training side as FleetCore builds it: the Slurm connector (shared with the runbook
 * planner and steps through the runbook host) and the training feature reading through it, with
 * checkpoints listed over the console's SSH pool.
 */
import type Database from 'better-sqlite3';
import type { PushEvent } from '../../../shared/contract';
import type { Push } from '../feature';
import type { FleetMonitor } from '../fleet/monitor';
import type { LoadedInventory } from '../inventory/load-inventory';
import type { Timers } from '../probe/scheduler';
import type { RunbookHost } from '../runbook-exec/runbook-host';
import type { SshPool } from '../ssh/pool';
import type { AppendEventInput } from '../store/open-store';
import { sshCheckpointProber } from './checkpoint-prober';
import { SlurmConnector } from './slurm-connector';
import { trainingFeature, type TrainingFeature } from './training-feature';
import { trainingInventoryOf } from './training-inventory';

export interface TrainingForCoreDeps {
  db: Database.Database;
  inventory: () => LoadedInventory | null;
  monitor: Pick<FleetMonitor, 'status' | 'node'>;
  pool: SshPool;
  secret: (ref: string) => Promise<string | undefined>;
  subscribe: (listener: (e: PushEvent) => void) => () => void;
  record: (e: AppendEventInput) => void;
  push: Push;
  now: () => number;
  timers?: Timers;
  cadence?: { checkpointEveryMs?: number; publishEveryMs?: number };
}

export function trainingForCore(deps: TrainingForCoreDeps): { feature: TrainingFeature; slurm: NonNullable<RunbookHost['slurm']> } {
  const nodeFor = (name: string) => deps.inventory()?.nodes.find((n) => n.name === name);
  const connector = new SlurmConnector({ secret: deps.secret, pool: deps.pool, nodeFor, clusters: () => trainingInventoryOf(deps.inventory()).clusters, now: deps.now });
  const feature = trainingFeature({
    db: deps.db,
    inventory: deps.inventory,
    verdict: (node) => {
      const s = deps.monitor.status(node);
      return s ? { health: s.health, reasons: s.reasons } : undefined;
    },
    readScheduler: (c) => connector.read(c),
    probeCheckpoint: sshCheckpointProber(deps.pool, nodeFor),
    subscribe: deps.subscribe,
    record: deps.record,
    push: deps.push,
    now: deps.now,
    timers: deps.timers,
    ...deps.cadence,
  });
  return { feature, slurm: { route: (cluster) => connector.route(cluster), actions: connector.actions(), readNow: () => feature.readSchedulersNow() } };
}
