/**
 * What keeps a `nodes.updated` push cheap on a 1,000-node fleet (bench/ui.ts measures it): the
 * snapshot's structural sharing skips deep-comparing node statuses but keeps everything else's
 * identity as TanStack's did; the fleet's names stay the same arrays while the names are the
 * same; the summary is computed once per nodes array and GPUs are counted once per status; a
 * tile (and a cluster) compares what it shows, not the status object.
 */
import { QueryClient } from '@tanstack/query-core';
import { describe, expect, it } from 'vitest';
import type { FleetSnapshot } from '../../../shared/contract';
import { nodeSummary } from '../../../shared/node-summary';
import type { NodeStatus } from '../../../shared/status';
import { mergeNodeStatuses, shareSnapshot } from '../../../renderer/src/api/cache-updates';
import { fleetQueries } from '../../../renderer/src/api/queries/fleet';
import { updateFleetNames } from '../../../renderer/src/model/fleet-names';
import { nodeGpuCounts, summarize } from '../../../renderer/src/model/summary';
import { sameNodeFace } from '../../../renderer/src/model/topology-view';
import { gpu, loadBalancer, lbServer, node, replica, service, snapshot } from './builders';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('snapshot structural sharing', () => {
  it('keeps node arrays as merged (no deep compare), and everything else as TanStack would', () => {
    const before = snapshot({ replicas: [replica('r1'), replica('r2')], loadBalancers: [loadBalancer('lb1')], services: [service('s')] });
    // A refetch: every object new, equal content.
    const refetched = clone(before);
    const shared = shareSnapshot(before, refetched) as FleetSnapshot;
    expect(shared.replicas).toBe(before.replicas);
    expect(shared.loadBalancers).toBe(before.loadBalancers);
    expect(shared.services).toBe(before.services);
    expect(shared.topology).toBe(before.topology);
    // Node statuses are not compared field by field: the refetched ones are taken.
    expect(shared.nodes).toBe(refetched.nodes);
    expect(shared).toEqual(before);
    // Nothing changed at all (the same arrays): the previous snapshot itself.
    expect(shareSnapshot(before, { ...before })).toBe(before);
    expect(shareSnapshot(undefined, before)).toBe(before);
  });

  it('an untouched load balancer server keeps its object when another one changed', () => {
    const before = snapshot({ loadBalancers: [loadBalancer('lb1', { servers: [lbServer('b', 'r1'), lbServer('b', 'r2')] })] });
    const next = clone(before);
    next.loadBalancers[0].servers[1].status = 'DOWN';
    const shared = shareSnapshot(before, next) as FleetSnapshot;
    expect(shared.loadBalancers[0]).not.toBe(before.loadBalancers[0]);
    expect(shared.loadBalancers[0].servers[0]).toBe(before.loadBalancers[0].servers[0]);
    expect(shared.loadBalancers[0].servers[1].status).toBe('DOWN');
  });

  it('is the snapshot query’s sharing: a push keeps untouched statuses and takes pushed ones as merged', async () => {
    const client = new QueryClient();
    const before = snapshot();
    await client.fetchQuery({ ...fleetQueries.snapshot(), queryFn: () => before });
    const pushed = node('n2', { health: 'degraded' });
    let merged: FleetSnapshot | undefined;
    client.setQueryData<FleetSnapshot>(fleetQueries.snapshot().queryKey, (s) => (merged = s && mergeNodeStatuses(s, [pushed])));
    const after = client.getQueryData<FleetSnapshot>(fleetQueries.snapshot().queryKey) as FleetSnapshot;
    expect(after.nodes[0]).toBe(before.nodes[0]);
    expect(after.nodes[1]).toBe(merged?.nodes[1]);
    expect(after.nodes[1]).toEqual(nodeSummary(pushed));
    expect(after.topology).toBe(before.topology);
  });
});

