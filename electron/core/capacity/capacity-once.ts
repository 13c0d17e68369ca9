/**
 * `fleetops capacity`: the capacity overview from one round of measurements, without a running
 * console — every node probed once, every replica once (a cold spare's unit asked instead),
 * every load balancer's `show stat` read once (its backends' request rate is the last second's,
 * not a 5-minute peak: the text says "peak" of what one read saw), Slurm read once. Replica
 * availability over 24 h and replacement-drill recovery times come from a console's data
 * directory when one is given (a console that has been measuring), else they are unknown.
 */
import type Database from 'better-sqlite3';
import type { CapacityOverview } from '../../../shared/capacity';
import { toErrorData } from '../../../shared/errors';
import type { Health } from '../../../shared/health';
import type { LoadBalancerStatus } from '../../../shared/services';
import type { TrainingNode } from '../../../shared/training';
import { successRatio } from '../availability/success-ratio';
import { checkReplicas } from '../fleet/check-services';
import { spareVerdict } from '../fleet/node-record';
import { probeNode, sshTargetFor } from '../fleet/probe-node';
import { createGpuFieldDialect } from '../gpu/gpu-probe';
import { HaproxyRuntime } from '../haproxy';
import type { LoadedInventory } from '../inventory/load-inventory';
import { capacityInputs } from '../runbook-exec/capacity-inputs';
import { replicaKey } from '../services/availability-monitor';
import { lbBackends, lbHealth, lbServers } from '../services/lb-view';
import { unitStateOver } from '../services/unit-state';
import type { SshPool } from '../ssh/pool';
import { bucketsSince } from '../store/request-log';
import { joinNodes } from '../training/join-training';
import { SlurmConnector } from '../training/slurm-connector';
import { trainingInventoryOf } from '../training/training-inventory';
import { mapLimit } from '../util/map-limit';
import { capacityFactsFor, recoveryRunsFrom } from './capacity-for-core';
import { capacityOverview } from './capacity-model';

const DAY_MS = 86_400_000;

export async function capacityOnce(
  pool: SshPool,
  inventory: LoadedInventory,
  opts: { getSecret: (ref: string) => Promise<string | undefined>; now: () => number; concurrency?: number; db?: Database.Database | null },
): Promise<CapacityOverview> {
  const { now } = opts;
  const [probes, replicas] = await Promise.all([
    mapLimit(inventory.nodes, opts.concurrency ?? 32, (node) => probeNode(pool, node, createGpuFieldDialect(), now)),
    checkReplicas(inventory.replicas, { getSecret: opts.getSecret, now, unitState: unitStateOver(pool, (name) => inventory.nodes.find((n) => n.name === name)) }),
  ]);
  // As the console judges them: a cold spare node not answering is where it should be (node-record.ts).
  const verdicts = new Map<string, { health: Health; reasons: string[] }>(
    inventory.nodes.map((n, i) => {
      const { health, reasons } = spareVerdict(n, probes[i]!);
      return [n.name, { health, reasons }];
    }),
  );
  const replicaOf = (name: string) => replicas.statuses.get(name);

  const loadBalancers = await mapLimit(inventory.loadBalancers, 8, async (lb): Promise<LoadBalancerStatus> => {
    const runtime = new HaproxyRuntime(
      lb.runtime.kind === 'tcp' ? { kind: 'tcp', host: lb.runtime.host, port: lb.runtime.port } : { kind: 'ssh-unix', target: sshTargetFor(lb.runtime.via), path: lb.runtime.path },
      { pool },
    );
    const at = now();
    try {
      const views = await runtime.stat();
      const servers = lbServers(lb, views.servers, replicaOf, at);
      const { health, reasons } = lbHealth(lb, servers, (r) => !!replicaOf(r)?.spare);
      return { name: lb.name, frontendUrl: lb.frontendUrl, health, reasons, lastPollAt: at, lastError: null, servers, backends: lbBackends(lb, views.backends) };
    } catch (err) {
      const error = toErrorData(err);
      return { name: lb.name, frontendUrl: lb.frontendUrl, health: 'unreachable', reasons: [`runtime API: ${error.message}`], lastPollAt: at, lastError: error, servers: [] };
    }
  });

  const trainingNodes = await readTrainingNodes(pool, inventory, opts, (n) => verdicts.get(n));
  const db = opts.db ?? null;
  const base = capacityFactsFor({
    // Without a data directory nothing was measured over 24 h and no drill ran.
    recoveryRuns: () => (db ? recoveryRunsFrom(db) : []),
    inventory: () => inventory,
    nodeStatus: (n) => verdicts.get(n),
    replica: replicaOf,
    services: () => [],
    loadBalancers: () => loadBalancers,
    trainingNodes: () => trainingNodes,
    now,
  })()!;
  const fleet = capacityInputs({ services: () => [], loadBalancers: () => loadBalancers });
  return capacityOverview({
    ...base,
    replicaAvailability: (name) => (db ? successRatio(bucketsSince(db, replicaKey(name), now() - DAY_MS), { now: now(), windowMs: DAY_MS }) : null),
    backendRate: fleet.backendRate,
  });
}

async function readTrainingNodes(
  pool: SshPool,
  inventory: LoadedInventory,
  opts: { getSecret: (ref: string) => Promise<string | undefined>; now: () => number },
  verdict: (node: string) => { health: Health; reasons: string[] } | undefined,
): Promise<TrainingNode[]> {
  const training = trainingInventoryOf(inventory);
  const connector = new SlurmConnector({ secret: opts.getSecret, pool, nodeFor: (n) => inventory.nodes.find((x) => x.name === n), clusters: () => training.clusters, now: opts.now });
  const per = await mapLimit(training.clusters, 8, async (c) => {
    const read = await connector.read(c);
    return read.state === 'ok' ? joinNodes(c, read, verdict) : [];
  });
  return per.flat();
}
