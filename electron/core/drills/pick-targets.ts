/**
 * Which subjects a drill's fault hits: the one the file names, or `count` / `percent` of a group
 * drawn with a seeded PRNG (seeded-random.ts), so a recorded seed picks the same targets again.
 * Two guardrails hold here, before anything is planned: the hard cap (`maxTargets`: a selection
 * over it is refused, never trimmed to fit) and protected clusters (a named target there is
 * refused, and a group leaves their members out, unless the file says `allowProtected: true`).
 */
import type { ChosenTarget, DrillTargets } from '../../../shared/drill';
import { FleetError } from '../../../shared/errors';
import type { FleetView } from '../runbooks/plan-context';
import type { LbReader } from './drill-inputs';
import { drawWithoutReplacement, newSeed as randomSeed, seededRandom } from './seeded-random';

export interface TargetSelection {
  targets: ChosenTarget[];
  seed: string;
  seedSource: 'file' | 'operator' | 'generated';
  /** How they were chosen, in words, for the plan. */
  selection: string;
}

export interface PickOptions {
  /** The operator's seed for this run (wins over the file's). */
  seed?: string;
  newSeed?: () => string;
  /** HAProxy's view: a server it holds out of rotation (drain, maint, weight 0) is no member of the serving group. */
  lbServer?: LbReader;
}

export function pickTargets(spec: DrillTargets, fleet: FleetView, opts: PickOptions = {}): TargetSelection {
  const seedSource = opts.seed !== undefined ? 'operator' : spec.seed !== undefined ? 'file' : 'generated';
  const seed = opts.seed ?? (spec.seed !== undefined ? String(spec.seed) : (opts.newSeed ?? randomSeed)());
  const allowProtected = spec.allowProtected === true;

  const named = namedTarget(spec, fleet);
  if (named) {
    if (named.protected && !allowProtected) {
      throw new FleetError(
        'BAD_REQUEST',
        `${named.kind} ${named.name} is in protected ${named.kind === 'region' ? 'clusters' : `cluster ${named.cluster}`}: a drill may hit it only with targets.allowProtected: true (and the typed confirmation when run by hand)`,
        { subject: named.name },
      );
    }
    return { targets: [named], seed, seedSource, selection: `${named.kind} ${named.name}, named in the drill file` };
  }

  const group = groupOf(spec, fleet);
  const leftOut: string[] = [];
  const eligible: ChosenTarget[] = [];
  for (const c of group.members) {
    const out = c.protected && !allowProtected ? `in protected cluster ${c.cluster}` : outOfRotation(c.name, fleet, opts.lbServer);
    if (out) leftOut.push(`${c.name} (${out})`);
    else eligible.push(c);
  }
  const k = spec.count ?? Math.ceil(((spec.percent ?? 0) / 100) * eligible.length);
  const how = spec.count !== undefined ? `${spec.count}` : `${spec.percent}% (${k})`;
  const left = leftOut.length ? `; left out: ${leftOut.join(', ')}` : '';
  if (k > spec.maxTargets) {
    throw new FleetError('BAD_REQUEST', `${how} of the ${eligible.length} eligible ${group.words} is ${k} targets, over maxTargets ${spec.maxTargets}: refused (the cap is never trimmed to fit)`, {
      subject: group.words,
    });
  }
  if (k === 0 || k > eligible.length) {
    throw new FleetError('BAD_REQUEST', `the drill asks for ${how} of the ${group.words}, and ${eligible.length === 0 ? 'none is' : `only ${eligible.length} ${eligible.length === 1 ? 'is' : 'are'}`} eligible${left}`, {
      subject: group.words,
    });
  }
  // Sorted by name: the draw depends on who is in the group, not on the inventory's order.
  const sorted = [...eligible].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const drawn = drawWithoutReplacement(sorted, k, seededRandom(seed));
  const targets = drawn.map((t, i) => ({ ...t, why: `draw ${i + 1} of ${k} from the ${eligible.length} eligible ${group.words} (seed ${seed})` }));
  return { targets, seed, seedSource, selection: `${how} of the ${eligible.length} eligible ${group.words}, drawn with seed ${seed}${left}` };
}

