/**
 * The runtime client's own promises (one command per connection, argument checks before sending,
 * timeouts, the reply cap, connection errors), against local sockets that misbehave on purpose.
 * What real HAProxy answers is covered by test/integration/haproxy-*.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FleetError } from '../../../shared/errors';
import { HaproxyRuntime, type ServerAdminState } from '../../../electron/core/haproxy/runtime-client';
import { fixture } from './fixtures';

const dir = mkdtempSync(join(tmpdir(), 'fleetops-haproxy-unit-'));
const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  rmSync(dir, { recursive: true, force: true });
});

interface Peer {
  path: string;
  port: number;
  /** What each connection sent, one entry per connection. */
  received: string[];
}

/** A socket server (UNIX, or TCP when `tcp`) that runs `onCommand` with what a client sent so far. */
async function peer(onCommand: (sock: Socket, sent: string) => void, tcp = false): Promise<Peer> {
  const received: string[] = [];
  const server = createServer((sock) => {
    const index = received.push('') - 1;
    sock.on('error', () => undefined);
    sock.on('data', (chunk) => {
      received[index] += chunk.toString('utf8');
      if (received[index]!.endsWith('\n')) onCommand(sock, received[index]!);
    });
  });
  servers.push(server);
  const path = join(dir, `peer-${servers.length}.sock`);
  await new Promise<void>((r) => (tcp ? server.listen(0, '127.0.0.1', () => r()) : server.listen(path, () => r())));
  return { path, port: tcp ? (server.address() as { port: number }).port : 0, received };
}

/** Answers like HAProxy: the reply, then close. */
const replying = (reply: string | Buffer) => (sock: Socket) => sock.end(reply);

async function rejection(p: Promise<unknown>): Promise<FleetError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(FleetError);
    return err as FleetError;
  }
  throw new Error('expected a rejection');
}

describe('one command per connection', () => {
  it('sends the command and a line feed, and returns everything written until the close', async () => {
    const p = await peer(replying(fixture('show-info.txt')));
    const rt = new HaproxyRuntime({ kind: 'unix', path: p.path });
    expect(await rt.command('show info')).toBe(fixture('show-info.txt'));
    expect((await rt.showInfo()).Version).toBe('2.6.12-1+deb12u4');
    expect(p.received).toEqual(['show info\n', 'show info\n']);
  });

  it('decodes a multi-byte character split across two writes whole', async () => {
    const bytes = Buffer.from('Name: HAProxy\nVersion: 2.6\nnode: café\n', 'utf8');
    const cut = bytes.indexOf(0xa9); // second byte of "é"
    const p = await peer((sock) => {
      sock.write(bytes.subarray(0, cut));
      setImmediate(() => sock.end(bytes.subarray(cut)));
    });
    expect((await new HaproxyRuntime({ kind: 'unix', path: p.path }).showInfo()).node).toBe('café');
  });
});

describe('changes', () => {
  it('takes HAProxy’s empty reply as done', async () => {
    const p = await peer(replying(fixture('reply-set-ok.txt')));
    const rt = new HaproxyRuntime({ kind: 'unix', path: p.path });
    await rt.setWeight('web', 'up', 5);
    await rt.setServerState('web', 'up', 'drain');
    expect(p.received).toEqual(['set weight web/up 5\n', 'set server web/up state drain\n']);
  });

  it('turns any other reply into LB_COMMAND_REJECTED carrying HAProxy’s words', async () => {
    const p = await peer(replying(fixture('reply-no-such-server.txt')));
    const err = await rejection(new HaproxyRuntime({ kind: 'unix', path: p.path }).setServerState('web', 'nosuch', 'maint'));
    expect(err.code).toBe('LB_COMMAND_REJECTED');
    expect(err.message).toBe(`HAProxy at unix ${p.path} rejected "set server web/nosuch state maint": No such server.`);
    expect(err.detail).toEqual({ command: 'set server web/nosuch state maint', reply: 'No such server.' });
    expect(err.subject).toBe(p.path);
  });
});

describe('arguments are checked before anything is sent', () => {
  const attempts: Array<[string, (rt: HaproxyRuntime) => Promise<unknown>]> = [
    ['a ; in a backend name', (rt) => rt.setServerState('b1/s1; shutdown frontend fe', 's1', 'maint')],
    ['a newline in a server name', (rt) => rt.setServerState('b1', 's1\nshutdown frontend fe', 'ready')],
    ['a / in a server name', (rt) => rt.setWeight('b1', 's1/x', 1)],
    ['a state word that is not ready/drain/maint', (rt) => rt.setServerState('b1', 's1', 'ready; shutdown frontend fe' as ServerAdminState)],
    ['a weight above 256', (rt) => rt.setWeight('b1', 's1', 257)],
    ['a negative weight', (rt) => rt.setWeight('b1', 's1', -1)],
    ['a fractional weight', (rt) => rt.setWeight('b1', 's1', 1.5)],
    ['NaN as weight', (rt) => rt.setWeight('b1', 's1', Number.NaN)],
    ['two commands in one', (rt) => rt.command('show info; shutdown frontend fe')],
    ['a command with a newline', (rt) => rt.command('show info\nshutdown frontend fe')],
    ['a backend filter with a space', (rt) => rt.showServersState('web ; x')],
  ];
  it.each(attempts)('refuses %s with BAD_REQUEST and never connects', async (_what, attempt) => {
    const p = await peer(replying('\n'));
    const err = await rejection(attempt(new HaproxyRuntime({ kind: 'unix', path: p.path })));
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.message).toMatch(/nothing was sent/i);
    expect(p.received).toEqual([]);
  });
});

