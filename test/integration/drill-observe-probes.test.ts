/**
 * The observer's own traffic and its failure paths, against real servers: a frontend that hangs
 * (open loop: the probes keep their rate and fail as timeouts, and the in-flight cap turns the
 * excess into failures with that reason), stop() waiting for what is in flight, a HAProxy that does
 * not answer at start (nothing is sent), and one that goes away mid-drill (polls fail to onError,
 * probing goes on).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRILL_PROBE_USER_AGENT, createDrillObserver } from '../../electron/core/drills/observe/drill-observer';
import type { ObserverConfig, ObserverHealth, OtherTraffic } from '../../electron/core/drills/observe/observer-types';
import { HaproxyRuntime } from '../../electron/core/haproxy';
import { startLabHaproxy, type LabHaproxy } from '../../electron/core/lab/lab-haproxy';
import { startTrafficGenerator, type TrafficOutcome } from '../../electron/core/lab/traffic-generator';
import { closedPort, waitFor } from './helpers/free-port';
import { startNamedBackends, type NamedBackends } from './helpers/haproxy';

let dir: string;
let backends: NamedBackends;
let lb: LabHaproxy | undefined;
let runtime: HaproxyRuntime;
/** A frontend that answers only what the test lets through: `hang` holds every request. */
let frontend: Server;
let frontendUrl: string;
let hang = false;
const held: ServerResponse[] = [];
const seen: IncomingMessage[] = [];
const sockets = new Set<Socket>();

const health: ObserverHealth = { current: () => 'healthy', subscribe: () => () => undefined };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fleetops-drill-probes-'));
  backends = await startNamedBackends(['a', 'b']);
  lb = await startLabHaproxy({ dir, backends: { llm: backends.list.map(({ name, host, port }) => ({ name, host, port })) }, tcpRuntime: ['admin'] });
  runtime = new HaproxyRuntime({ kind: 'tcp', host: lb.tcpRuntime[0]!.host, port: lb.tcpRuntime[0]!.port });
  await waitFor(async () => (await runtime.servers()).every((s) => s.status === 'UP'), { what: 'a and b UP', timeoutMs: 15_000 });
  frontend = createServer((req, res) => {
    seen.push(req);
    if (hang) held.push(res);
    else res.end('ok');
  });
  frontend.on('connection', (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => frontend.listen(0, '127.0.0.1', () => r()));
  frontendUrl = `http://127.0.0.1:${(frontend.address() as { port: number }).port}/health`;
}, 30_000);