function namedTarget(spec: DrillTargets, fleet: FleetView): ChosenTarget | null {
  const why = 'named in the drill file';
  if (spec.replica !== undefined) {
    const r = fleet.replica(spec.replica);
    if (!r) throw notFound('replica', spec.replica, fleet.inventory.replicas.map((x) => x.name));
    return { kind: 'replica', name: r.name, cluster: r.cluster, region: r.region, protected: clusterProtected(fleet, r.cluster), why };
  }
  if (spec.node !== undefined) {
    const n = fleet.node(spec.node);
    if (!n) throw notFound('node', spec.node, fleet.inventory.nodes.map((x) => x.name));
    return { kind: 'node', name: n.name, cluster: n.cluster, region: n.region, protected: n.protected, why };
  }
  if (spec.region !== undefined) {
    const region = fleet.inventory.topology.regions.find((r) => r.name === spec.region);
    if (!region) throw notFound('region', spec.region, fleet.inventory.topology.regions.map((r) => r.name));
    return { kind: 'region', name: region.name, cluster: null, region: region.name, protected: region.clusters.some((c) => c.protected), why };
  }
  return null;
}

function groupOf(spec: DrillTargets, fleet: FleetView): { members: ChosenTarget[]; words: string } {
  const inv = fleet.inventory;
  if (spec.replicasOf !== undefined) {
    const service = spec.replicasOf;
    const backends = inv.loadBalancers.flatMap((lb) => lb.backends.filter((b) => b.name === service));
    if (backends.length === 0) {
      const known = [...new Set(inv.loadBalancers.flatMap((lb) => lb.backends.map((b) => b.name)))];
      throw notFound('service (load-balancer backend)', service, known);
    }
    const names = [...new Set(backends.flatMap((b) => b.servers))];
    const members = names.map((name) => {
      const r = fleet.replica(name);
      return { kind: 'replica' as const, name, cluster: r?.cluster ?? null, region: r?.region ?? null, protected: clusterProtected(fleet, r?.cluster ?? null), why: '' };
    });
    return { members, words: `replicas of ${service}` };
  }
  const by = spec.nodesOf?.cluster !== undefined ? ('cluster' as const) : ('region' as const);
  const value = (spec.nodesOf?.cluster ?? spec.nodesOf?.region)!;
  const known = by === 'cluster' ? inv.topology.regions.flatMap((r) => r.clusters.map((c) => c.name)) : inv.topology.regions.map((r) => r.name);
  if (!known.includes(value)) throw notFound(by, value, known);
  const members = inv.nodes
    .filter((n) => n[by] === value)
    .map((n) => ({ kind: 'node' as const, name: n.name, cluster: n.cluster, region: n.region, protected: n.protected, why: '' }));
  return { members, words: `nodes of ${by} ${value}` };
}

/** A server HAProxy holds out of rotation on any of its backends, in words; null when it serves (or nobody knows). */
function outOfRotation(name: string, fleet: FleetView, lbServer: LbReader | undefined): string | null {
  if (!lbServer) return null;
  for (const p of fleet.placements(name)) {
    const s = lbServer(p.lb.name, p.backend, name);
    if (s && s.state !== 'ready') return `in ${s.state} on ${p.lb.name}`;
    if (s && s.weight === 0) return `weight 0 on ${p.lb.name}`;
  }
  return null;
}

function clusterProtected(fleet: FleetView, cluster: string | null): boolean {
  return cluster !== null && fleet.inventory.nodes.some((n) => n.cluster === cluster && n.protected);
}

function notFound(what: string, name: string, known: string[]): FleetError {
  const list = known.length === 0 ? 'none' : known.length > 20 ? `${known.slice(0, 20).join(', ')}, …` : known.join(', ');
  return new FleetError('NOT_FOUND', `the drill names ${what} "${name}", which the inventory does not have (${list})`, { subject: name });
}
