/**
 * `fleetops serve`: the same engine, headless, behind HTTP (the built renderer) and a
 * WebSocket carrying the contract. Guarded the way Headlamp guards its local server:
 * loopback only unless asked, a random per-launch token, an Origin check on the socket and a
 * Host check on every request (against DNS rebinding).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { RequestEnvelope, type PushEvent, type ServerFrame } from '../../shared/contract';
import { FleetError } from '../../shared/errors';
import type { Dispatch } from '../core/rpc/dispatch';
import { allowedHostHeaders, hostHeaderAllowed, isLoopbackHost } from './loopback';
import { contentSecurityPolicy, serveStatic } from './static-files';

export interface ServeOptions {
  dispatch: Dispatch;
  subscribe: (listener: (e: PushEvent) => void) => () => void;
  rendererDir: string;
  host?: string;
  port?: number;
  /** Binding a non-loopback address exposes the console to the network: it must be asked for. */
  allowRemote?: boolean;
  token?: string;
  /** A client whose unsent data exceeds this is cut off; it reconnects and refetches the snapshot. */
  maxBufferedBytes?: number;
}

export interface RunningServer {
  url: string;
  host: string;
  port: number;
  token: string;
  clients(): number;
  close(): Promise<void>;
}

/** Close code telling the renderer its token is wrong (it shows how to get a good link). */
export const CLOSE_BAD_TOKEN = 4401;

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  if (!isLoopbackHost(host) && !opts.allowRemote) {
    throw new FleetError(
      'BAD_REQUEST',
      `refusing to listen on ${host}: it is not a loopback address and anyone who can reach it could drive the console. Pass --allow-remote to do it anyway.`,
    );
  }
  const remote = opts.allowRemote === true;
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const tokenBuf = Buffer.from(token);
  const maxBuffered = opts.maxBufferedBytes ?? 32 * 1024 * 1024;
  let allowedHosts = new Set<string>();
  let csp = '';

  const http = createServer((req, res) => {
    if (!hostHeaderAllowed(req.headers.host ?? '', allowedHosts, remote)) {
      res.writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8' }).end('unexpected Host header');
      return;
    }
    serveStatic(req, res, opts.rendererDir, csp).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const sockets = new Set<WebSocket>();

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const hostHeader = req.headers.host ?? '';
    const hostOk = hostHeaderAllowed(hostHeader, allowedHosts, remote);
    const origin = req.headers.origin ?? '';
    // The page must come from this very server: same scheme, host and port as the request.
    const originOk = hostOk && originMatches(origin, hostHeader);
    if (url.pathname !== '/ws' || !hostOk || !originOk) {
      socket.end(`HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${!originOk ? 'origin not allowed' : 'forbidden'}`);
      return;
    }
    const given = Buffer.from(url.searchParams.get('token') ?? '');
    const tokenOk = given.length === tokenBuf.length && timingSafeEqual(given, tokenBuf);
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (!tokenOk) {
        // Upgrade, then close with a code the page can explain; no message is ever read.
        ws.close(CLOSE_BAD_TOKEN, 'bad token');
        return;
      }
      attach(ws);
    });
  });

  function attach(ws: WebSocket): void {
    sockets.add(ws);
    const send = (frame: ServerFrame) => {
      if (ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount > maxBuffered) {
        ws.close(1013, 'client too slow');
        return;
      }
      ws.send(JSON.stringify(frame));
    };
    const unsubscribe = opts.subscribe((e) => send({ type: 'event', event: e.event, payload: e.payload }));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      void handleMessage(data, isBinary).then(send);
    });
    ws.on('close', () => {
      unsubscribe();
      sockets.delete(ws);
    });
    ws.on('error', () => ws.terminate());
  }

  async function handleMessage(data: RawData, isBinary: boolean): Promise<ServerFrame> {
    if (isBinary) return badRequest(null, 'binary frames are not part of the protocol');
    let json: unknown;
    try {
      json = JSON.parse(data.toString());
    } catch {
      return badRequest(null, 'frame is not JSON');
    }
    const env = RequestEnvelope.safeParse(json);
    if (!env.success) {
      const id = typeof (json as { id?: unknown })?.id === 'number' ? (json as { id: number }).id : null;
      return badRequest(id, 'frame is not a request envelope {id, method, params}');
    }
    const result = await opts.dispatch(env.data.method, env.data.params);
    return { type: 'reply', id: env.data.id, ...result };
  }

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(opts.port ?? 0, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  allowedHosts = allowedHostHeaders(host, port);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  csp = contentSecurityPolicy(`ws://${urlHost}:${port}`);

  return {
    url: `http://${urlHost}:${port}/?token=${encodeURIComponent(token)}`,
    host,
    port,
    token,
    clients: () => sockets.size,
    close: async () => {
      for (const ws of sockets) ws.terminate();
      wss.close();
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}

function originMatches(origin: string, hostHeader: string): boolean {
  let u: URL;
  try {
    u = new URL(origin);
  } catch {
    return false;
  }
  return u.protocol === 'http:' && u.host.toLowerCase() === hostHeader.toLowerCase();
}

function badRequest(id: number | null, message: string): ServerFrame {
  return { type: 'reply', id, ok: false, error: { code: 'BAD_REQUEST', message } };
}
