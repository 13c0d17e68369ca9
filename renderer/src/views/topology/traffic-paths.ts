import type { FleetSnapshot } from '../../../../shared/contract';
import type { Health } from '../../../../shared/health';
import type { ReplicaHealth, ReplicaStatus } from '../../../../shared/services';
import { groupByBackend, lbStatusKind } from '../../model/lb-view';
import type { TopologyFilter } from '../../model/topology-view';

/**
 * Load balancers → backends → servers → the replica each server is → the node it runs on, with
 * the failure domain (region) of each: which paths traffic takes, and whether a backend's
 * redundancy really spans failure domains or sits in one.
 */

export interface PathServer {
  server: string;
  /** HAProxy's word. */
  lbStatus: string;
  replica: string | null;
  replicaHealth: ReplicaHealth | null;
  /** The replica's health, spare status and reasons, for its pill (null: no status, or not a replica). */
  replicaStatus: Pick<ReplicaStatus, 'health' | 'spare' | 'reasons'> | null;
  node: string | null;
  nodeHealth: Health | null;
  /** The replica's region, else its node's; null when neither is known. */
  region: string | null;
  disagreement: string | null;
  /** HAProxy or the probes say something is wrong with this path. */
  problem: boolean;
}

export interface PathBackend {
  name: string;
  servers: PathServer[];
  /** Regions and nodes of the backend's servers that take traffic (HAProxy UP), before filtering. */
  regions: string[];
  nodes: string[];
  /** Servers HAProxy sends traffic to, before filtering. */
  serving: number;
  total: number;
}

export interface PathLoadBalancer {
  name: string;
  health: Health;
  backends: PathBackend[];
}

function sorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

export function buildTrafficPaths(snapshot: Pick<FleetSnapshot, 'loadBalancers' | 'replicas' | 'nodes'>, filter: TopologyFilter): PathLoadBalancer[] {
  const replicas = new Map(snapshot.replicas.map((r) => [r.name, r]));
  const nodes = new Map(snapshot.nodes.map((n) => [n.name, n]));
  const text = filter.text.trim().toLowerCase();
  const out: PathLoadBalancer[] = [];
  for (const lb of snapshot.loadBalancers) {
    const backends: PathBackend[] = [];
    for (const backend of groupByBackend(lb.servers)) {
      const all = backend.servers.map((s): PathServer => {
        const replica = s.replica === null ? undefined : replicas.get(s.replica);
        const nodeName = replica?.node ?? null;
        const node = nodeName === null ? undefined : nodes.get(nodeName);
        const up = lbStatusKind(s.status) === 'up';
        // A spare out of rotation is held in MAINT on purpose, and need not be warm: never a problem in itself (issue 13).
        const standingBy = replica?.spare != null && !replica.spare.inRotation;
        const problem = standingBy
          ? s.disagreement !== null
          : !up || s.disagreement !== null || (replica !== undefined && replica.health !== 'healthy') || (node !== undefined && node.health !== 'healthy');
        return {
          server: s.server,
          lbStatus: s.status,
          replica: s.replica,
          replicaHealth: replica?.health ?? null,
          replicaStatus: replica ?? null,
          node: nodeName,
          nodeHealth: node?.health ?? null,
          region: replica?.region ?? node?.region ?? null,
          disagreement: s.disagreement,
          problem,
        };
      });
      const serving = all.filter((s) => lbStatusKind(s.lbStatus) === 'up');
      const matches = (s: PathServer) =>
        text === '' || [lb.name, backend.name, s.server, s.replica ?? '', s.node ?? ''].some((v) => v.toLowerCase().includes(text));
      const shown = all.filter((s) => matches(s) && (!filter.problemsOnly || s.problem));
      if (shown.length === 0 && (text !== '' || filter.problemsOnly)) continue;
      backends.push({
        name: backend.name,
        servers: shown,
        regions: sorted(serving.flatMap((s) => (s.region === null ? [] : [s.region]))),
        nodes: sorted(serving.flatMap((s) => (s.node === null ? [] : [s.node]))),
        serving: serving.length,
        total: all.length,
      });
    }
    if (backends.length === 0 && (text !== '' || filter.problemsOnly)) continue;
    out.push({ name: lb.name, health: lb.health, backends });
  }
  return out;
}

/** What a backend's spread means: "2 regions, 2 nodes" or a warning that one failure takes it all. */
export function spreadText(b: Pick<PathBackend, 'regions' | 'nodes' | 'serving'>): { text: string; single: boolean } {
  if (b.serving === 0) return { text: 'no server takes traffic', single: true };
  const regions = `${b.regions.length} region${b.regions.length === 1 ? '' : 's'}`;
  const nodes = `${b.nodes.length} node${b.nodes.length === 1 ? '' : 's'}`;
  if (b.serving > 1 && b.nodes.length === 1) return { text: `every serving server on one node (${b.nodes[0]}): one node failure takes the backend down`, single: true };
  if (b.serving > 1 && b.regions.length === 1) return { text: `every serving server in one region (${b.regions[0]}): one region failure takes the backend down`, single: true };
  if (b.serving === 1) return { text: 'one server takes traffic: no redundancy', single: true };
  return { text: `across ${regions}, ${nodes}`, single: false };
}