describe('fleet names', () => {
  it('keeps the same arrays while the names are the same, sorted nodes, new arrays when a name changes', () => {
    const s0 = snapshot({ nodes: [node('b'), node('a')], replicas: [replica('r1')], loadBalancers: [loadBalancer('lb1')], services: [service('s1')] });
    const c0 = updateFleetNames(s0, null);
    expect(c0.names).toEqual({ nodes: ['a', 'b'], replicas: ['r1'], loadBalancers: ['lb1'], services: ['s1'] });
    // A push: new statuses, same names.
    const s1 = mergeNodeStatuses(s0, [node('a', { health: 'unreachable' })]);
    expect(updateFleetNames(s1, c0)).toBe(c0);
    // A node added: the node list changes, the others stay the same arrays.
    const c2 = updateFleetNames(mergeNodeStatuses(s1, [node('c')]), c0);
    expect(c2.names.nodes).toEqual(['a', 'b', 'c']);
    expect(c2.names.replicas).toBe(c0.names.replicas);
    expect(c2.names.services).toBe(c0.names.services);
    expect(updateFleetNames(undefined, c2)).toBe(c2);
    expect(updateFleetNames(undefined, null).names.nodes).toEqual([]);
  });
});

describe('summary and GPU counts', () => {
  it('is computed once per nodes array, and counts each status’s GPUs once', () => {
    const nodes: NodeStatus[] = [node('a', { expectedGpus: 8, gpus: [gpu(0), gpu(1, { health: 'unhealthy' })] }), node('b')];
    const first = summarize(nodes);
    expect(first).toEqual({ nodes: 2, byHealth: { healthy: 2, degraded: 0, unhealthy: 0, unreachable: 0, unknown: 0 }, gpusHealthy: 3, gpusTotal: 10 });
    expect(summarize(nodes)).toBe(first);
    expect(nodeGpuCounts(nodes[0])).toBe(nodeGpuCounts(nodes[0]));
    expect(nodeGpuCounts(nodes[0])).toEqual({ total: 8, healthy: 1 });
    const next = [...nodes];
    next[1] = node('b', { health: 'unreachable', gpus: [] });
    expect(summarize(next)).toMatchObject({ byHealth: { healthy: 1, unreachable: 1 }, gpusHealthy: 1, gpusTotal: 10 });
  });
});

describe('a tile compares what it shows', () => {
  const base = node('a', { gpus: [gpu(0), gpu(1)] });
  it('the same after a probe that changed only what the tile does not show', () => {
    const probed = { ...clone(base), lastProbeAt: 1_700_000_003_000, lastProbeLatencyMs: 80, since: 5, driverVersion: 'x' };
    probed.gpus[0].powerW = 300;
    probed.gpus[1].memoryUsedMiB = 1234;
    expect(sameNodeFace(base, probed)).toBe(true);
    expect(sameNodeFace(base, base)).toBe(true);
  });

  it('different when its health, reasons, expected GPUs or a GPU’s colour or tooltip changed', () => {
    const changed: Array<Partial<NodeStatus>> = [
      { health: 'degraded' },
      { reasons: ['failing: 1 of 2 probes say unhealthy'] },
      { expectedGpus: 8 },
      { gpus: [gpu(0)] },
      { gpus: [gpu(0, { health: 'unhealthy' }), gpu(1)] },
      { gpus: [gpu(0, { temperatureC: 90 }), gpu(1)] },
      { gpus: [gpu(0, { utilizationPct: 99 }), gpu(1)] },
      { gpus: [gpu(0, { reasons: ['hw_thermal_slowdown'] }), gpu(1)] },
    ];
    for (const over of changed) expect(sameNodeFace(base, { ...base, ...over }), JSON.stringify(over).slice(0, 60)).toBe(false);
    expect(sameNodeFace(base, undefined)).toBe(false);
    expect(sameNodeFace(undefined, undefined)).toBe(true);
  });
});
