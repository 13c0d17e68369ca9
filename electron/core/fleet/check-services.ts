/**
 * `fleetops check` for the inference side: every replica probed once (health, then the
 * completion when a prompt is configured), every load balancer read once.
 */
import type { Health } from '../../../shared/health';
import type { ReplicaHealth, ReplicaStatus } from '../../../shared/services';
import { toErrorData } from '../../../shared/errors';
import { HaproxyRuntime } from '../haproxy';
import type { ResolvedLoadBalancer, ResolvedReplica } from '../inventory/resolve-services';
import type { SpareReadiness, UnitState } from '../../../shared/capacity';
import { withSpare } from '../services/spare-status';
import { probeReplica } from '../replica/replica-prober';
import { ReplicaState } from '../replica/replica-state';
import { lbHealth, lbServers } from '../services/lb-view';
import { replicaSpecOf, replicaStatus } from '../services/replica-record';
import type { SshPool } from '../ssh/pool';
import { mapLimit } from '../util/map-limit';
import { sshTargetFor } from './probe-node';

export interface CheckReplica {
  name: string;
  health: ReplicaHealth;
  reasons: string[];
  latencyMs: number | null;
  retryAfterSeconds: number | null;
  /** A spare's readiness (warm, warm-unverified, cold); null for an active replica. */
  spare: SpareReadiness | null;
}

export interface CheckLoadBalancer {
  name: string;
  health: Health;
  reasons: string[];
  servers: { backend: string; server: string; status: string; weight: number; sessions: number; replica: string | null }[];
}

export async function checkReplicas(
  replicas: ResolvedReplica[],
  deps: {
    getSecret(ref: string): Promise<string | undefined>;
    now(): number;
    concurrency?: number;
    /** A cold spare's unit, asked of its node instead of probing its (stopped) server. */
    unitState?(replica: ResolvedReplica): Promise<{ state: UnitState; error: string | null }>;
  },
): Promise<{ report: CheckReplica[]; statuses: Map<string, ReplicaStatus> }> {
  const statuses = new Map<string, ReplicaStatus>();
  const report = await mapLimit(replicas, deps.concurrency ?? 16, async (r) => {
    const spec = replicaSpecOf(r);
    const state = new ReplicaState(spec, { now: deps.now });
    // One check cannot see the rotation before the load balancers are read: a spare is taken as
    // held out, where a spare belongs. A cold one's unit is asked; its server only if that runs.
    const unit = r.spare?.mode === 'cold' ? ((await deps.unitState?.(r)) ?? { state: null, error: 'no node to ask' }) : { state: null, error: null };
    if (r.spare?.mode !== 'cold' || unit.state === 'active') {
      const health = await probeReplica(spec, 'health', { getSecret: deps.getSecret, now: deps.now });
      state.record(health);
      // A throttled replica gets no completion either: its Retry-After stands for both probes.
      if (spec.prompt && state.gate('completion').allowed) state.record(await probeReplica(spec, 'completion', { getSecret: deps.getSecret, now: deps.now }));
    }
    const view = state.view();
    const plain = replicaStatus(r, view, deps.now());
    const status = r.spare ? withSpare(plain, r.spare, { inRotation: false, unitState: unit.state, unitError: unit.error }) : plain;
    statuses.set(r.name, status);
    const last = view.last.completion ?? view.last.health;
    return {
      name: r.name,
      health: status.health,
      reasons: status.reasons,
      latencyMs: last ? Math.round(last.latencyMs * 10) / 10 : null,
      retryAfterSeconds: view.retryAfterSeconds,
      spare: status.spare?.readiness ?? null,
    };
  });
  return { report, statuses };
}

export async function checkLoadBalancers(lbs: ResolvedLoadBalancer[], pool: SshPool, replicaOf: (name: string) => ReplicaStatus | undefined, now: () => number): Promise<CheckLoadBalancer[]> {
  return mapLimit(lbs, 8, async (lb) => {
    const runtime = new HaproxyRuntime(
      lb.runtime.kind === 'tcp' ? { kind: 'tcp', host: lb.runtime.host, port: lb.runtime.port } : { kind: 'ssh-unix', target: sshTargetFor(lb.runtime.via), path: lb.runtime.path },
      { pool },
    );
    try {
      const servers = lbServers(lb, await runtime.servers(), replicaOf, now());
      const { health, reasons } = lbHealth(lb, servers, (r) => !!replicaOf(r)?.spare);
      return {
        name: lb.name,
        health,
        reasons,
        servers: servers.map((s) => ({ backend: s.backend, server: s.server, status: s.status, weight: s.weight, sessions: s.sessions, replica: s.replica })),
      };
    } catch (err) {
      return { name: lb.name, health: 'unreachable' as const, reasons: [`runtime API: ${toErrorData(err).message}`], servers: [] };
    }
  });
}
