/**
 * `fleetops check`: every node probed once, judged from that single probe (no rise/fall:
 * a monitoring system calling us does its own smoothing). The report shape is a public
 * interface: scripts parse it.
 */
import type { Health } from '../../../shared/health';
import type { LoadedInventory } from '../inventory/load-inventory';
import { createGpuFieldDialect } from '../gpu/gpu-probe';
import type { SshPool } from '../ssh/pool';
import { mapLimit } from '../util/map-limit';
import { unitStateOver } from '../services/unit-state';
import { checkLoadBalancers, checkReplicas, type CheckLoadBalancer, type CheckReplica } from './check-services';
import { spareVerdict } from './node-record';
import { probeNode } from './probe-node';
import { checkTraining, type CheckJob, type CheckScheduler } from '../training/check-training';

export interface CheckGpu {
  index: number;
  uuid: string;
  name: string;
  memoryTotalMiB: number | null;
  memoryUsedMiB: number | null;
  utilizationPct: number | null;
  temperatureC: number | null;
  powerW: number | null;
  health: Health;
  reasons: string[];
}

export interface CheckNode {
  name: string;
  region: string;
  cluster: string;
  health: Health;
  reasons: string[];
  gpus: CheckGpu[];
}

export interface CheckReport {
  nodes: CheckNode[];
  replicas: CheckReplica[];
  loadBalancers: CheckLoadBalancer[];
  /** Each training cluster's scheduler (Slurm), read once. */
  schedulers: CheckScheduler[];
  /** Each followed training job with its checkpoint verdict (stale: degraded). */
  jobs: CheckJob[];
}

export async function checkFleet(
  pool: SshPool,
  inventory: LoadedInventory,
  opts: { concurrency?: number; now?: () => number; getSecret?: (ref: string) => Promise<string | undefined> } = {},
): Promise<CheckReport> {
  const now = opts.now ?? Date.now;
  const nodes = inventory.nodes;
  const getSecret = opts.getSecret ?? (async () => undefined);
  const [results, replicas, training] = await Promise.all([
    mapLimit(nodes, opts.concurrency ?? 32, (node) => probeNode(pool, node, createGpuFieldDialect(), now)),
    checkReplicas(inventory.replicas, { getSecret, now, unitState: unitStateOver(pool, (name) => nodes.find((n) => n.name === name)) }),
    checkTraining(inventory, pool, { getSecret, now }),
  ]);
  // The LB is read after the replicas so disagreements compare like with like.
  const loadBalancers = await checkLoadBalancers(inventory.loadBalancers, pool, (name) => replicas.statuses.get(name), now);
  return {
    replicas: replicas.report,
    loadBalancers,
    ...training,
    nodes: nodes.map((node, i) => ({
      name: node.name,
      region: node.region,
      cluster: node.cluster,
      // A cold spare not answering is where it should be (node-record.ts).
      ...(({ health, reasons }) => ({ health, reasons }))(spareVerdict(node, results[i])),
      gpus: results[i].gpus.map((g) => ({
        index: g.index,
        uuid: g.uuid,
        name: g.name,
        memoryTotalMiB: g.memoryTotalMiB,
        memoryUsedMiB: g.memoryUsedMiB,
        utilizationPct: g.utilizationPct,
        temperatureC: g.temperatureC,
        powerW: g.powerW,
        health: g.health,
        reasons: g.reasons,
      })),
    })),
  };
}

/**
 * Monitoring-plugin exit status (Nagios/Icinga): 2 CRITICAL beats 1 WARNING beats 3 UNKNOWN
 * beats 0 OK. Bad inventories exit 3 before a report exists.
 */
export function checkExitCode(report: CheckReport): 0 | 1 | 2 | 3 {
  const hs = new Set<string>([...report.nodes, ...report.replicas, ...report.loadBalancers, ...report.schedulers, ...report.jobs].map((n) => n.health));
  if (hs.has('unhealthy') || hs.has('unreachable')) return 2;
  // A throttled replica answers, but not for everyone: a warning, like degraded.
  if (hs.has('degraded') || hs.has('throttled')) return 1;
  if (hs.has('unknown')) return 3;
  return 0;
}
