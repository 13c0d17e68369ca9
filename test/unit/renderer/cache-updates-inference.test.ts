import { describe, expect, it } from 'vitest';
import {
  applyLabServices,
  mergeLoadBalancers,
  mergeReplicas,
  replaceServices,
} from '../../../renderer/src/api/cache-updates';
import { labServices, lbServer, loadBalancer, replica, service, snapshot } from './builders';

describe('mergeReplicas', () => {
  it('replaces pushed replicas by name, keeps the order and identity of the others, appends new ones', () => {
    const before = snapshot({ replicas: [replica('r1'), replica('r2'), replica('r3')] });
    const r2 = replica('r2', { health: 'throttled', retryAfterSeconds: 30 });
    const r4 = replica('r4');
    const after = mergeReplicas(before, [r4, r2]);
    expect(after.replicas.map((r) => r.name)).toEqual(['r1', 'r2', 'r3', 'r4']);
    expect(after.replicas[1]).toBe(r2);
    expect(after.replicas[0]).toBe(before.replicas[0]);
    expect(after.replicas[2]).toBe(before.replicas[2]);
    expect(before.replicas[1].health).toBe('healthy');
    // Nothing else of the snapshot is touched, so views of nodes or LBs keep their inputs.
    expect(after.nodes).toBe(before.nodes);
    expect(after.loadBalancers).toBe(before.loadBalancers);
  });

  it('returns the same snapshot for an empty batch and keeps the last of two statuses for one name', () => {
    const before = snapshot({ replicas: [replica('r1')] });
    expect(mergeReplicas(before, [])).toBe(before);
    const last = replica('r1', { health: 'unreachable' });
    expect(mergeReplicas(before, [replica('r1', { health: 'degraded' }), last]).replicas).toEqual([last]);
  });
});

describe('mergeLoadBalancers', () => {
  it('replaces a load balancer by name and keeps the others', () => {
    const before = snapshot({ loadBalancers: [loadBalancer('lb1'), loadBalancer('lb2')] });
    const lb2 = loadBalancer('lb2', { health: 'degraded', servers: [lbServer('llama', 'r1', { status: 'MAINT' })] });
    const after = mergeLoadBalancers(before, [lb2]);
    expect(after.loadBalancers.map((lb) => lb.name)).toEqual(['lb1', 'lb2']);
    expect(after.loadBalancers[0]).toBe(before.loadBalancers[0]);
    expect(after.loadBalancers[1]).toBe(lb2);
    expect(after.replicas).toBe(before.replicas);
  });

  it('appends a load balancer the snapshot did not have, and ignores an empty batch', () => {
    const before = snapshot({ loadBalancers: [loadBalancer('lb1')] });
    expect(mergeLoadBalancers(before, [loadBalancer('lb9')]).loadBalancers.map((lb) => lb.name)).toEqual(['lb1', 'lb9']);
    expect(mergeLoadBalancers(before, [])).toBe(before);
  });
});

describe('replaceServices', () => {
  it('replaces a pushed service whole by its service name and keeps the services not pushed', () => {
    const before = snapshot({ services: [service('llama'), service('mistral')] });
    const llama = service('llama', { burnRate1h: 'infinite', budget: { allowedFailures: 0, failed: 3, remainingRatio: 0, remainingMinutes: 0 } });
    const after = replaceServices(before, [llama]);
    expect(after.services).toEqual([llama, before.services[1]]);
    expect(after.services[0]).toBe(llama);
    expect(after.services[1]).toBe(before.services[1]);
  });

  it('appends a new service and returns the same snapshot for an empty push', () => {
    const before = snapshot({ services: [service('llama')] });
    expect(replaceServices(before, [service('qwen')]).services.map((s) => s.service)).toEqual(['llama', 'qwen']);
    expect(replaceServices(before, [])).toBe(before);
  });
});

describe('applyLabServices', () => {
  it('sets and clears the lab inference info', () => {
    const info = labServices({ loadBalancer: { available: false, reason: 'haproxy is not on the PATH', frontendUrl: null } });
    const set = applyLabServices(snapshot(), info);
    expect(set.labServices).toBe(info);
    expect(applyLabServices(set, null).labServices).toBeNull();
  });
});
