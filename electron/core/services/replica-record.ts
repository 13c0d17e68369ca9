/**
 * Turns the replica engine's view into the contract's ReplicaStatus (what the console and
 * `fleetops check` show).
 */
import type { ReplicaProbeView, ReplicaStatus } from '../../../shared/services';
import type { ResolvedReplica } from '../inventory/resolve-services';
import type { ReplicaView } from '../replica/replica-state';
import type { ReplicaProbeOutcome, ReplicaSpec } from '../replica/replica-types';
import { estimateTokensPerDay } from '../replica/token-estimate';

export function replicaSpecOf(r: ResolvedReplica): ReplicaSpec {
  const spec: ReplicaSpec = { name: r.name, url: r.url, model: r.model, api: r.api, health: { ...r.health } };
  if (r.apiVersion !== null) spec.apiVersion = r.apiVersion;
  if (r.auth) spec.auth = { ...r.auth };
  if (r.prompt) spec.prompt = { ...r.prompt };
  return spec;
}

function probeView(o: ReplicaProbeOutcome | undefined): ReplicaProbeView | null {
  if (!o) return null;
  return {
    kind: o.kind,
    at: o.at,
    ok: o.ok,
    latencyMs: Math.round(o.latencyMs * 10) / 10,
    failure: o.failure ?? null,
    status: o.status ?? null,
    detail: o.detail,
  };
}

const round = (n: number | null) => (n === null ? null : Math.round(n * 10) / 10);

export function replicaStatus(r: ResolvedReplica, view: ReplicaView, since: number | null): ReplicaStatus {
  return {
    name: r.name,
    node: r.node,
    region: r.region,
    url: r.url,
    model: r.model,
    api: r.api,
    secretRef: r.auth?.secretRef ?? null,
    health: view.health,
    reasons: view.reasons,
    since,
    latency: {
      health: { p50Ms: round(view.latency.health.p50), p95Ms: round(view.latency.health.p95), samples: view.latency.health.samples },
      completion: { p50Ms: round(view.latency.completion.p50), p95Ms: round(view.latency.completion.p95), samples: view.latency.completion.samples },
    },
    lastHealth: probeView(view.last.health),
    lastCompletion: probeView(view.last.completion),
    retryAfterSeconds: view.retryAfterSeconds,
    throttledUntil: view.throttledUntil,
    breaker: { ...view.breaker },
    tokensPerDay: r.prompt ? estimateTokensPerDay(r.prompt).tokensPerDay : null,
  };
}
