/**
 * A region or cluster, as the timeline filters by it: the subjects the loaded inventory places
 * there. Events name their subject by its inventory name (a node, a replica, a load balancer, a
 * service, a load balancer's server as `lb/backend/server`), never by its region, so the filter
 * is resolved here into a subject list and answered by the subject index.
 */
import { FleetError } from '../../../shared/errors';

/** What the scope needs of the inventory (LoadedInventory has it all; the benchmark builds one by hand). */
export interface TimelineInventory {
  nodes: readonly { name: string; region: string; cluster: string }[];
  replicas: readonly { name: string; node: string | null; region: string | null; cluster: string | null }[];
  loadBalancers: readonly { name: string; runtime: { kind: string; via?: { name: string } }; backends: readonly { name: string; servers: readonly string[] }[] }[];
}

export interface ScopeFilter {
  region?: string;
  cluster?: string;
}

/**
 * The subjects in the region and/or cluster (both: the cluster, which must be in the region):
 * its nodes; the replicas on them (or that declare the place themselves); the load balancers
 * whose runtime runs on one of those nodes or that route to one of those replicas, with their
 * servers; the services (backends) those replicas serve; and the region's or cluster's own
 * name, which scope-wide events use. NOT_FOUND when the inventory has no such place, so a typo
 * is not an empty timeline.
 */
export function subjectsInScope(inv: TimelineInventory | null, scope: ScopeFilter): string[] {
  if (inv === null) throw new FleetError('INVENTORY_NOT_LOADED', 'filtering the timeline by region or cluster needs the inventory, and none is loaded');
  const { region, cluster } = scope;
  const nodes = inv.nodes.filter((n) => (region === undefined || n.region === region) && (cluster === undefined || n.cluster === cluster));
  if (nodes.length === 0) {
    const known = region !== undefined && inv.nodes.some((n) => n.region === region);
    const what = cluster !== undefined ? (known ? `cluster "${cluster}" in region "${region}"` : `cluster "${cluster}"${region !== undefined ? ` in region "${region}"` : ''}`) : `region "${region}"`;
    throw new FleetError('NOT_FOUND', `the inventory has no ${what}`, { subject: cluster ?? region });
  }
  const subjects = new Set<string>();
  if (region !== undefined && cluster === undefined) subjects.add(region);
  for (const n of nodes) {
    subjects.add(n.name);
    subjects.add(n.cluster);
  }
  const nodeNames = new Set(nodes.map((n) => n.name));
  const replicas = new Set<string>();
  for (const r of inv.replicas) {
    const placed = r.node !== null ? nodeNames.has(r.node) : (region === undefined || r.region === region) && (cluster === undefined || r.cluster === cluster) && (r.region !== null || r.cluster !== null);
    if (placed) replicas.add(r.name);
  }
  for (const r of replicas) subjects.add(r);
  for (const lb of inv.loadBalancers) {
    const servesHere = lb.backends.some((b) => b.servers.some((s) => replicas.has(s)));
    const runsHere = lb.runtime.via !== undefined && nodeNames.has(lb.runtime.via.name);
    if (!servesHere && !runsHere) continue;
    subjects.add(lb.name);
    for (const b of lb.backends) {
      if (b.servers.some((s) => replicas.has(s))) subjects.add(b.name);
      for (const s of b.servers) subjects.add(`${lb.name}/${b.name}/${s}`);
    }
  }
  return [...subjects];
}
