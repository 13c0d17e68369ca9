import { describe, expect, it } from 'vitest';
import type { Topology } from '../../../shared/inventory';
import { buildTopologyView, sameClusterContent } from '../../../renderer/src/model/topology-view';
import { clusterDisplay, NO_EXPANSIONS, parseExpansions, serializeExpansions } from '../../../renderer/src/views/topology/expansion';
import { buildTrafficPaths, spreadText } from '../../../renderer/src/views/topology/traffic-paths';
import { gpu, lbServer, loadBalancer, node, replica } from './builders';

const topology: Topology = {
  path: 'inv.yaml',
  regions: [
    { name: 'eu', clusters: [{ name: 'infer', role: 'inference', protected: true, nodes: ['gpu-01', 'gpu-02', 'gpu-03'] }] },
    { name: 'us', clusters: [{ name: 'train', role: 'training', protected: false, nodes: ['gpu-10'] }] },
  ],
};

describe('topology counts for collapsed clusters', () => {
  it('counts each cluster’s and region’s nodes by health (no status yet: unknown) and its GPUs, before any filter', () => {
    const nodes = [node('gpu-01'), node('gpu-02', { health: 'unhealthy', gpus: [gpu(0, { health: 'unhealthy' }), gpu(1)] }), node('gpu-10')];
    const [eu, us] = buildTopologyView({ topology, nodes }, { text: 'gpu-02', problemsOnly: false });
    expect(eu.clusters[0]).toMatchObject({ names: ['gpu-02'], total: 3, problems: 2, gpusTotal: 4, gpusHealthy: 3 });
    expect(eu.clusters[0].counts).toEqual({ healthy: 1, degraded: 0, unhealthy: 1, unreachable: 0, unknown: 1 });
    expect(eu).toMatchObject({ total: 3, problems: 2 });
    expect(us).toBeUndefined();
  });

  it('re-renders a cluster whose counts moved even when the nodes it shows did not (a filtered-out node got worse)', () => {
    const base = [node('gpu-01'), node('gpu-02', { health: 'degraded' }), node('gpu-03')];
    const filter = { text: 'gpu-01', problemsOnly: false };
    const a = buildTopologyView({ topology, nodes: base }, filter)[0].clusters[0];
    const worse = [base[0], node('gpu-02', { health: 'unhealthy' }), base[2]];
    const b = buildTopologyView({ topology, nodes: worse }, filter)[0].clusters[0];
    expect(a.statuses).toEqual(b.statuses);
    expect(sameClusterContent(a, b)).toBe(false);
  });
});

describe('cluster display', () => {
  const ok = { key: 'eu/infer', problems: 0 };
  const bad = { key: 'eu/infer', problems: 2 };
  const none = { filtering: false, hasSelected: false };

  it('by default: a healthy cluster collapsed, one with a problem (or the selected node) showing its problems', () => {
    expect(clusterDisplay(ok, NO_EXPANSIONS, none)).toBe('collapsed');
    expect(clusterDisplay(bad, NO_EXPANSIONS, none)).toBe('problems');
    expect(clusterDisplay(ok, NO_EXPANSIONS, { ...none, hasSelected: true })).toBe('problems');
  });

  it('a filter shows every match; the operator’s toggle beats the default and "Expand/Collapse all"', () => {
    expect(clusterDisplay(ok, { clusters: { 'eu/infer': false } }, { filtering: true, hasSelected: false })).toBe('all');
    expect(clusterDisplay(bad, { clusters: { 'eu/infer': false } }, none)).toBe('collapsed');
    expect(clusterDisplay(ok, { clusters: { 'eu/infer': true }, all: false }, none)).toBe('all');
    expect(clusterDisplay(ok, { clusters: {}, all: true }, none)).toBe('all');
    expect(clusterDisplay(bad, { clusters: {}, all: false }, none)).toBe('collapsed');
    expect(clusterDisplay(bad, { clusters: {}, all: false }, { ...none, hasSelected: true })).toBe('problems');
  });

  it('round-trips through sessionStorage and reads anything else as no choice', () => {
    const e = { clusters: { 'eu/infer': true, 'us/train': false }, all: true };
    expect(parseExpansions(serializeExpansions(e))).toEqual(e);
    for (const junk of [null, '', 'x', '[]', 'null', '{"clusters":3}', '{}']) expect(parseExpansions(junk)).toEqual(NO_EXPANSIONS);
    expect(parseExpansions('{"clusters":{"a":true,"b":"yes"}}')).toEqual({ clusters: { a: true } });
  });
});

