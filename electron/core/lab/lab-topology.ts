/**
 * Where the lab's nodes live: three regions, each with a protected inference cluster and a
 * training cluster. Nodes are dealt region by region, inference first, so even a 3-node lab
 * spans all three regions and a small lab always has protected capacity to fail over from.
 *
 * With `spareNodes`, the first training cluster also gets two spare nodes beyond the count (so
 * the lab jobs keep the nodes they run on): `…-trn-spare-01` warm (powered, healthy, idle) and
 * `…-trn-spare-02` cold. The first cluster, because it is the one that always runs a Slurm and
 * `lab-pretrain`, so a spare stands beside the job a failed node puts at risk.
 */
import type { ClusterRole } from './gpu-profile';

export interface LabRegion {
  name: string;
  /** Prefix of node names: `usw2-inf-01`. */
  short: string;
}

export const LAB_REGIONS: readonly LabRegion[] = [
  { name: 'us-west-2', short: 'usw2' },
  { name: 'us-east-1', short: 'use1' },
  { name: 'eu-central-1', short: 'euc1' },
];

const ROLES: ReadonlyArray<{ role: ClusterRole; short: string }> = [
  { role: 'inference', short: 'inf' },
  { role: 'training', short: 'trn' },
];

export interface LabNodePlacement {
  name: string;
  region: string;
  cluster: string;
  role: ClusterRole;
  /** Inference clusters serve traffic: runbooks must ask before draining them. */
  protected: boolean;
  /** A spare node, kept out of work; absent for a working node. */
  spare?: 'warm' | 'cold';
}

export const LAB_SPARE_NODE_MODES = ['warm', 'cold'] as const;

export function labTopology(nodeCount: number, opts: { spareNodes?: boolean } = {}): LabNodePlacement[] {
  const clusters = ROLES.flatMap((r) => LAB_REGIONS.map((region) => ({ region, ...r })));
  const perCluster = clusters.map(() => 0);
  for (let i = 0; i < nodeCount; i++) perCluster[i % clusters.length]++;
  const width = Math.max(2, String(Math.max(...perCluster)).length);
  const placements: LabNodePlacement[] = [];
  // Listed region by region, so the inventory reads in the order an operator expects.
  for (const region of LAB_REGIONS) {
    clusters.forEach((c, ci) => {
      if (c.region !== region) return;
      for (let n = 1; n <= perCluster[ci]; n++) {
        placements.push({
          name: `${region.short}-${c.short}-${String(n).padStart(width, '0')}`,
          region: region.name,
          cluster: `${region.short}-${c.role}`,
          role: c.role,
          protected: c.role === 'inference',
        });
      }
    });
  }
  return opts.spareNodes ? withSpareNodes(placements) : placements;
}

/** Two spare nodes after the last node of the first training cluster; none without a training cluster. */
function withSpareNodes(placements: LabNodePlacement[]): LabNodePlacement[] {
  const first = placements.find((p) => p.role === 'training');
  if (!first) return placements;
  const short = LAB_REGIONS.find((r) => r.name === first.region)!.short;
  const spares = LAB_SPARE_NODE_MODES.map((mode, i): LabNodePlacement => ({ ...first, name: `${short}-trn-spare-${String(i + 1).padStart(2, '0')}`, spare: mode }));
  let last = 0;
  placements.forEach((p, i) => {
    if (p.cluster === first.cluster) last = i;
  });
  return [...placements.slice(0, last + 1), ...spares, ...placements.slice(last + 1)];
}
