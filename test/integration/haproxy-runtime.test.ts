/**
 * The HAProxy connector against a real HAProxy 2.6 (Debian's /usr/sbin/haproxy) started by the
 * lab in front of three Node HTTP backends: reads, changes that move real traffic, refusals, and
 * health checks failing and recovering.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetError } from '../../shared/errors';
import { HaproxyRuntime } from '../../electron/core/haproxy/runtime-client';
import type { LbServerView } from '../../electron/core/haproxy/server-view';
import { freePorts, haproxyAvailable, startLabHaproxy, type LabHaproxy } from '../../electron/core/lab/lab-haproxy';
import { countAnswers, fetchName, startNamedBackends, type NamedBackends } from './helpers/haproxy';
import { waitFor } from './helpers/free-port';
import { descendantsOf } from './helpers/process-tree';

async function rejection(p: Promise<unknown>): Promise<FleetError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(FleetError);
    return err as FleetError;
  }
  throw new Error('expected a rejection');
}

let dir: string;
let backends: NamedBackends;
let lb: LabHaproxy;
let unix: HaproxyRuntime;
let tcp: HaproxyRuntime;
let tcpUser: HaproxyRuntime;

const view = async (rt: HaproxyRuntime, server: string): Promise<LbServerView> => (await rt.servers()).find((v) => v.backend === 'llm' && v.server === server)!;
/** Polls until every server of `llm` satisfies `ok`: state changes by health checks take a check interval. */
const waitForServers = (what: string, ok: (views: Record<string, LbServerView>) => boolean, timeoutMs = 10_000) =>
  waitFor(
    async () => {
      const views = Object.fromEntries((await unix.servers()).filter((v) => v.backend === 'llm').map((v) => [v.server, v]));
      return ok(views) ? views : undefined;
    },
    { what, timeoutMs, intervalMs: 25 },
  );

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fleetops-haproxy-it-'));
  chmodSync(dir, 0o700);
  backends = await startNamedBackends(['a', 'b', 'c']);
  lb = await startLabHaproxy({ dir, backends: { llm: backends.list.map(({ name, host, port }) => ({ name, host, port })) }, tcpRuntime: ['admin', 'user'], statsPage: true });
  unix = new HaproxyRuntime({ kind: 'unix', path: lb.socketPath });
  tcp = new HaproxyRuntime({ kind: 'tcp', host: lb.tcpRuntime[0]!.host, port: lb.tcpRuntime[0]!.port });
  tcpUser = new HaproxyRuntime({ kind: 'tcp', host: lb.tcpRuntime[1]!.host, port: lb.tcpRuntime[1]!.port });
  await waitForServers('a, b and c UP after their first checks', (v) => ['a', 'b', 'c'].every((s) => v[s]?.status === 'UP' && v[s]?.checkStatus === 'L7OK'));
});

afterAll(async () => {
  await lb?.stop();
  await backends?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the lab load balancer', () => {
  it('finds haproxy without being given a PATH (Debian puts it in /usr/sbin)', async () => {
    expect(await haproxyAvailable()).toBe('/usr/sbin/haproxy');
    expect(await haproxyAvailable('/nonexistent')).toBe('/usr/sbin/haproxy');
  });

  it('spreads requests over the three backends round robin and serves its stats page', async () => {
    expect(await countAnswers(lb.frontendUrl, 30)).toEqual({ a: 10, b: 10, c: 10 });
    const stats = await fetchName(lb.statsUrl!);
    expect(stats.status).toBe(200);
    expect(stats.body).toContain('HAProxy');
  });
});

describe('reads', () => {
  it('show stat lists the three servers UP with their checks, the same over the UNIX socket and TCP', async () => {
    for (const rt of [unix, tcp, tcpUser]) {
      const rows = await rt.showStat();
      const servers = rows.filter((r) => r.proxy === 'llm' && r.type === 'server');
      expect(servers.map((r) => [r.name, r.status, r.checkStatus, r.checkCode, r.weight])).toEqual([
        ['a', 'UP', 'L7OK', 200, 1],
        ['b', 'UP', 'L7OK', 200, 1],
        ['c', 'UP', 'L7OK', 200, 1],
      ]);
      expect(rows.find((r) => r.proxy === 'fe')).toMatchObject({ type: 'frontend', status: 'OPEN' });
    }
  });

  it('show servers state and show info parse', async () => {
    const state = await unix.showServersState('llm');
    expect(state.map((r) => [r.server, r.opState, r.adminFlags, r.checkResult])).toEqual([
      ['a', 'running', [], 'passed'],
      ['b', 'running', [], 'passed'],
      ['c', 'running', [], 'passed'],
    ]);
    const info = await tcp.showInfo();
    expect(info.Name).toBe('HAProxy');
    expect(info.Version).toMatch(/^2\.6\./);
    expect(Number(info.Pid)).toBe(lb.pid);
  });
});