describe('timeouts and limits', () => {
  it('gives up with PROBE_TIMEOUT when nothing answers, at the timeout', async () => {
    const p = await peer(() => undefined);
    const started = Date.now();
    const err = await rejection(new HaproxyRuntime({ kind: 'unix', path: p.path }, { timeoutMs: 300 }).command('show info'));
    const elapsed = Date.now() - started;
    expect(err.code).toBe('PROBE_TIMEOUT');
    expect(err.message).toMatch(/did not finish replying to "show info" within 300 ms \(0 bytes received\)/);
    expect(err.detail).toMatchObject({ phase: 'reply', timeoutMs: 300, receivedBytes: 0 });
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(2000);
  });

  it('gives up with PROBE_TIMEOUT on a reply that starts and never ends', async () => {
    const p = await peer((sock) => sock.write('# pxname,svname\n'));
    const err = await rejection(new HaproxyRuntime({ kind: 'unix', path: p.path }, { timeoutMs: 300 }).showStat());
    expect(err.code).toBe('PROBE_TIMEOUT');
    expect(err.detail).toMatchObject({ phase: 'reply', receivedBytes: 16 });
  });

  it('accepts a reply of exactly 8 MiB and drops one byte more with PARSE_FAILED (the default cap)', async () => {
    const cap = 8 * 1024 * 1024;
    const line = `${'x'.repeat(1023)}\n`;
    const exact = Buffer.from(line.repeat(cap / 1024));
    const p = await peer((sock, sent) => sock.end(sent.startsWith('big') ? Buffer.concat([exact, Buffer.from('x')]) : exact));
    const rt = new HaproxyRuntime({ kind: 'unix', path: p.path }, { timeoutMs: 10_000 });
    expect((await rt.command('exact')).length).toBe(cap);
    const err = await rejection(rt.command('big'));
    expect(err.code).toBe('PARSE_FAILED');
    expect(err.message).toMatch(/sent more than 8388608 bytes in reply to "big"; the connection was dropped/);
  });

  it('applies a smaller cap when given one', async () => {
    const p = await peer(replying('x'.repeat(2000)));
    const err = await rejection(new HaproxyRuntime({ kind: 'unix', path: p.path }, { maxReplyBytes: 1000 }).command('show info'));
    expect(err.code).toBe('PARSE_FAILED');
  });
});

describe('connection errors', () => {
  it('reports a missing socket as HOST_UNREACHABLE naming it', async () => {
    const path = join(dir, 'nothing-here.sock');
    const err = await rejection(new HaproxyRuntime({ kind: 'unix', path }).showInfo());
    expect(err.code).toBe('HOST_UNREACHABLE');
    expect(err.message).toBe(`cannot reach HAProxy's runtime API at unix ${path}: no such socket: check the \`stats socket\` line of haproxy.cfg and that HAProxy runs (ENOENT).`);
    expect(err.subject).toBe(path);
  });

  it('reports a path nobody listens on as HOST_UNREACHABLE (refused)', async () => {
    const path = join(dir, 'not-a-socket');
    writeFileSync(path, 'stale');
    const err = await rejection(new HaproxyRuntime({ kind: 'unix', path }).showInfo());
    expect(err.code).toBe('HOST_UNREACHABLE');
    expect(err.message).toMatch(/connection refused.*\(ECONNREFUSED\)/);
  });

  it('reports a refused TCP port as HOST_UNREACHABLE', async () => {
    const p = await peer(() => undefined, true);
    const port = p.port;
    await new Promise((r) => servers.pop()!.close(r));
    const err = await rejection(new HaproxyRuntime({ kind: 'tcp', host: '127.0.0.1', port }).showInfo());
    expect(err.code).toBe('HOST_UNREACHABLE');
    expect(err.message).toMatch(new RegExp(`tcp 127\\.0\\.0\\.1:${port}: connection refused`));
    expect(err.subject).toBe(`127.0.0.1:${port}`);
  });

  it('reports a close without a single byte as HOST_UNREACHABLE, not as success', async () => {
    const p = await peer((sock) => sock.end());
    const err = await rejection(new HaproxyRuntime({ kind: 'unix', path: p.path }).setWeight('web', 'up', 1));
    expect(err.code).toBe('HOST_UNREACHABLE');
    expect(err.message).toMatch(/closed the connection without replying to "set weight web\/up 1"/);
  });

  it('reports a connection reset in the middle of a reply as HOST_UNREACHABLE', async () => {
    const p = await peer((sock) => {
      // A reset issued in the same tick as the write goes out as a plain FIN in Node 20: the peer
      // resets a moment after its partial reply has been handed to the kernel.
      sock.write('# pxname,svname,', () => setTimeout(() => sock.resetAndDestroy(), 20));
    }, true);
    const err = await rejection(new HaproxyRuntime({ kind: 'tcp', host: '127.0.0.1', port: p.port }).showStat());
    expect(err.code).toBe('HOST_UNREACHABLE');
    expect(err.message).toMatch(/broke while waiting for the reply to "show stat"/);
  });

  it('names the endpoint in parse failures', async () => {
    const p = await peer(replying(fixture('reply-permission-denied.txt')));
    const err = await rejection(new HaproxyRuntime({ kind: 'unix', path: p.path }).showStat());
    expect(err.code).toBe('PARSE_FAILED');
    expect(err.message).toMatch(/It starts with "Permission denied\\n\\n". \(from unix .*peer-\d+\.sock\)$/);
    expect(err.subject).toBe(p.path);
  });

  it('needs an SSH pool for an ssh-unix endpoint', () => {
    const target = { key: 'lb-1', host: '127.0.0.1', port: 22, user: 'ops', knownHostsFile: '/dev/null' };
    expect(() => new HaproxyRuntime({ kind: 'ssh-unix', target, path: '/run/haproxy/admin.sock' })).toThrow(/needs an SSH pool/);
  });
});