afterAll(async () => {
  for (const res of held) res.destroy();
  await new Promise<void>((r) => frontend?.close(() => r()));
  await lb?.stop();
  await backends?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const config = (over: Partial<ObserverConfig> = {}): ObserverConfig => ({
  frontendUrl,
  probe: { ratePerSecond: 20, timeoutMs: 400 },
  hypothesis: { minSuccessPct: 95, maxP95Ms: 200, windowSeconds: 5 },
  lbServers: [{ loadBalancer: 'lb', backend: 'llm', server: 'a' }],
  subjects: ['a'],
  lbPollMs: 100,
  ...over,
});

const sum = (xs: Array<{ sent: number; ok: number; failed: number }>) => xs.reduce((t, s) => ({ sent: t.sent + s.sent, ok: t.ok + s.ok, failed: t.failed + s.failed }), { sent: 0, ok: 0, failed: 0 });

describe('the drill observer probes', () => {
  it('keeps its rate into a hung frontend: the probes time out and the in-flight cap fails the excess for that reason', async () => {
    hang = false;
    seen.length = 0;
    const observer = createDrillObserver(config({ probe: { ratePerSecond: 20, timeoutMs: 400, maxInFlight: 2 } }), { runtimes: new Map([['lb', runtime]]), health });
    await observer.start();
    const startedAt = Date.now(); // the first probe is due as start() returns
    await waitFor(() => observer.hypothesis().requests >= 10, { what: 'ten probes answered', timeoutMs: 5000 });
    expect(observer.hypothesis()).toMatchObject({ holds: true, successPct: 100 });
    expect(seen[0]!.headers['user-agent']).toBe(DRILL_PROBE_USER_AGENT);

    hang = true;
    const hungFrom = seen.length;
    const broken = await waitFor(() => observer.milestones().find((m) => m.kind === 'hypothesis-broken'), { what: 'the hypothesis broken', timeoutMs: 5000 });
    // Two seconds of hang: ~40 due, at most 2 in flight, each 400 ms.
    await waitFor(() => sum(observer.seconds()).failed >= 35, { what: '35 failures', timeoutMs: 5000 });
    const elapsedSeconds = (Date.now() - startedAt) / 1000; // nothing is due after stop() is called
    await observer.stop();
    const t = sum(observer.seconds());
    // Open loop: the hung frontend did not slow the schedule (a closed loop with 2 in flight and a
    // 400 ms timeout would have managed 5 per second).
    expect(t.sent).toBeGreaterThanOrEqual(Math.floor(20 * elapsedSeconds) - 3);
    expect(t.sent).toBeLessThanOrEqual(Math.ceil(20 * elapsedSeconds) + 2);
    // The cap held: the frontend got at most 2 per 400 ms while hung; the rest failed unsent.
    const gotWhileHung = seen.length - hungFrom;
    expect(gotWhileHung).toBeLessThan(t.failed / 2);
    const first = observer.milestones().find((m) => m.kind === 'first-failed-request')!;
    expect(first.at).toBeLessThanOrEqual(broken.at);
    expect(first.error).toMatch(/^(in-flight-cap: not sent|timeout: no complete answer within 400 ms)/);
    console.log(`hung frontend: ${t.sent} due in ${elapsedSeconds.toFixed(1)} s, ${t.ok} ok, ${t.failed} failed; the frontend got ${gotWhileHung} while hung`);
    hang = false;
    for (const res of held.splice(0)) res.destroy();
  }, 30_000);

  it('counts the lab generator’s requests through its frontend with its own probes, and not those through another frontend', async () => {
    hang = false;
    seen.length = 0;
    const elsewhere = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => elsewhere.listen(0, '127.0.0.1', () => r()));
    const elsewhereUrl = `http://127.0.0.1:${(elsewhere.address() as { port: number }).port}/v1/models`;
    // The lab's generator, as lab-services.ts offers it: each outcome with the frontend it went through.
    const listeners = new Set<(o: TrafficOutcome, url: string) => void>();
    const other: OtherTraffic = (l) => (listeners.add(l), () => void listeners.delete(l));
    const generator = (url: string) => startTrafficGenerator({ url, ratePerSecond: 30, timeoutMs: 1000, onOutcome: (o) => listeners.forEach((l) => l(o, url)) });
    const observer = createDrillObserver(config({ probe: { ratePerSecond: 5, timeoutMs: 1000 } }), { runtimes: new Map([['lb', runtime]]), health, otherTraffic: other });
    const startedAt = Date.now();
    await observer.start();
    const lab = [generator(frontendUrl.replace('/health', '/v1/models')), generator(elsewhereUrl)];
    let elapsedSeconds = 0;
    try {
      await waitFor(() => observer.hypothesis().requests >= 40, { what: 'forty requests counted', timeoutMs: 5000 });
    } finally {
      for (const g of lab) await g.stop();
      elapsedSeconds = (Date.now() - startedAt) / 1000;
      await observer.stop();
      await new Promise<void>((r) => elsewhere.close(() => r()));
    }
    const t = sum(observer.seconds());
    // More than its own 5 a second: the generator's requests through its frontend count too…
    expect(t.sent).toBeGreaterThan(5 * elapsedSeconds + 10);
    // …but no more than its own and that generator's 30 a second: none of elsewhere's (30 more a second).
    expect(t.sent).toBeLessThanOrEqual(35 * elapsedSeconds + 4);
    expect(seen.some((r) => r.url === '/v1/models')).toBe(true);
    expect(listeners.size).toBe(0);
  }, 30_000);

  it('stop() returns once the probes in flight have ended: each hung request is a counted failure by then', async () => {
    hang = false;
    seen.length = 0;
    // 20/s with a 1 s timeout: the default cap (21) never bites, so every failure is a sent request.
    const observer = createDrillObserver(config({ probe: { ratePerSecond: 20, timeoutMs: 1000 } }), { runtimes: new Map([['lb', runtime]]), health });
    await observer.start();
    await waitFor(() => observer.hypothesis().requests >= 5, { what: 'five probes answered', timeoutMs: 5000 });
    hang = true;
    const hungFrom = seen.length;
    await waitFor(() => seen.length - hungFrom >= 5, { what: 'five requests hung', timeoutMs: 5000 });
    await observer.stop();
    const t = sum(observer.seconds());
    // Every request the frontend holds ended (as a timeout) before stop() returned.
    expect(t.failed).toBe(seen.length - hungFrom);
    expect(t.ok + t.failed).toBe(seen.length);
    hang = false;
    for (const res of held.splice(0)) res.destroy();
  }, 30_000);

  it('takes the console verdicts from its subscription, from start to stop', async () => {
    hang = false;
    const listeners = new Set<(subject: string, health: string, at: number) => void>();
    const verdicts: ObserverHealth = {
      current: (s) => (s === 'a' ? 'healthy' : undefined),
      subscribe: (l) => {
        listeners.add(l);
        return () => void listeners.delete(l);
      },
    };
    const observer = createDrillObserver(config({ watchOutside: ['b'] }), { runtimes: new Map([['lb', runtime]]), health: verdicts });
    expect(listeners.size).toBe(0);
    await observer.start();
    expect(listeners.size).toBe(1);
    const at = Date.now();
    for (const l of listeners) {
      l('a', 'unreachable', at);
      l('b', 'unhealthy', at + 1);
      l('a', 'healthy', at + 2);
    }
    expect(observer.milestones()).toEqual([
      { kind: 'console-detected', at, subject: 'a', health: 'unreachable' },
      { kind: 'outside-unhealthy', at: at + 1, subject: 'b', health: 'unhealthy' },
      { kind: 'subject-healthy', at: at + 2, subject: 'a' },
    ]);
    await observer.stop();
    expect(listeners.size).toBe(0);
  });

  it('refuses to start when HAProxy does not answer the baseline read, having sent no probe', async () => {
    hang = false;
    seen.length = 0;
    const dead = new HaproxyRuntime({ kind: 'tcp', host: '127.0.0.1', port: await closedPort() }, { timeoutMs: 1000 });
    const observer = createDrillObserver(config(), { runtimes: new Map([['lb', dead]]), health });
    await expect(observer.start()).rejects.toMatchObject({ code: 'HOST_UNREACHABLE' });
    expect(seen).toHaveLength(0);
    await observer.stop();
    expect(() => createDrillObserver(config({ lbServers: [{ loadBalancer: 'nowhere', backend: 'llm', server: 'a' }] }), { runtimes: new Map(), health })).toThrow(/no HAProxy runtime for load balancer nowhere/);
  });

  it('keeps probing when HAProxy goes away mid-drill, and reports each failed poll to onError', async () => {
    hang = false;
    const errors: unknown[] = [];
    const observer = createDrillObserver(config(), { runtimes: new Map([['lb', runtime]]), health, onError: (e) => errors.push(e) });
    await observer.start();
    await lb!.stop();
    lb = undefined;
    await waitFor(() => errors.length >= 2, { what: 'two failed polls', timeoutMs: 5000 });
    const answered = observer.hypothesis().requests;
    await waitFor(() => observer.hypothesis().requests >= answered + 5, { what: 'five more probes', timeoutMs: 5000 });
    await observer.stop();
    expect(errors[0]).toMatchObject({ code: expect.stringMatching(/^(HOST_UNREACHABLE|TIMEOUT)$/) });
    expect(observer.hypothesis()).toMatchObject({ holds: true });
  }, 30_000);
});
