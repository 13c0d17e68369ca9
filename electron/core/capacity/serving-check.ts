/**
 * The one capacity model (issue 13): can these servers, serving together, meet a service's SLO
 * and carry its load? The runbook planner asks it after each step that takes a server out
 * (runbooks/plan-capacity.ts); the capacity view asks it of what is left after the largest failure
 * domain goes dark, with warm and cold spares added (capacity/service-loss.ts). Same arithmetic,
 * so the two cannot disagree about the same set of servers.
 *
 *  - availability: 1 − Π(1 − aᵢ) over the servers (any one can serve), against the SLO target;
 *  - load: the sum of their declared capacity against the peak request rate, and — because round
 *    robin shares load by weight — each server's share against its own capacity.
 */
import { meetsTarget, redundancyOfReplicas } from '../availability/redundancy';

export interface ServingServer {
  name: string;
  /** Its availability as counted here (measured, or the caller's stand-in); null: unknown. */
  availability: number | null;
  /** Requests per second it serves (inventory `capacity`); null: not declared. */
  capacityRps: number | null;
  /** HAProxy's user weight: its share of the load. */
  weight: number;
}

export interface ServingResult {
  serving: number;
  /** null when no SLO or a server's availability is unknown. */
  estimate: number | null;
  availabilityOk: boolean | null;
  /** Sum of declared capacity; null when a server declares none. */
  capacityRps: number | null;
  /** null when the rate or a capacity is unknown. */
  loadOk: boolean | null;
  /** Servers whose weighted share exceeds their capacity (the sum may still be enough). */
  overByWeight: { name: string; share: number; capacityRps: number }[];
  /** The smallest capacity − share over the servers (∞ when the load is unknown). */
  headroomRps: number;
  /** Nothing serves, or a check that could be made failed. */
  ok: boolean;
}

export function servingCheck(servers: readonly ServingServer[], opts: { sloTarget: number | null; rateRps: number | null }): ServingResult {
  const n = servers.length;
  const empty = { serving: 0, estimate: null, availabilityOk: null, capacityRps: null, loadOk: null, overByWeight: [], headroomRps: 0, ok: false };
  if (n === 0) return opts.sloTarget === null ? empty : { ...empty, estimate: 0, availabilityOk: false };

  let estimate: number | null = null;
  let availabilityOk: boolean | null = null;
  if (opts.sloTarget !== null && servers.every((s) => s.availability !== null)) {
    estimate = redundancyOfReplicas(servers.map((s) => s.availability!));
    availabilityOk = meetsTarget(estimate, opts.sloTarget);
  }

  const declared = servers.every((s) => s.capacityRps !== null);
  const capacityRps = declared ? servers.reduce((sum, s) => sum + s.capacityRps!, 0) : null;
  let loadOk: boolean | null = null;
  let headroomRps = Number.POSITIVE_INFINITY;
  let overByWeight: ServingResult['overByWeight'] = [];
  if (capacityRps !== null && opts.rateRps !== null) {
    const rate = opts.rateRps;
    loadOk = rate <= capacityRps;
    const totalWeight = servers.reduce((sum, s) => sum + s.weight, 0);
    const shares = servers.map((s) => ({ name: s.name, share: totalWeight > 0 ? (rate * s.weight) / totalWeight : rate / n, capacityRps: s.capacityRps! }));
    headroomRps = Math.min(...shares.map((x) => x.capacityRps - x.share));
    overByWeight = shares.filter((x) => x.share > x.capacityRps).sort((x, y) => y.share - x.share - (y.capacityRps - x.capacityRps));
    if (loadOk && overByWeight.length > 0) loadOk = false;
  }
  return { serving: n, estimate, availabilityOk, capacityRps, loadOk, overByWeight, headroomRps, ok: availabilityOk !== false && loadOk !== false };
}
