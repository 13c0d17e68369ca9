/**
 * serve's slow-client cut-off: a console that stops reading must not make the server queue
 * pushes for it without bound. Once more than `maxBufferedBytes` waits for it, the server closes
 * it with 1013 and queues nothing more; every other client keeps hearing every push.
 *
 * Pushes take the real path — the core's event bus, which the server subscribes to exactly as
 * `serve` does — and both clients are real WebSocket clients on loopback. The slow one's TCP
 * socket is paused, so the kernel stops reading for it and the server's send queue grows.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect as netConnect, type Socket, type TcpNetConnectOpts } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { FleetCore } from '../../../electron/core/fleet/core';
import { createDispatch } from '../../../electron/core/rpc/dispatch';
import { startServer, type RunningServer } from '../../../electron/serve/server';
import type { ServerFrame } from '../../../shared/contract';
import { socketProtocols } from '../../../shared/socket-auth';
import { FleetEvent } from '../../../shared/status';
import { waitFor } from '../../integration/helpers/free-port';

const LIMIT = 256 * 1024;
const PUSH_BYTES = 256 * 1024;
const PUSH_KIND = 'test.slow-client';

let dir: string;
let core: FleetCore;
let server: RunningServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fleetops-slow-client-'));
  core = new FleetCore({ dataDir: join(dir, 'data'), inventoryPath: null, inventoryEnv: { homeDir: dir, defaultUser: 'ops' } });
  await core.start();
  server = await startServer({
    dispatch: createDispatch(core.handlers),
    subscribe: (l) => core.subscribe(l),
    // Only the WebSocket is used here; no page is ever requested.
    rendererDir: join(dir, 'renderer'),
    maxBufferedBytes: LIMIT,
  });
});

afterAll(async () => {
  await server?.close();
  await core?.stop();
  await rm(dir, { recursive: true, force: true });
});

/**
 * Bytes the kernel can hold for a peer that does not read (the server's send buffer plus the
 * client's receive buffer, both at most their sysctl maximum) before the server's own queue
 * starts to grow. Pushing more than this plus the limit guarantees the cut-off must happen.
 */
function kernelBufferBound(): number {
  const max = (file: string) => Number(readFileSync(file, 'utf8').trim().split(/\s+/)[2]);
  try {
    return max('/proc/sys/net/ipv4/tcp_wmem') + max('/proc/sys/net/ipv4/tcp_rmem');
  } catch {
    return 64 * 1024 * 1024;
  }
}

interface Client {
  ws: WebSocket;
  /** Sequence numbers of the test's pushes, in arrival order. */
  seqs: number[];
  closeCode: number | null;
  /** Resolves once `cond` holds after some message or the close, or rejects at the deadline. */
  until(cond: () => boolean, what: string, timeoutMs?: number): Promise<void>;
}

async function connectClient(onSocket?: (s: Socket) => void): Promise<Client> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, socketProtocols(server.token), {
    headers: { Origin: `http://127.0.0.1:${server.port}` },
    // ws calls this with the URL's host and port; the test keeps the socket to pause it.
    createConnection: ((opts: TcpNetConnectOpts) => {
      const s = netConnect({ host: opts.host, port: Number(opts.port) });
      onSocket?.(s);
      return s;
    }) as typeof netConnect,
  });
  const client: Client = {
    ws,
    seqs: [],
    closeCode: null,
    until: (cond, what, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (!cond()) return;
          clearTimeout(timer);
          ws.off('message', check);
          ws.off('close', check);
          resolve();
        };
        const timer = setTimeout(() => {
          ws.off('message', check);
          ws.off('close', check);
          reject(new Error(`timed out waiting for ${what}`));
        }, timeoutMs);
        ws.on('message', check);
        ws.on('close', check);
        check();
      }),
  };
  // Registered before the waiters' listeners, so a waiter sees the message already counted.
  ws.on('message', (data) => {
    const f = JSON.parse(data.toString()) as ServerFrame;
    if (f.type !== 'event' || f.event !== 'event.appended') return;
    const row = FleetEvent.parse(f.payload);
    if (row.kind === PUSH_KIND) client.seqs.push(row.id);
  });
  ws.on('close', (code) => (client.closeCode = code));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
  return client;
}

function push(seq: number): void {
  core.bus.emit('event.appended', { id: seq, ts: Date.now(), kind: PUSH_KIND, subject: null, severity: 'info', message: 'x'.repeat(PUSH_BYTES) });
}

describe('serve: a client that stops reading', () => {
  it('is closed with 1013 once its backlog passes maxBufferedBytes, while a reading client keeps every push', async () => {
    const busBefore = core.bus.size;
    let slowSocket: Socket | null = null;
    const slow = await connectClient((s) => (slowSocket = s));
    const reader = await connectClient();
    expect(server.clients()).toBe(2);
    expect(core.bus.size).toBe(busBefore + 2);

    // Nothing more is read from the slow client's socket: the kernel buffers fill, then the server's queue.
    slowSocket!.pause();
    const total = Math.ceil((kernelBufferBound() + 2 * LIMIT) / PUSH_BYTES) + 1;
    for (let seq = 1; seq <= total; seq++) {
      push(seq);
      // Pushing only as fast as the reader reads keeps its own queue short: it must never be cut off.
      await reader.until(() => reader.seqs.length === seq || reader.closeCode !== null, `push ${seq} at the reading client`);
      expect(reader.closeCode).toBeNull();
    }
    expect(reader.seqs).toEqual(Array.from({ length: total }, (_, i) => i + 1));

    // Let the slow client catch up: it finds what was queued before the cut-off, then the close.
    // (Left paused, it would be dropped only when ws's 30 s closing-handshake timer fires: the
    // close frame waits behind the backlog it never reads.)
    slowSocket!.resume();
    await slow.until(() => slow.closeCode !== null || slow.seqs.length === total, 'the slow client to be closed or to read every push');
    expect(slow.closeCode).toBe(1013);
    expect(slow.seqs.length).toBeLessThan(total);
    expect(slow.seqs).toEqual(Array.from({ length: slow.seqs.length }, (_, i) => i + 1));

    // The server has dropped it and stopped pushing to it; the reader is still served.
    await waitFor(() => server.clients() === 1, { what: 'the server to drop the slow client', timeoutMs: 5_000 });
    expect(core.bus.size).toBe(busBefore + 1);
    push(total + 1);
    await reader.until(() => reader.seqs.length === total + 1, 'a push after the cut-off');
    expect(reader.closeCode).toBeNull();
    reader.ws.close();
  });
});
