/**
 * The HTTP exchange against loopback servers that misbehave the way slurmrestd does (bytes after
 * the body) and the ways a hostile or broken one could (endless bodies, lies about length,
 * silence).
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FleetError } from '../../../shared/errors';
import { restRequest } from '../../../electron/core/slurm/rest-transport';
import { closedPort } from '../../integration/helpers/free-port';

const servers: Array<Server | HttpServer> = [];
const sockets = new Set<Socket>();
afterEach(async () => {
  for (const s of sockets) s.destroy();
  sockets.clear();
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
});

/** A raw TCP server: `answer` writes whatever bytes it wants once the request head is in. */
async function rawServer(answer: (sock: Socket, head: string) => void): Promise<string> {
  const srv = createServer((sock) => {
    sockets.add(sock);
    let head = '';
    sock.on('data', (c) => {
      head += c.toString('latin1');
      if (head.includes('\r\n\r\n')) answer(sock, head);
    });
    sock.on('error', () => undefined);
  });
  servers.push(srv);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(srv.address() as { port: number }).port}`;
}

async function rejection(p: Promise<unknown>): Promise<FleetError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(FleetError);
    return err as FleetError;
  }
  throw new Error('expected a rejection');
}

const target = (url: string, extra: object = {}) => ({ url, user: 'ops', token: 'tok.en.x', ...extra });

describe('restRequest', () => {
  it("accepts 22.05's 'Connection: Close' after a complete body, and sends the JWT headers", async () => {
    let seen = '';
    const url = await rawServer((sock, head) => {
      seen = head;
      const body = '{"nodes":[]}';
      sock.end(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\nContent-Type: application/json\r\n\r\n${body}Connection: Close\r\n`);
    });
    const answer = await restRequest(target(url), 'GET', '/slurm/v0.0.38/nodes');
    expect(answer).toMatchObject({ status: 200, body: '{"nodes":[]}' });
    expect(seen).toMatch(/^GET \/slurm\/v0\.0\.38\/nodes HTTP\/1\.1/);
    expect(seen.toLowerCase()).toContain('x-slurm-user-name: ops');
    expect(seen.toLowerCase()).toContain('x-slurm-user-token: tok.en.x');
  });

  it('sends a JSON body with POST', async () => {
    let seen = '';
    const url = await rawServer((sock, head) => {
      seen = head;
      sock.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}');
    });
    await restRequest(target(url), 'POST', '/slurm/v0.0.41/node/gpu1', { state: ['DRAIN'], reason: 'x' });
    await new Promise((r) => setTimeout(r, 20));
    expect(seen.toLowerCase()).toContain('content-type: application/json');
  });

  it('fails an answer cut short, even with the trailing-bytes tolerance', async () => {
    const url = await rawServer((sock) => sock.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"nodes":'));
    const err = await rejection(restRequest(target(url), 'GET', '/x'));
    expect(err.code).toBe('HOST_UNREACHABLE');
    expect(err.message).toMatch(/ended its answer early \(9 of 100 bytes\)/);
  });

  it('refuses an announced body past the cap without reading it', async () => {
    const url = await rawServer((sock) => sock.write('HTTP/1.1 200 OK\r\nContent-Length: 999999999\r\n\r\n{'));
    const err = await rejection(restRequest(target(url, { maxBodyBytes: 1024 * 1024 }), 'GET', '/x'));
    expect(err.code).toBe('PARSE_FAILED');
    expect(err.detail).toMatchObject({ reason: 'too-large' });
    expect(err.message).toMatch(/announced a 954 MiB answer .* more than the 1\.0 MiB cap/);
  });

  it('stops reading an endless chunked body at the cap', async () => {
    const srv = createHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = (): void => {
        while (res.write(chunk));
        res.once('drain', pump);
      };
      res.on('error', () => undefined);
      pump();
    });
    srv.on('connection', (s) => sockets.add(s));
    servers.push(srv);
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(srv.address() as { port: number }).port}`;
    const err = await rejection(restRequest(target(url, { maxBodyBytes: 512 * 1024 }), 'GET', '/x'));
    expect(err.detail).toMatchObject({ reason: 'too-large' });
    expect(err.message).toMatch(/passed the 512 KiB cap; not read further/);
  });

  it('times out a server that never answers', async () => {
    const url = await rawServer(() => undefined);
    const started = Date.now();
    const err = await rejection(restRequest(target(url, { timeoutMs: 300 }), 'GET', '/x'));
    expect(err.code).toBe('PROBE_TIMEOUT');
    expect(err.message).toMatch(/no answer from slurmrestd at 127\.0\.0\.1:\d+ within 300 ms/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('says a closed port is slurmrestd not running', async () => {
    const port = await closedPort();
    const err = await rejection(restRequest(target(`http://127.0.0.1:${port}`), 'GET', '/x'));
    expect(err.code).toBe('HOST_UNREACHABLE');
    expect(err.detail).toMatchObject({ reason: 'refused' });
    expect(err.message).toMatch(/refused the connection: it is not running/);
  });

  it('refuses a token a header cannot carry, before sending anything', async () => {
    const url = await rawServer((sock) => sock.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}'));
    const err = await rejection(restRequest(target(url, { token: 'a\r\nX-Evil: 1' }), 'GET', '/x'));
    expect(err.code).toBe('BAD_REQUEST');
  });
});
