import { describe, expect, it } from 'vitest';
import type { Topology } from '../../../shared/inventory';
import { buildTopologyView, sameClusterContent } from '../../../renderer/src/model/topology-view';
import { node } from './builders';

const topology: Topology = {
  path: 'inv.yaml',
  regions: [
    {
      name: 'eu',
      clusters: [
        { name: 'infer', role: 'inference', protected: true, nodes: ['gpu-01', 'gpu-02'] },
        { name: 'train', role: 'training', protected: false, nodes: ['gpu-03', 'gpu-04'] },
      ],
    },
    { name: 'us', clusters: [{ name: 'spare', role: 'inference', protected: false, nodes: ['gpu-10'] }] },
  ],
};
const nodes = [
  node('gpu-01'),
  node('gpu-02', { health: 'unhealthy' }),
  node('gpu-03'),
  node('gpu-04', { health: 'degraded' }),
  node('gpu-10'),
];
const all = { text: '', problemsOnly: false };

describe('buildTopologyView', () => {
  it('follows the inventory order with role, protection, statuses by name and problem counts', () => {
    const view = buildTopologyView({ topology, nodes }, all);
    expect(view.map((r) => r.name)).toEqual(['eu', 'us']);
    const infer = view[0].clusters[0];
    expect(infer).toMatchObject({ key: 'eu/infer', role: 'inference', protected: true, names: ['gpu-01', 'gpu-02'], total: 2, problems: 1 });
    expect(infer.statuses[1]).toBe(nodes[1]);
  });

  it('counts a node without a status yet as a problem and keeps it in the view', () => {
    const view = buildTopologyView({ topology, nodes: nodes.slice(0, 4) }, all);
    const spare = view[1].clusters[0];
    expect(spare.names).toEqual(['gpu-10']);
    expect(spare.statuses).toEqual([undefined]);
    expect(spare.problems).toBe(1);
  });

  it('filters by a case-insensitive name substring and drops emptied clusters and regions', () => {
    const view = buildTopologyView({ topology, nodes }, { text: ' GPU-0 ', problemsOnly: false });
    expect(view.map((r) => r.name)).toEqual(['eu']);
    expect(buildTopologyView({ topology, nodes }, { text: '10', problemsOnly: false })).toMatchObject([
      { name: 'us', clusters: [{ names: ['gpu-10'] }] },
    ]);
  });

  it('"problems only" keeps nodes that are not healthy, and cluster totals still describe the whole cluster', () => {
    const view = buildTopologyView({ topology, nodes }, { text: '', problemsOnly: true });
    expect(view.flatMap((r) => r.clusters.flatMap((c) => c.names))).toEqual(['gpu-02', 'gpu-04']);
    expect(view[0].clusters[0]).toMatchObject({ total: 2, problems: 1 });
  });

  it('without a topology, groups the statuses by their own region and cluster', () => {
    const view = buildTopologyView(
      { topology: null, nodes: [node('a', { region: 'r1', cluster: 'c1' }), node('b', { region: 'r2', cluster: 'c2' }), node('c', { region: 'r1', cluster: 'c1' })] },
      all,
    );
    expect(view).toMatchObject([
      { name: 'r1', clusters: [{ key: 'r1/c1', role: null, names: ['a', 'c'] }] },
      { name: 'r2', clusters: [{ key: 'r2/c2', names: ['b'] }] },
    ]);
  });
});

describe('sameClusterContent', () => {
  it('is true for a rebuilt cluster whose tiles look the same, false once one tile changed', () => {
    const a = buildTopologyView({ topology, nodes }, all)[0].clusters[0];
    const b = buildTopologyView({ topology, nodes }, all)[0].clusters[0];
    expect(a).not.toBe(b);
    expect(sameClusterContent(a, b)).toBe(true);
    // Probed again: a new status object, a new probe time, the same tile.
    const probed = [...nodes];
    probed[0] = { ...nodes[0], lastProbeAt: (nodes[0].lastProbeAt ?? 0) + 3_000, lastProbeLatencyMs: 99, gpus: nodes[0].gpus.map((g) => ({ ...g, powerW: 71 })) };
    expect(sameClusterContent(a, buildTopologyView({ topology, nodes: probed }, all)[0].clusters[0])).toBe(true);
    // What a tile shows: health, a reason, a GPU's health or tooltip, a GPU fewer.
    const variants: Array<Partial<typeof nodes[0]>> = [
      { health: 'degraded' },
      { reasons: ['thermal slowdown'] },
      { gpus: nodes[0].gpus.map((g, i) => (i === 0 ? { ...g, health: 'unhealthy' as const } : g)) },
      { gpus: nodes[0].gpus.map((g, i) => (i === 0 ? { ...g, temperatureC: 91 } : g)) },
      { gpus: nodes[0].gpus.slice(1) },
    ];
    for (const over of variants) {
      const changed = [...nodes];
      changed[0] = { ...nodes[0], ...over };
      expect(sameClusterContent(a, buildTopologyView({ topology, nodes: changed }, all)[0].clusters[0]), JSON.stringify(over).slice(0, 80)).toBe(false);
    }
    // A change in another cluster does not touch this one.
    const elsewhere = [...nodes];
    elsewhere[4] = node('gpu-10', { health: 'unreachable' });
    expect(sameClusterContent(a, buildTopologyView({ topology, nodes: elsewhere }, all)[0].clusters[0])).toBe(true);
  });
});
