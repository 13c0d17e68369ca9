import { describe, expect, it } from 'vitest';
import { parseServerStatus, type LbServerView } from '../../../electron/core/haproxy';
import type { ResolvedLoadBalancer } from '../../../electron/core/inventory/resolve-services';
import { disagreement, lbBackends, lbHealth, lbServers } from '../../../electron/core/services/lb-view';
import type { ReplicaStatus } from '../../../shared/services';

const NOW = 1_800_000_000_000;
const lb: ResolvedLoadBalancer = {
  name: 'lb',
  kind: 'haproxy',
  runtime: { kind: 'tcp', host: '127.0.0.1', port: 9999 },
  frontendUrl: 'http://127.0.0.1:8080',
  backends: [{ name: 'llama', servers: ['r1', 'r2'] }],
  intervalSeconds: 5,
};

function view(server: string, status: string, weight = 1, rate: number | null = null): LbServerView {
  const state = parseServerStatus(status)!;
  return { backend: 'llama', server, status, state, checkStatus: 'L7OK', lastCheck: null, weight, userWeight: weight, sessions: 0, rate, downtimeSeconds: 0, lastChangeSeconds: 1, address: null, takesNewSessions: state.takesNewSessions && weight > 0 };
}

function replica(name: string, health: ReplicaStatus['health'], since = NOW - 180_000, completionFailing = true): ReplicaStatus {
  const probe = { kind: 'completion' as const, at: NOW, ok: !completionFailing, latencyMs: 10, failure: completionFailing ? ('http-5xx' as const) : null, status: 500, detail: 'HTTP 500' };
  return {
    name, node: null, region: null, url: 'http://x', model: 'm', api: 'openai', secretRef: null, health, reasons: health === 'healthy' ? [] : ['completion probe: HTTP 500'], since,
    latency: { health: { p50Ms: 1, p95Ms: 2, samples: 3 }, completion: { p50Ms: 1, p95Ms: 2, samples: 3 } },
    lastHealth: null, lastCompletion: probe, retryAfterSeconds: null, throttledUntil: null,
    breaker: { state: 'closed', consecutiveFailures: 0, openedAt: null, retryAt: null }, tokensPerDay: null,
  };
}

describe('LB view', () => {
  it('says when HAProxy still sends users to a replica the console finds broken, and for how long', () => {
    expect(disagreement(view('r1', 'UP'), replica('r1', 'unhealthy'), NOW)).toBe('LB says UP, completion probe failing for 3 min: completion probe: HTTP 500');
  });

  it('says when HAProxy keeps out a replica the console finds healthy', () => {
    expect(disagreement(view('r1', 'DOWN'), replica('r1', 'healthy', NOW, false), NOW)).toMatch(/^LB says DOWN .*console probes healthy/);
  });

  it('stays quiet while HAProxy is already moving the console’s way, or when they agree', () => {
    expect(disagreement(view('r1', 'DOWN 1/2'), replica('r1', 'healthy', NOW, false), NOW)).toBeNull();
    expect(disagreement(view('r1', 'UP 1/2'), replica('r1', 'unreachable'), NOW)).toBeNull();
    expect(disagreement(view('r1', 'DOWN'), replica('r1', 'unreachable'), NOW)).toBeNull();
    expect(disagreement(view('r1', 'MAINT'), replica('r1', 'unhealthy'), NOW)).toBeNull();
    expect(disagreement(view('r1', 'UP'), undefined, NOW)).toBeNull();
  });

  it('judges the LB from its backends: all serving, some, none', () => {
    const servers = (a: string, b: string, w = 1) => lbServers(lb, [view('r1', a), view('r2', b, w)], () => undefined, NOW);
    expect(lbHealth(lb, servers('UP', 'UP'))).toEqual({ health: 'healthy', reasons: [] });
    expect(lbHealth(lb, servers('UP', 'MAINT'))).toEqual({ health: 'degraded', reasons: ['backend llama: 1 of 2 servers take traffic (r2 MAINT)'] });
    expect(lbHealth(lb, servers('UP', 'UP', 0)).health).toBe('degraded');
    expect(lbHealth(lb, servers('DOWN', 'DRAIN')).health).toBe('unhealthy');
    expect(lbHealth(lb, lbServers(lb, [view('r1', 'UP')], () => undefined, NOW)).reasons).toContain('backend llama: HAProxy has no server r2 that the inventory lists');
    expect(lbHealth(lb, []).health).toBe('unhealthy');
  });

  it('a spare held out of rotation (MAINT, DRAIN or weight 0) is where it belongs: the LB stays healthy', () => {
    const spare = (name: string) => name === 'r2';
    const servers = (b: string, w = 1) => lbServers(lb, [view('r1', 'UP'), view('r2', b, w)], () => undefined, NOW);
    expect(lbHealth(lb, servers('MAINT'), spare)).toEqual({ health: 'healthy', reasons: [] });
    expect(lbHealth(lb, servers('UP', 0), spare)).toEqual({ health: 'healthy', reasons: [] });
    // A spare in rotation that HAProxy finds DOWN is a server not taking traffic like any other.
    expect(lbHealth(lb, servers('DOWN'), spare)).toEqual({ health: 'degraded', reasons: ['backend llama: 1 of 2 servers take traffic (r2 DOWN)'] });
    // The spare alone does not make a backend serve.
    expect(lbHealth(lb, lbServers(lb, [view('r1', 'DOWN'), view('r2', 'MAINT')], () => undefined, NOW), spare).health).toBe('unhealthy');
  });

  it('maps servers to replicas and ignores backends the inventory does not name', () => {
    const rows = lbServers(lb, [view('r1', 'UP'), { ...view('x', 'UP'), backend: 'other' }], () => undefined, NOW);
    expect(rows.map((r) => [r.backend, r.server, r.replica])).toEqual([['llama', 'r1', 'r1']]);
  });

  it('carries each server\'s rate, and the rate of each inventory backend HAProxy has', () => {
    expect(lbServers(lb, [view('r1', 'UP', 1, 12), view('r2', 'UP')], () => undefined, NOW).map((r) => r.rate)).toEqual([12, null]);
    expect(lbBackends(lb, [{ backend: 'other', rate: 3 }, { backend: 'llama', rate: 40 }])).toEqual([{ backend: 'llama', rate: 40 }]);
    // A backend HAProxy does not have is left out rather than shown at 0 req/s.
    expect(lbBackends(lb, [{ backend: 'other', rate: 3 }])).toEqual([]);
  });
});
