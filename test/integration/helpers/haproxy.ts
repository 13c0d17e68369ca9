/**
 * Backends for HAProxy integration tests: tiny Node HTTP servers on loopback ports from the OS,
 * each answering its own name (and /health with a status the test sets), that can be stopped
 * and started again on the same port to make HAProxy's health checks fail and recover.
 */
import { createServer, request, type Server } from 'node:http';
import type { Socket } from 'node:net';

export interface NamedBackend {
  name: string;
  host: string;
  port: number;
  /** The status /health answers (200 by default; 404 with `http-check disable-on-404` → NOLB). */
  setHealth(status: number): void;
  /** Requests (not health checks) served so far. */
  hits(): number;
  /** Stop listening and drop open connections: checks get "Connection refused". */
  stopListening(): Promise<void>;
  /** Listen again on the same port. */
  listenAgain(): Promise<void>;
}

export interface NamedBackends {
  list: NamedBackend[];
  byName(name: string): NamedBackend;
  close(): Promise<void>;
}

export async function startNamedBackends(names: string[]): Promise<NamedBackends> {
  const list: NamedBackend[] = [];
  const servers: Array<{ server: Server; sockets: Set<Socket> }> = [];
  for (const name of names) {
    let health = 200;
    let hits = 0;
    const sockets = new Set<Socket>();
    const server = createServer((req, res) => {
      if (req.url === '/health') {
        res.writeHead(health, { 'content-type': 'text/plain' });
        res.end(`${health}\n`);
        return;
      }
      hits += 1;
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(name);
    });
    server.on('connection', (sock) => {
      sockets.add(sock);
      sock.once('close', () => sockets.delete(sock));
    });
    const listen = (port: number): Promise<void> =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
    const stop = (): Promise<void> =>
      new Promise((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        for (const sock of sockets) sock.destroy();
      });
    await listen(0);
    const port = (server.address() as { port: number }).port;
    servers.push({ server, sockets });
    list.push({
      name,
      host: '127.0.0.1',
      port,
      setHealth: (status) => (health = status),
      hits: () => hits,
      stopListening: stop,
      listenAgain: () => listen(port),
    });
  }
  return {
    list,
    byName: (name) => {
      const found = list.find((b) => b.name === name);
      if (!found) throw new Error(`no backend ${name}`);
      return found;
    },
    close: async () => {
      await Promise.all(list.map((b) => b.stopListening()));
    },
  };
}

/** One GET through `url` on a fresh connection (agent: false: keep-alive would pin one server). */
export function fetchName(url: string, path = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, url), { agent: false, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url}${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** `n` sequential requests through the frontend: how many each backend name answered. */
export async function countAnswers(url: string, n: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const { status, body } = await fetchName(url);
    const key = status === 200 ? body : `HTTP ${status}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