describe('traffic paths', () => {
  const nodes = [node('n1', { region: 'eu' }), node('n2', { region: 'us', health: 'unreachable' })];
  const replicas = [replica('r1', { node: 'n1', region: 'eu' }), replica('r2', { node: 'n2', region: null, health: 'unreachable' })];
  const lb = loadBalancer('lb1', { servers: [lbServer('llama', 'r1'), lbServer('llama', 'r2', { status: 'DOWN' }), lbServer('llama', 'ext', { replica: null })] });

  it('follows each server to its replica and node, with the failure domain (the replica’s region, else its node’s)', () => {
    const [path] = buildTrafficPaths({ loadBalancers: [lb], replicas, nodes }, { text: '', problemsOnly: false });
    expect(path.backends[0].servers.map((s) => [s.server, s.replica, s.replicaHealth, s.node, s.nodeHealth, s.region, s.problem])).toEqual([
      ['r1', 'r1', 'healthy', 'n1', 'healthy', 'eu', false],
      ['r2', 'r2', 'unreachable', 'n2', 'unreachable', 'us', true],
      ['ext', null, null, null, null, null, false],
    ]);
    expect(path.backends[0]).toMatchObject({ serving: 2, total: 3, regions: ['eu'], nodes: ['n1'] });
  });

  it('filters by any name on the path, or to problems only, keeping the backend’s spread as it is', () => {
    const byNode = buildTrafficPaths({ loadBalancers: [lb], replicas, nodes }, { text: 'N2', problemsOnly: false });
    expect(byNode[0].backends[0].servers.map((s) => s.server)).toEqual(['r2']);
    const problems = buildTrafficPaths({ loadBalancers: [lb], replicas, nodes }, { text: '', problemsOnly: true });
    expect(problems[0].backends[0].servers.map((s) => s.server)).toEqual(['r2']);
    expect(problems[0].backends[0].serving).toBe(2);
    expect(buildTrafficPaths({ loadBalancers: [lb], replicas, nodes }, { text: 'nothing', problemsOnly: false })).toEqual([]);
  });

  it('does not flag a spare held out of rotation (MAINT, not warm) as a problem; a disagreement on it still is', () => {
    const spare = { mode: 'cold' as const, readiness: 'cold' as const, reason: null, startupSeconds: 40, unit: 'vllm', unitState: 'inactive' as const, inRotation: false, replaces: [] };
    const withSpare = [...replicas, replica('s1', { node: 'n1', region: 'eu', health: 'standby', spare })];
    const spareLb = loadBalancer('lb1', { servers: [lbServer('llama', 'r1'), lbServer('llama', 's1', { status: 'MAINT' })] });
    const [path] = buildTrafficPaths({ loadBalancers: [spareLb], replicas: withSpare, nodes }, { text: '', problemsOnly: false });
    expect(path.backends[0].servers.map((s) => [s.server, s.replicaHealth, s.problem])).toEqual([
      ['r1', 'healthy', false],
      ['s1', 'standby', false],
    ]);
    expect(path.backends[0].servers[1].replicaStatus?.spare?.readiness).toBe('cold');
    const disagreeing = loadBalancer('lb1', { servers: [lbServer('llama', 's1', { status: 'UP', disagreement: 'HAProxy says UP, the spare is stopped' })] });
    expect(buildTrafficPaths({ loadBalancers: [disagreeing], replicas: withSpare, nodes }, { text: '', problemsOnly: true })[0].backends[0].servers.map((s) => s.server)).toEqual(['s1']);
  });

  it('warns when a backend’s serving servers share one node or one region, or when one or none serves', () => {
    expect(spreadText({ serving: 3, regions: ['eu', 'us'], nodes: ['a', 'b', 'c'] })).toEqual({ text: 'across 2 regions, 3 nodes', single: false });
    expect(spreadText({ serving: 2, regions: ['eu'], nodes: ['a', 'b'] }).single).toBe(true);
    expect(spreadText({ serving: 2, regions: ['eu'], nodes: ['a'] }).text).toMatch(/one node \(a\)/);
    expect(spreadText({ serving: 1, regions: ['eu'], nodes: ['a'] }).text).toMatch(/no redundancy/);
    expect(spreadText({ serving: 0, regions: [], nodes: [] }).text).toBe('no server takes traffic');
  });
});
