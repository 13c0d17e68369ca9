/**
 * The inference side of the engine against the lab: real OpenAI-compatible replicas behind a
 * real HAProxy (Debian's haproxy), polled over its runtime API, availability through the frontend.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_LB, LAB_SERVICE, LAB_WEIGHT } from '../../electron/core/lab/lab-services';
import { main } from '../../electron/cli/index';
import type { CheckReport } from '../../electron/core/fleet/check';
import type { LoadBalancerStatus, ReplicaStatus, ServiceAvailability } from '../../shared/services';
import { waitFor } from './helpers/free-port';
import { startLabConsole, type LabConsole } from './helpers/lab-console';

let c: LabConsole;
let services: LabConsole['services'];
let core: LabConsole['core'];
let replicas: string[];
let call: LabConsole['call'];

beforeAll(async () => {
  c = await startLabConsole({ name: 'services' });
  ({ services, core, replicas, call } = c);
}, 60_000);

afterAll(() => c?.stop());

const replica = (name: string) => core.services.replicas.status(name) as ReplicaStatus;
const lb = () => core.services.loadBalancers.status(LAB_LB) as LoadBalancerStatus;
const server = (name: string) => lb().servers.find((s) => s.server === name);

describe('replicas, HAProxy and availability in the lab', () => {
  it('starts a real HAProxy in front of the replicas and sees everything healthy', async () => {
    expect(services.info().loadBalancer.available).toBe(true);
    expect(replicas).toHaveLength(3);
    await waitFor(() => replicas.every((r) => replica(r)?.health === 'healthy'), { what: 'replicas healthy', timeoutMs: 15_000 });
    await waitFor(() => lb().servers.length === 3 && lb().servers.every((s) => s.status === 'UP'), { what: 'LB all UP', timeoutMs: 15_000 });
    expect(lb().health).toBe('healthy');
    expect(replica(replicas[0]).tokensPerDay).toBeGreaterThan(0);
    expect(replica(replicas[0]).lastCompletion?.ok).toBe(true);
  });

  it('a killed replica: HAProxy marks it DOWN and the console shows both views', async () => {
    const victim = replicas[0];
    await call('lab.replicaFault', { replica: victim, kind: 'down' });
    await waitFor(() => server(victim)?.status === 'DOWN' && replica(victim).health === 'unreachable', { what: 'DOWN + unreachable', timeoutMs: 20_000 });
    expect(server(victim)!.replica).toBe(victim);
    expect(replica(victim).reasons.join(' ')).toMatch(/refused/);
    expect(lb().health).toBe('degraded');
    const snap = await call<{ loadBalancers: LoadBalancerStatus[]; replicas: ReplicaStatus[] }>('fleet.snapshot', {});
    expect(snap.loadBalancers[0].servers.find((s) => s.server === victim)?.status).toBe('DOWN');
    await call('lab.replicaFault', { replica: victim, kind: null });
    await waitFor(() => server(victim)?.status === 'UP' && replica(victim).health === 'healthy', { what: 'back UP', timeoutMs: 20_000 });
  });

  it('a 429 storm makes a replica throttled, shows Retry-After, and no probe goes out before it passes', async () => {
    const name = replicas[1];
    await call('lab.replicaFault', { replica: name, kind: 'rate-limit', retryAfterSeconds: 3 });
    await waitFor(() => replica(name).health === 'throttled', { what: 'throttled', timeoutMs: 10_000 });
    const s = replica(name);
    expect(s.retryAfterSeconds).toBe(3);
    expect(s.throttledUntil).toBeGreaterThan(Date.now());
    expect(s.reasons.join(' ')).toMatch(/429|rate/i);
    // Count what reaches the replica from now until the Retry-After has passed.
    const until = s.throttledUntil!;
    const before = probesSeenBy(name);
    await waitFor(() => Date.now() >= until - 50, { what: 'retry-after to pass', timeoutMs: 10_000, intervalMs: 100 });
    expect(probesSeenBy(name)).toBe(before);
    await call('lab.replicaFault', { replica: name, kind: null });
    await waitFor(() => replica(name).health === 'healthy', { what: 'recovered', timeoutMs: 15_000 });
    // HAProxy's own checks got 429s too: it takes the server back after `rise 2` good checks.
    await waitFor(() => server(name)?.status === 'UP', { what: 'HAProxy UP again', timeoutMs: 15_000 });
  });

  it('drains and readies a server through the runtime API, and reports HAProxy refusals in its words', async () => {
    const name = replicas[2];
    // The lab's inference clusters are protected: each change carries the typed server name.
    const at = { loadBalancer: LAB_LB, backend: LAB_SERVICE, server: name, confirm: name };
    const drained = await call<LoadBalancerStatus>('lb.setServerState', { ...at, state: 'drain' });
    expect(drained.servers.find((s) => s.server === name)?.status).toBe('DRAIN');
    const ready = await call<LoadBalancerStatus>('lb.setServerState', { ...at, state: 'ready' });
    expect(ready.servers.find((s) => s.server === name)?.status).toMatch(/^UP/);
    const weighted = await call<LoadBalancerStatus>('lb.setWeight', { ...at, weight: 0 });
    expect(weighted.servers.find((s) => s.server === name)?.weight).toBe(0);
    await call('lb.setWeight', { ...at, weight: LAB_WEIGHT });
    await expect(call('lb.setServerState', { loadBalancer: LAB_LB, backend: LAB_SERVICE, server: 'no-such-server', state: 'drain' })).rejects.toMatchObject({
      code: 'LB_COMMAND_REJECTED',
      message: expect.stringMatching(/No such server/),
    });
    await expect(call('lb.setServerState', { loadBalancer: LAB_LB, backend: LAB_SERVICE, server: 'a;shutdown', state: 'drain' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('counts requests through the frontend: probes and generated traffic, with the SLO figures', async () => {
    await call('lab.traffic', { ratePerSecond: 20 });
    await waitFor(() => (core.services.availability.services()[0]?.hour.requests ?? 0) > 30, { what: 'traffic counted', timeoutMs: 15_000 });
    await call('lab.traffic', { ratePerSecond: 0 });
    const svc = core.services.availability.services()[0] as ServiceAvailability;
    expect(svc.service).toBe(LAB_SERVICE);
    expect(svc.target).toBe(99.9);
    expect(svc.hour.successRatio).toBeGreaterThan(0.9);
    expect(svc.budget.remainingRatio).not.toBeNull();
    expect(svc.redundancy[0]).toMatchObject({ backend: LAB_SERVICE, replicas: 3 });
    expect(svc.redundancy[0].single).toBeGreaterThan(0);
    expect(services.info().traffic.sent).toBeGreaterThan(0);
  });
});

const probesSeenBy = (name: string) => services.probesSeen(name);

describe('fleetops check with replicas and load balancers', () => {
  async function check(): Promise<{ code: number; report: CheckReport }> {
    let out = '';
    const code = await main(['check', '--inventory', c.lab.inventoryPath, '--json'], { out: (t) => void (out += t), err: () => undefined });
    return { code, report: JSON.parse(out) as CheckReport };
  }

  it('reports replicas with latency and the LB servers in HAProxy words', async () => {
    const { code, report } = await check();
    const notHealthy = [...report.nodes, ...report.replicas, ...report.loadBalancers].filter((x) => x.health !== 'healthy');
    expect(notHealthy.map((x) => `${x.name}: ${x.health} ${x.reasons.join('; ')}`)).toEqual([]);
    expect(code).toBe(0);
    expect(report.replicas.map((r) => r.name).sort()).toEqual([...replicas].sort());
    for (const r of report.replicas) {
      expect(r).toMatchObject({ health: 'healthy', reasons: [], retryAfterSeconds: null });
      expect(r.latencyMs).toBeGreaterThan(0);
    }
    expect(report.loadBalancers).toHaveLength(1);
    expect(report.loadBalancers[0]).toMatchObject({ name: LAB_LB, health: 'healthy' });
    expect(report.loadBalancers[0].servers.map((s) => [s.backend, s.server, s.status, s.replica])).toEqual(replicas.map((r) => [LAB_SERVICE, r, 'UP', r]));
  });

  it('a throttled replica counts as degraded for the exit status and shows its Retry-After', async () => {
    const name = replicas[1];
    await call('lab.replicaFault', { replica: name, kind: 'rate-limit', retryAfterSeconds: 7 });
    try {
      const { code, report } = await check();
      expect(code).toBe(1);
      expect(report.replicas.find((r) => r.name === name)).toMatchObject({ health: 'throttled', retryAfterSeconds: 7 });
    } finally {
      await call('lab.replicaFault', { replica: name, kind: null });
    }
  });
});