describe('changes move real traffic', () => {
  it('maint takes a server out of rotation at once, ready brings it back', async () => {
    await unix.setServerState('llm', 'b', 'maint');
    expect(await view(unix, 'b')).toMatchObject({ status: 'MAINT', takesNewSessions: false });
    const hitsBefore = backends.byName('b').hits();
    expect(await countAnswers(lb.frontendUrl, 20)).toEqual({ a: 10, c: 10 });
    expect(backends.byName('b').hits()).toBe(hitsBefore);

    await unix.setServerState('llm', 'b', 'ready');
    // Out of maintenance HAProxy trusts the server again at once (its checks were passing).
    expect((await view(unix, 'b')).takesNewSessions).toBe(true);
    const after = await countAnswers(lb.frontendUrl, 30);
    expect(after.b).toBeGreaterThanOrEqual(9);
  });

  it('drain stops new sessions to a server over TCP, ready restores them', async () => {
    await tcp.setServerState('llm', 'c', 'drain');
    expect(await view(tcp, 'c')).toMatchObject({ status: 'DRAIN', takesNewSessions: false });
    const before = backends.byName('c').hits();
    expect(await countAnswers(lb.frontendUrl, 20)).toEqual({ a: 10, b: 10 });
    expect(backends.byName('c').hits()).toBe(before);
    expect((await unix.showServersState('llm')).find((r) => r.server === 'c')!.adminFlags).toEqual(['forced-drain']);

    await tcp.setServerState('llm', 'c', 'ready');
    expect((await view(tcp, 'c')).status).toBe('UP');
    expect((await countAnswers(lb.frontendUrl, 30)).c).toBeGreaterThanOrEqual(9);
  });

  it('weight 0 stops new sessions to a server, and weights share traffic in proportion', async () => {
    await unix.setWeight('llm', 'a', 0);
    expect(await view(unix, 'a')).toMatchObject({ status: 'UP', weight: 0, takesNewSessions: false });
    expect(await countAnswers(lb.frontendUrl, 20)).toEqual({ b: 10, c: 10 });

    await unix.setWeight('llm', 'a', 2);
    const shared = await countAnswers(lb.frontendUrl, 40);
    expect(shared).toEqual({ a: 20, b: 10, c: 10 });

    await unix.setWeight('llm', 'a', 1);
    expect((await view(unix, 'a')).weight).toBe(1);
  });
});

describe('refusals', () => {
  it.each([
    ['an unknown server', (rt: HaproxyRuntime) => rt.setServerState('llm', 'nosuch', 'maint'), 'set server llm/nosuch state maint', 'No such server.'],
    ['an unknown backend', (rt: HaproxyRuntime) => rt.setWeight('nosuch', 'a', 1), 'set weight nosuch/a 1', 'No such backend.'],
    ['a bad state word', (rt: HaproxyRuntime) => rt.change('set server llm/a state bogus'), 'set server llm/a state bogus', "'set server <srv> state' expects 'ready', 'drain' and 'maint'."],
    ['a weight out of range', (rt: HaproxyRuntime) => rt.change('set weight llm/a 300'), 'set weight llm/a 300', 'Absolute weight can only be between 0 and 256 inclusive.'],
  ])('%s → LB_COMMAND_REJECTED with HAProxy’s words', async (_what, attempt, command, reply) => {
    for (const rt of [unix, tcp]) {
      const err = await rejection(attempt(rt));
      expect(err.code).toBe('LB_COMMAND_REJECTED');
      expect(err.message).toContain(`rejected "${command}": ${reply}`);
      expect(err.detail).toEqual({ command, reply });
    }
  });

  it('a socket without admin level → LB_COMMAND_REJECTED "Permission denied", and nothing changes', async () => {
    const err = await rejection(tcpUser.setServerState('llm', 'a', 'maint'));
    expect(err.code).toBe('LB_COMMAND_REJECTED');
    expect(err.detail).toEqual({ command: 'set server llm/a state maint', reply: 'Permission denied' });
    expect((await view(unix, 'a')).status).toBe('UP');
  });

  it('refuses injection attempts before sending: the frontend keeps serving', async () => {
    const attempts = [
      unix.setServerState('llm/a; shutdown frontend fe', 'a', 'maint'),
      unix.setServerState('llm', 'a; shutdown frontend fe', 'maint'),
      unix.setServerState('llm', 'a\nshutdown frontend fe', 'ready'),
      unix.setWeight('llm', 'a 0; shutdown frontend fe', 1),
      unix.command('show info; shutdown frontend fe'),
      unix.command('show info\nshutdown frontend fe'),
      unix.change('set weight llm/a 1;shutdown frontend fe'),
    ];
    for (const attempt of attempts) expect((await rejection(attempt)).code).toBe('BAD_REQUEST');
    expect((await fetchName(lb.frontendUrl)).status).toBe(200);
    expect((await unix.showStat()).find((r) => r.proxy === 'fe')!.status).toBe('OPEN');
    expect((await view(unix, 'a')).status).toBe('UP');
  });
});

