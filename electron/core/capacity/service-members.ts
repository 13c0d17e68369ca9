/**
 * Who a service (one load-balancer backend) can count on: its servers, each active (serving now)
 * or failed (not serving, and not a spare held out on purpose), and the spares that may replace
 * into it, each warm (its probes prove it ready) or cold (stopped, or warm but unverified: it
 * counts as cold) — or failed, when what can be checked of it is broken (its node, its unit).
 */
import type { CapacityMember } from '../../../shared/capacity';
import type { ResolvedLoadBalancer, ResolvedReplica } from '../inventory/resolve-services';
import type { CapacityFacts } from './capacity-facts';

export interface Member extends CapacityMember {
  weight: number;
}

// As the runbook planner counts a server serving (plan-capacity.ts): a throttled one is not carrying its share.
const SERVING = new Set(['healthy', 'degraded']);

export function serviceMembers(facts: CapacityFacts, lb: ResolvedLoadBalancer, backend: { name: string; servers: string[] }): Member[] {
  const byName = new Map(facts.inventory.replicas.map((r) => [r.name, r]));
  const members: Member[] = [];
  const weights: number[] = [];

  for (const name of backend.servers) {
    const replica = byName.get(name);
    if (!replica) continue;
    const now = facts.lbServer(lb.name, backend.name, name);
    const status = facts.replica(name);
    const inRotation = now === null ? !replica.spare : now.ready && now.weight > 0;
    if (replica.spare && !inRotation) continue; // a spare held out: counted below, as a spare
    const weight = now?.weight ?? 1;
    const health = status?.health ?? 'unknown';
    const serving = inRotation && (now?.up ?? true) && SERVING.has(health);
    let reason: string | null = null;
    if (!serving) {
      if (!inRotation) reason = `held out of rotation by ${lb.name} (${now && !now.ready ? 'MAINT/DRAIN' : 'weight 0'})`;
      else if (now && !now.up) reason = `${lb.name} has it DOWN`;
      else reason = status ? `${health}${status.reasons.length ? `: ${status.reasons[0]}` : ''}` : 'not probed yet';
    }
    if (serving) weights.push(weight);
    members.push(base(replica, facts, serving ? 'active' : 'failed', reason, weight));
  }

  // Spares that may stand in: those of this backend held out, and any that names it (or a cluster it runs in).
  const clusters = new Set(backend.servers.map((s) => byName.get(s)?.cluster).filter((c): c is string => !!c));
  const typicalWeight = weights.length ? weights.reduce((a, b) => a + b, 0) / weights.length : 1;
  for (const replica of facts.inventory.replicas) {
    const spare = replica.spare;
    if (!spare || members.some((m) => m.replica === replica.name)) continue;
    const own = backend.servers.includes(replica.name);
    const named = spare.replaces.includes(backend.name) || spare.replaces.some((c) => clusters.has(c));
    if (!(spare.replaces.length === 0 ? own : named)) continue;
    const status = facts.replica(replica.name);
    const view = status?.spare;
    const node = replica.node ? facts.nodeHealth(replica.node) : undefined;
    let state: CapacityMember['state'] = view?.readiness === 'warm' ? 'warm' : 'cold';
    let reason = view?.reason ?? (view ? null : 'not checked yet');
    if (node && (node.health === 'unhealthy' || node.health === 'unreachable')) {
      state = 'failed';
      reason = `its node ${replica.node} is ${node.health}${node.reasons.length ? `: ${node.reasons[0]}` : ''}`;
    } else if (view?.unitState === 'failed' && state === 'cold') {
      state = 'failed';
    }
    const now = own ? facts.lbServer(lb.name, backend.name, replica.name) : null;
    members.push(base(replica, facts, state, reason, now && now.weight > 0 ? now.weight : typicalWeight));
  }
  return members;
}

function base(replica: ResolvedReplica, facts: CapacityFacts, state: CapacityMember['state'], reason: string | null, weight: number): Member {
  return {
    replica: replica.name,
    region: replica.region,
    cluster: replica.cluster,
    state,
    reason,
    availability: facts.replicaAvailability(replica.name),
    capacityRps: replica.capacity?.requestsPerSecond ?? null,
    startupSeconds: replica.spare?.startupSeconds ?? null,
    weight,
  };
}
