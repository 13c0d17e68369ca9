/**
 * HAProxy's runtime API on a node's UNIX socket, reached through the node's pooled SSH connection
 * (a direct-streamlocal channel to a real OpenSSH sshd), and `SshPool.openUnixStream` itself.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetError } from '../../shared/errors';
import { HaproxyRuntime } from '../../electron/core/haproxy/runtime-client';
import { startLabHaproxy, type LabHaproxy } from '../../electron/core/lab/lab-haproxy';
import { SshPool } from '../../electron/core/ssh/pool';
import { countAnswers, startNamedBackends, type NamedBackends } from './helpers/haproxy';
import { startSshd, TEST_USER, type TestSshd } from './helpers/sshd';

async function rejection(p: Promise<unknown>): Promise<FleetError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(FleetError);
    return err as FleetError;
  }
  throw new Error('expected a rejection');
}

let sshd: TestSshd;
let dir: string;
let backends: NamedBackends;
let lb: LabHaproxy;
const peers: Server[] = [];
const openSockets = new Set<Socket>();
let uid: number;
let gid: number;

/** A UNIX socket server in `dir` the SSH user may open (or not, with `ownedByRoot`). */
async function peer(name: string, onConnection: (sock: Socket) => void, ownedByRoot = false): Promise<string> {
  const path = join(dir, name);
  const server = createServer((sock) => {
    sock.on('error', () => undefined);
    openSockets.add(sock);
    sock.once('close', () => openSockets.delete(sock));
    onConnection(sock);
  });
  peers.push(server);
  await new Promise<void>((r) => server.listen(path, () => r()));
  chmodSync(path, 0o600);
  if (!ownedByRoot) chownSync(path, uid, gid);
  return path;
}

const onFirstLine = (sock: Socket, then: (line: string) => void): void => {
  let sent = '';
  sock.on('data', (chunk) => {
    sent += chunk.toString('utf8');
    if (sent.endsWith('\n')) then(sent);
  });
};

beforeAll(async () => {
  sshd = await startSshd();
  uid = Number(execFileSync('id', ['-u', TEST_USER], { encoding: 'utf8' }).trim());
  gid = Number(execFileSync('id', ['-g', TEST_USER], { encoding: 'utf8' }).trim());
  // sshd connects to the socket as the SSH user: it must be able to reach into the directory.
  dir = mkdtempSync(join(tmpdir(), 'fleetops-haproxy-ssh-'));
  chmodSync(dir, 0o711);
  backends = await startNamedBackends(['a', 'b']);
  lb = await startLabHaproxy({ dir, backends: { llm: backends.list.map(({ name, host, port }) => ({ name, host, port })) }, socketUser: TEST_USER });
}, 60_000);

