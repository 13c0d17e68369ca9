import type { ReplicaHealth, ReplicaStatus } from '../../../shared/services';

/**
 * Display order of replica health (summary, legends): good to bad, unknown last, as for nodes.
 * `throttled` sits right after healthy: the replica answers, its quota says "not now".
 */
export const REPLICA_HEALTH_ORDER: readonly ReplicaHealth[] = ['healthy', 'throttled', 'degraded', 'unhealthy', 'unreachable', 'unknown'];

/**
 * Worse is higher, as the engine ranks it (electron/core/replica/replica-types.ts): `throttled`
 * between `unknown` and `degraded`, so a rate-limited replica is listed after broken ones and
 * before the ones nothing is known about.
 */
const RANK: Record<ReplicaHealth, number> = { healthy: 0, unknown: 1, throttled: 2, degraded: 3, unhealthy: 4, unreachable: 5 };

export function replicaHealthRank(health: ReplicaHealth): number {
  return RANK[health];
}

export function isReplicaProblem(replica: ReplicaStatus | undefined): boolean {
  return replica === undefined || replica.health !== 'healthy';
}

/** Worst first, then by name: what needs attention is at the top of a long list. New array; the input is not touched. */
export function sortReplicasWorstFirst(replicas: readonly ReplicaStatus[]): ReplicaStatus[] {
  return [...replicas].sort((a, b) => RANK[b.health] - RANK[a.health] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function countReplicasByHealth(replicas: readonly ReplicaStatus[]): Record<ReplicaHealth, number> {
  const counts: Record<ReplicaHealth, number> = { healthy: 0, throttled: 0, degraded: 0, unhealthy: 0, unreachable: 0, unknown: 0 };
  for (const r of replicas) counts[r.health]++;
  return counts;
}

/** Case-insensitive substring of the name, node or model; `problemsOnly` hides healthy replicas. */
export function filterReplicas(replicas: readonly ReplicaStatus[], filter: { text: string; problemsOnly: boolean }): readonly ReplicaStatus[] {
  const text = filter.text.trim().toLowerCase();
  if (text === '' && !filter.problemsOnly) return replicas;
  return replicas.filter((r) => {
    if (filter.problemsOnly && !isReplicaProblem(r)) return false;
    if (text === '') return true;
    return r.name.toLowerCase().includes(text) || (r.node ?? '').toLowerCase().includes(text) || r.model.toLowerCase().includes(text);
  });
}