describe('health checks failing and recovering, as show stat reports them', () => {
  it('goes UP → UP 1/2 → DOWN when a backend stops, then DOWN 1/2 → UP when it is back', async () => {
    const c = backends.byName('c');
    const stopped = Date.now();
    await c.stopListening();
    const goingDown = await waitForServers('c UP 1/2', (v) => v.c?.status === 'UP 1/2');
    expect(goingDown.c!.state.transition).toEqual({ toward: 'down', step: 1, of: 2 });
    expect(goingDown.c!).toMatchObject({ checkStatus: 'L4CON', lastCheck: 'Connection refused', takesNewSessions: true });
    const down = await waitForServers('c DOWN', (v) => v.c?.status === 'DOWN');
    const detectedMs = Date.now() - stopped;
    expect(down.c!).toMatchObject({ checkStatus: 'L4CON', lastCheck: 'Connection refused', takesNewSessions: false });
    // inter 1s, fall 2: two failed checks, so between 1 and 2 intervals (plus polling slack).
    expect(detectedMs).toBeGreaterThanOrEqual(1000);
    expect(detectedMs).toBeLessThan(4000);
    expect(await countAnswers(lb.frontendUrl, 20)).toEqual({ a: 10, b: 10 });

    const restarted = Date.now();
    await c.listenAgain();
    const comingUp = await waitForServers('c DOWN 1/2', (v) => v.c?.status === 'DOWN 1/2');
    expect(comingUp.c!.state.transition).toEqual({ toward: 'up', step: 1, of: 2 });
    expect(comingUp.c!.checkStatus).toBe('L7OK');
    const up = await waitForServers('c UP', (v) => v.c?.status === 'UP');
    const recoveredMs = Date.now() - restarted;
    expect(up.c!.downtimeSeconds).toBeGreaterThanOrEqual(1);
    expect(recoveredMs).toBeLessThan(4000);
    console.log(`[measure] haproxy: c DOWN ${detectedMs} ms after its listener closed, UP ${recoveredMs} ms after it listened again (inter 1s, fall 2, rise 2)`);
  });
});

describe('stopping', () => {
  it('stops haproxy cleanly: the process exits and the socket stops answering', async () => {
    // A second, throwaway instance: the suite's one keeps serving the other tests.
    const own = mkdtempSync(join(tmpdir(), 'fleetops-haproxy-stop-'));
    let second: LabHaproxy | undefined;
    try {
      second = await startLabHaproxy({ dir: own, backends: { llm: [{ name: 'a', host: '127.0.0.1', port: backends.byName('a').port }] } });
      const rt = new HaproxyRuntime({ kind: 'unix', path: second.socketPath });
      expect((await rt.showInfo()).Name).toBe('HAProxy');
      const started = Date.now();
      await second.stop();
      const stopMs = Date.now() - started;
      const pid = second.pid;
      expect(() => process.kill(pid, 0)).toThrow();
      expect((await rejection(rt.showInfo())).code).toBe('HOST_UNREACHABLE');
      console.log(`[measure] haproxy soft stop (SIGUSR1) took ${stopMs} ms`);
    } finally {
      await second?.stop(); // a no-op once stopped; stops it if an assertion failed first
      rmSync(own, { recursive: true, force: true });
    }
  });

  it('retries with new ports when one it was given is taken before haproxy binds it', async () => {
    const own = mkdtempSync(join(tmpdir(), 'fleetops-haproxy-taken-'));
    const squatter = createServer();
    await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', () => r()));
    const taken = (squatter.address() as { port: number }).port;
    const handedOut: number[][] = [];
    try {
      const third = await startLabHaproxy({
        dir: own,
        backends: { llm: [{ name: 'a', host: '127.0.0.1', port: backends.byName('a').port }] },
        // The first ports handed out are already taken, as if another process won the race.
        portSource: async (count) => {
          const ports = handedOut.length === 0 ? [taken] : await freePorts(count);
          handedOut.push(ports);
          return ports;
        },
      });
      try {
        expect(handedOut).toHaveLength(2);
        expect(third.frontendUrl).toBe(`http://127.0.0.1:${handedOut[1]![0]}`);
        expect((await fetchName(third.frontendUrl)).body).toBe('a');
      } finally {
        await third.stop();
      }
    } finally {
      squatter.close();
      rmSync(own, { recursive: true, force: true });
    }
  });

  it('reports a configuration haproxy refuses with its log, and leaves no process behind', async () => {
    const own = mkdtempSync(join(tmpdir(), 'fleetops-haproxy-bad-'));
    try {
      const err = await rejection(startLabHaproxy({ dir: own, backends: { llm: [{ name: 'a', host: 'no-such-host.invalid', port: 80 }] } }));
      expect(err.code).toBe('INTERNAL');
      expect(err.message).toMatch(/haproxy exited before its runtime socket answered:[\s\S]*no-such-host\.invalid/);
      const haproxies = descendantsOf(process.pid).filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'haproxy' && pid !== lb.pid;
        } catch {
          return false;
        }
      });
      expect(haproxies).toEqual([]);
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });
});
