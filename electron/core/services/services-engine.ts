/**
 * The inference side of the engine: replicas (probes), load balancers (runtime API) and
 * services (availability through the frontend), wired to each other and to the event store.
 * FleetCore owns one and delegates the matching contract methods to it.
 */
import type { LoadBalancerStatus, ReplicaStatus, ServiceAvailability } from '../../../shared/services';
import type { HistorySink } from '../history/history-sink';
import type { LoadedInventory } from '../inventory/load-inventory';
import type { Timers } from '../probe/scheduler';
import type { SshPool } from '../ssh/pool';
import type { AppendEventInput } from '../store/open-store';
import type { RequestLog } from '../store/request-log';
import { AvailabilityMonitor, replicaKey } from './availability-monitor';
import { LbMonitor } from './lb-monitor';
import { adminHeldOut } from './lb-view';
import { ReplicaMonitor } from './replica-monitor';
import { unitStateOver } from './unit-state';
import type { ResolvedNode } from '../../../shared/inventory';

export interface ServicesEngineDeps {
  pool: SshPool;
  requests: RequestLog;
  getSecret(ref: string): Promise<string | undefined>;
  appendEvent(e: AppendEventInput): void;
  publishReplicas(r: ReplicaStatus[]): void;
  publishLoadBalancers(l: LoadBalancerStatus[]): void;
  publishServices(s: ServiceAvailability[]): void;
  timers?: Timers;
  replicaConcurrency?: number;
  onDrift?(ms: number): void;
  /** Frontend probe and availability push cadence (tests shorten them). */
  frontendIntervalMs?: number;
  publishIntervalMs?: number;
  /** Where replica probes and LB polls are kept for the history plots (none: not kept). */
  history?: Pick<HistorySink, 'recordReplicaProbe' | 'recordLbPoll'>;
}

export class ServicesEngine {
  private nodes = new Map<string, ResolvedNode>();
  readonly replicas: ReplicaMonitor;
  readonly loadBalancers: LbMonitor;
  readonly availability: AvailabilityMonitor;

  constructor(deps: ServicesEngineDeps) {
    this.replicas = new ReplicaMonitor({
      getSecret: deps.getSecret,
      appendEvent: deps.appendEvent,
      publish: deps.publishReplicas,
      timers: deps.timers,
      concurrency: deps.replicaConcurrency,
      onDrift: deps.onDrift,
      history: deps.history,
      inRotation: (name) => this.inRotation(name),
      unitState: unitStateOver(deps.pool, (name) => this.nodes.get(name)),
      // The health probe is the replica's availability as a single server ("what redundancy buys").
      onOutcome: (name, o) => {
        if (o.kind === 'health') deps.requests.recordOutcome({ service: replicaKey(name), at: o.at, ok: o.ok, latencyMs: o.latencyMs });
      },
    });
    this.loadBalancers = new LbMonitor({
      pool: deps.pool,
      appendEvent: deps.appendEvent,
      publish: (l) => {
        deps.publishLoadBalancers(l);
        this.replicas.rotationChanged();
      },
      replicaOf: (name) => this.replicas.status(name),
      timers: deps.timers,
      history: deps.history,
    });
    this.availability = new AvailabilityMonitor({
      requests: deps.requests,
      publish: deps.publishServices,
      timers: deps.timers,
      frontendIntervalMs: deps.frontendIntervalMs,
      publishIntervalMs: deps.publishIntervalMs,
    });
  }

  setInventory(inv: LoadedInventory): void {
    this.nodes = new Map(inv.nodes.map((n) => [n.name, n]));
    this.replicas.setReplicas(inv.replicas);
    this.loadBalancers.setLoadBalancers(inv.loadBalancers);
    this.availability.configure(inv.slos, inv.loadBalancers, inv.replicas);
  }

  /**
   * HAProxy lets this replica take sessions in some backend now (null: no load balancer poll has
   * it yet). A server is in rotation when its admin state is ready (not MAINT or DRAIN) and its
   * weight above 0, whatever its checks say: a spare put in rotation that fails is a failure.
   */
  private inRotation(name: string): boolean | null {
    let seen = false;
    for (const lb of this.loadBalancers.statuses()) {
      if (lb.lastError !== null) continue;
      for (const s of lb.servers) {
        if (s.replica !== name) continue;
        seen = true;
        if (!adminHeldOut(s.status) && (s.userWeight ?? s.weight) > 0) return true;
      }
    }
    return seen ? false : null;
  }

  start(): void {
    this.replicas.start();
    this.loadBalancers.start();
    this.availability.start();
  }

  stop(): void {
    this.replicas.stop();
    this.loadBalancers.stop();
    this.availability.stop();
  }
}