afterAll(async () => {
  await lb?.stop();
  await backends?.close();
  for (const sock of openSockets) sock.destroy();
  await Promise.all(peers.map((s) => new Promise((r) => s.close(r))));
  await sshd?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('SshPool.openUnixStream', () => {
  it('relays bytes both ways to a UNIX socket on the node', async () => {
    const echo = await peer('echo.sock', (sock) => sock.pipe(sock));
    const pool = new SshPool();
    try {
      const stream: Duplex = await pool.openUnixStream(sshd.target('echo'), echo, { timeoutMs: 5000 });
      const back = new Promise<string>((resolve) => stream.once('data', (c: Buffer) => resolve(c.toString('utf8'))));
      stream.write('ping\n');
      expect(await back).toBe('ping\n');
      stream.destroy();
      // The same connection still runs commands.
      expect((await pool.exec(sshd.target('echo'), 'echo ok', { timeoutMs: 5000 })).stdout).toBe('ok\n');
      expect(pool.stats().connections).toBe(1);
    } finally {
      await pool.closeAll();
    }
  });

  it('reports a missing socket, and one the SSH user may not open, as HOST_UNREACHABLE naming the socket', async () => {
    const rootOnly = await peer('root-only.sock', (sock) => sock.end(), true);
    const pool = new SshPool();
    try {
      for (const path of [join(dir, 'missing.sock'), rootOnly]) {
        const err = await rejection(pool.openUnixStream(sshd.target('refused'), path, { timeoutMs: 5000 }));
        expect(err.code).toBe('HOST_UNREACHABLE');
        expect(err.message).toContain(`could not connect to the UNIX socket ${path}`);
        expect(err.subject).toBe('refused');
      }
      expect((await pool.exec(sshd.target('refused'), 'echo still-up', { timeoutMs: 5000 })).stdout).toBe('still-up\n');
    } finally {
      await pool.closeAll();
    }
  });

  it('holds one of the connection’s channel slots until the stream closes, like an exec', async () => {
    // Reads and never answers.
    const silent = await peer('silent.sock', (sock) => sock.resume());
    const pool = new SshPool({ maxChannelsPerConnection: 1 });
    const target = sshd.target('one-slot');
    try {
      await pool.exec(target, 'true', { timeoutMs: 5000 });
      const held = new HaproxyRuntime({ kind: 'ssh-unix', target, path: silent }, { pool, timeoutMs: 700 });
      const holding = rejection(held.showInfo());
      // Give the stream its slot first (its channel opens in well under this).
      await new Promise((r) => setImmediate(r));
      const started = Date.now();
      const exec = await pool.exec(target, 'echo after', { timeoutMs: 5000 });
      const waitedMs = Date.now() - started;
      expect(exec.stdout).toBe('after\n');
      expect((await holding).code).toBe('PROBE_TIMEOUT');
      expect(waitedMs).toBeGreaterThanOrEqual(500);
      // Released: the next exec does not wait.
      const again = Date.now();
      await pool.exec(target, 'true', { timeoutMs: 5000 });
      expect(Date.now() - again).toBeLessThan(500);
    } finally {
      await pool.closeAll();
    }
  });
});

describe('HAProxy over SSH', () => {
  it('reads show stat and changes server state through the node’s SSH connection', async () => {
    const pool = new SshPool();
    const rt = new HaproxyRuntime({ kind: 'ssh-unix', target: sshd.target('lb-node'), path: lb.socketPath }, { pool });
    try {
      const servers = await rt.servers();
      expect(servers.map((v) => [v.server, v.status])).toEqual([
        ['a', 'UP'],
        ['b', 'UP'],
      ]);
      await rt.setServerState('llm', 'b', 'maint');
      expect(await countAnswers(lb.frontendUrl, 10)).toEqual({ a: 10 });
      await rt.setServerState('llm', 'b', 'ready');
      expect((await rt.servers()).find((v) => v.server === 'b')!.takesNewSessions).toBe(true);
      expect((await countAnswers(lb.frontendUrl, 10)).b).toBeGreaterThanOrEqual(4);

      const err = await rejection(rt.setWeight('llm', 'nosuch', 3));
      expect(err.code).toBe('LB_COMMAND_REJECTED');
      expect(err.detail).toEqual({ command: 'set weight llm/nosuch 3', reply: 'No such server.' });
      expect(err.subject).toBe('lb-node');
      // Every command above used the one pooled connection.
      expect(pool.stats().connections).toBe(1);
    } finally {
      await pool.closeAll();
    }
  });

  it('times out with PROBE_TIMEOUT when the node’s sshd hangs, and works again once it answers', async () => {
    const pool = new SshPool();
    const target = sshd.target('frozen');
    const rt = new HaproxyRuntime({ kind: 'ssh-unix', target, path: lb.socketPath }, { pool, timeoutMs: 500 });
    try {
      expect((await rt.showInfo()).Name).toBe('HAProxy');
      sshd.freeze();
      let err: FleetError;
      const started = Date.now();
      try {
        err = await rejection(rt.showInfo());
      } finally {
        sshd.thaw();
      }
      expect(err.code).toBe('PROBE_TIMEOUT');
      expect(err.detail).toMatchObject({ phase: 'connect', timeoutMs: 500 });
      expect(Date.now() - started).toBeLessThan(2000);
      expect((await rt.showInfo()).Name).toBe('HAProxy');
    } finally {
      await pool.closeAll();
    }
  });

  it('fails with the lost connection’s reason when SSH drops mid-reply, never with a truncated reply', async () => {
    let commandArrived!: () => void;
    const arrived = new Promise<void>((r) => (commandArrived = r));
    const half = await peer('half.sock', (sock) =>
      onFirstLine(sock, () => {
        sock.write('# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight\n');
        commandArrived();
      }),
    );
    const pool = new SshPool();
    const rt = new HaproxyRuntime({ kind: 'ssh-unix', target: sshd.target('dropped'), path: half }, { pool, timeoutMs: 10_000 });
    try {
      const pending = rejection(rt.showStat());
      await arrived;
      const started = Date.now();
      await sshd.stop();
      const err = await pending;
      expect(err.code).toBe('HOST_UNREACHABLE');
      expect(err.message).toMatch(/the SSH connection to 127\.0\.0\.1:\d+ was lost/);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await pool.closeAll();
      await sshd.restart();
    }
  });
});
