import type { FleetSnapshot } from '../../../shared/contract';
import type { Health } from '../../../shared/health';
import type { GpuFace, NodeSummary } from '../../../shared/status';
import { nodeGpuCounts } from './summary';

export interface ClusterView {
  /** region/cluster: unique across the fleet. */
  key: string;
  name: string;
  role: 'inference' | 'training' | null;
  protected: boolean;
  /** Node names in inventory order, and their statuses (undefined until the engine reports one). */
  names: string[];
  statuses: (NodeSummary | undefined)[];
  /** Nodes of the cluster before filtering, and how many of them are not healthy. */
  total: number;
  problems: number;
  /** Nodes of the cluster before filtering by health (a node without a status yet counts as unknown). */
  counts: Record<Health, number>;
  /** GPUs the inventory expects in the cluster (or more, if more are reported), and how many are healthy. */
  gpusTotal: number;
  gpusHealthy: number;
}

export interface RegionView {
  name: string;
  clusters: ClusterView[];
  /** Over every cluster of the region, before filtering. */
  total: number;
  problems: number;
  counts: Record<Health, number>;
}

const noCounts = (): Record<Health, number> => ({ healthy: 0, degraded: 0, unhealthy: 0, unreachable: 0, unknown: 0 });

export interface TopologyFilter {
  /** Case-insensitive substring of the node name; empty matches all. */
  text: string;
  problemsOnly: boolean;
}

export function isProblem(status: NodeSummary | undefined): boolean {
  return status === undefined || status.health !== 'healthy';
}

type Layout = { name: string; clusters: { name: string; role: ClusterView['role']; protected: boolean; nodes: string[] }[] }[];

/** Without a topology (first inventory invalid), group whatever statuses exist by their own region/cluster. */
function layoutFromStatuses(nodes: readonly NodeSummary[]): Layout {
  const regions = new Map<string, Map<string, string[]>>();
  for (const node of nodes) {
    let clusters = regions.get(node.region);
    if (!clusters) regions.set(node.region, (clusters = new Map()));
    let names = clusters.get(node.cluster);
    if (!names) clusters.set(node.cluster, (names = []));
    names.push(node.name);
  }
  return [...regions].map(([name, clusters]) => ({
    name,
    clusters: [...clusters].map(([cluster, names]) => ({ name: cluster, role: null, protected: false, nodes: names })),
  }));
}

/** Regions → clusters → nodes, filtered; clusters and regions left empty by the filter are omitted. */
export function buildTopologyView(
  snapshot: Pick<FleetSnapshot, 'topology' | 'nodes'>,
  filter: TopologyFilter,
): RegionView[] {
  const byName = new Map<string, NodeSummary>();
  for (const node of snapshot.nodes) byName.set(node.name, node);
  const layout: Layout = snapshot.topology ? snapshot.topology.regions : layoutFromStatuses(snapshot.nodes);
  const text = filter.text.trim().toLowerCase();
  const filtering = text !== '' || filter.problemsOnly;

  const regions: RegionView[] = [];
  for (const region of layout) {
    const clusters: ClusterView[] = [];
    const regionCounts = noCounts();
    let regionProblems = 0;
    let regionTotal = 0;
    for (const cluster of region.clusters) {
      const names: string[] = [];
      const statuses: (NodeSummary | undefined)[] = [];
      const counts = noCounts();
      let problems = 0;
      let gpusTotal = 0;
      let gpusHealthy = 0;
      for (const name of cluster.nodes) {
        const status = byName.get(name);
        const problem = isProblem(status);
        if (problem) problems++;
        counts[status?.health ?? 'unknown']++;
        regionCounts[status?.health ?? 'unknown']++;
        if (status) {
          const gpus = nodeGpuCounts(status);
          gpusTotal += gpus.total;
          gpusHealthy += gpus.healthy;
        }
        if (text !== '' && !name.toLowerCase().includes(text)) continue;
        if (filter.problemsOnly && !problem) continue;
        names.push(name);
        statuses.push(status);
      }
      regionProblems += problems;
      regionTotal += cluster.nodes.length;
      if (filtering && names.length === 0) continue;
      clusters.push({
        key: `${region.name}/${cluster.name}`,
        name: cluster.name,
        role: cluster.role,
        protected: cluster.protected,
        names,
        statuses,
        total: cluster.nodes.length,
        problems,
        counts,
        gpusTotal,
        gpusHealthy,
      });
    }
    if (filtering && clusters.length === 0) continue;
    regions.push({ name: region.name, clusters, total: regionTotal, problems: regionProblems, counts: regionCounts });
  }
  return regions;
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** What a GPU's square on a tile shows: its colour and its line in the tile's tooltip (model/format.ts gpuLine). */
function sameGpuFace(a: GpuFace, b: GpuFace): boolean {
  return a === b || (a.index === b.index && a.health === b.health && a.temperatureC === b.temperatureC && a.utilizationPct === b.utilizationPct && sameStrings(a.reasons, b.reasons));
}

/**
 * Whether a node's tile (views/topology/NodeTile.tsx) would look the same: its health, reasons
 * and GPUs. A node's status is pushed each time it is probed (a new probe time and latency, every
 * few seconds for every node), but its tile changes far less often.
 */
export function sameNodeFace(a: NodeSummary | undefined, b: NodeSummary | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  if (a.health !== b.health || a.expectedGpus !== b.expectedGpus || !sameStrings(a.reasons, b.reasons) || a.gpus.length !== b.gpus.length) return false;
  for (let i = 0; i < a.gpus.length; i++) if (!sameGpuFace(a.gpus[i], b.gpus[i])) return false;
  return true;
}

/**
 * Equality of two clusters as drawn (header counts, and each tile's face: sameNodeFace), so a
 * cluster whose nodes were only probed again skips its render.
 */
export function sameClusterContent(a: ClusterView, b: ClusterView): boolean {
  if (a === b) return true;
  if (a.key !== b.key || a.role !== b.role || a.protected !== b.protected) return false;
  if (a.total !== b.total || a.problems !== b.problems || a.names.length !== b.names.length) return false;
  if (a.gpusTotal !== b.gpusTotal || a.gpusHealthy !== b.gpusHealthy) return false;
  for (const h of Object.keys(a.counts) as Health[]) if (a.counts[h] !== b.counts[h]) return false;
  for (let i = 0; i < a.names.length; i++) {
    if (a.names[i] !== b.names[i] || !sameNodeFace(a.statuses[i], b.statuses[i])) return false;
  }
  return true;
}
