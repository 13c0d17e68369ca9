import type { ReplicaHealth, ReplicaStatus } from '../../../shared/services';

/**
 * Display order of replica health (summary, legends): good to bad, unknown last, as for nodes.
 * `throttled` sits right after healthy: the replica answers, its quota says "not now".
 * `standby` (a spare out of rotation, not warm) comes after all of them: it is no verdict on
 * anything that serves.
 */
export const REPLICA_HEALTH_ORDER: readonly ReplicaHealth[] = ['healthy', 'throttled', 'degraded', 'unhealthy', 'unreachable', 'unknown', 'standby'];

/**
 * Worse is higher, as the engine ranks it (electron/core/replica/replica-types.ts): `throttled`
 * between `unknown` and `degraded`, so a rate-limited replica is listed after broken ones and
 * before the ones nothing is known about. `standby` ranks with healthy: a spare is never a
 * problem in itself (issue 13), so it sorts among the replicas that need no look.
 */
const RANK: Record<ReplicaHealth, number> = { healthy: 0, standby: 0, unknown: 1, throttled: 2, degraded: 3, unhealthy: 4, unreachable: 5 };

export function replicaHealthRank(health: ReplicaHealth): number {
  return RANK[health];
}

/** A replica worth a look: not healthy and not a spare standing by (cold, or warm but unverified). */
export function isReplicaProblem(replica: ReplicaStatus | undefined): boolean {
  return replica === undefined || (replica.health !== 'healthy' && replica.health !== 'standby');
}

/** Worst first, then by name: what needs attention is at the top of a long list. New array; the input is not touched. */
export function sortReplicasWorstFirst(replicas: readonly ReplicaStatus[]): ReplicaStatus[] {
  return [...replicas].sort((a, b) => RANK[b.health] - RANK[a.health] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function countReplicasByHealth(replicas: readonly ReplicaStatus[]): Record<ReplicaHealth, number> {
  const counts: Record<ReplicaHealth, number> = { healthy: 0, throttled: 0, degraded: 0, unhealthy: 0, unreachable: 0, unknown: 0, standby: 0 };
  for (const r of replicas) counts[r.health]++;
  return counts;
}

/** Case-insensitive substring of the name, node or model; `problemsOnly` hides healthy replicas and spares standing by. */
export function filterReplicas(replicas: readonly ReplicaStatus[], filter: { text: string; problemsOnly: boolean }): readonly ReplicaStatus[] {
  const text = filter.text.trim().toLowerCase();
  if (text === '' && !filter.problemsOnly) return replicas;
  return replicas.filter((r) => {
    if (filter.problemsOnly && !isReplicaProblem(r)) return false;
    if (text === '') return true;
    return r.name.toLowerCase().includes(text) || (r.node ?? '').toLowerCase().includes(text) || r.model.toLowerCase().includes(text);
  });
}

/** What a replica's health pill says, and why (the tooltip); a standby spare reads as what it is, not as a health. */
export interface HealthLabel {
  text: string;
  title: string | undefined;
}

export function replicaHealthLabel(r: Pick<ReplicaStatus, 'health' | 'spare' | 'reasons'>): HealthLabel {
  if (r.health !== 'standby') return { text: r.health, title: r.reasons.length > 0 ? r.reasons.join('\n') : undefined };
  const unverified = r.spare?.readiness === 'warm-unverified';
  const why = r.spare?.reason ?? r.reasons[0] ?? null;
  return {
    text: unverified ? 'warm (unverified)' : 'spare (cold)',
    title: unverified ? `a warm spare failing its checks, counted as cold${why ? `: ${why}` : ''}` : `a spare out of rotation, not warm${why ? `: ${why}` : ''}`,
  };
}

/**
 * The tag beside a spare's health when the health alone would not say it is one: a warm spare
 * its probes prove ready ("spare (warm)"), or a spare HAProxy has put in rotation. None for an
 * active replica, nor for a standby one (its pill already says it).
 */
export function spareTag(r: Pick<ReplicaStatus, 'health' | 'spare'>): { text: string; title: string } | null {
  const s = r.spare;
  if (!s || r.health === 'standby') return null;
  if (s.inRotation) return { text: 'spare (in rotation)', title: 'a spare HAProxy sends traffic to: it serves, and counts as active' };
  if (s.readiness === 'warm') return { text: 'spare (warm)', title: `a warm spare out of rotation, ready to take traffic${s.reason ? `: ${s.reason}` : ''}` };
  return null;
}
