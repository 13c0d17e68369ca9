/**
 * `fleetops serve`: the same engine, headless, behind HTTP (the built renderer) and a
 * WebSocket carrying the contract. Guarded the way Headlamp guards its local server:
 * loopback only unless asked, a random per-launch token, an Origin check on the socket and a
 * Host check on every request (against DNS rebinding). Off loopback it speaks TLS (https/wss),
 * unless the operator explicitly accepts plain HTTP.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type RequestListener } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { RequestEnvelope, type PushEvent, type ServerFrame } from '../../shared/contract';
import { FleetError } from '../../shared/errors';
import { FIRST_CALL_ID, FIRST_CALL_PARAM, FIRST_CALLS, SOCKET_PROTOCOL, tokenFromProtocols } from '../../shared/socket-auth';
import type { Dispatch } from '../core/rpc/dispatch';
import { encodeFrame } from './frame-encoding';
import { allowedHostHeaders, hostHeaderAllowed, isLoopbackHost } from './loopback';
import { FileCache } from './file-cache';
import { contentSecurityPolicy, serveStatic } from './static-files';

export interface ServeOptions {
  dispatch: Dispatch;
  subscribe: (listener: (e: PushEvent) => void) => () => void;
  rendererDir: string;
  host?: string;
  port?: number;
  /** Binding a non-loopback address exposes the console to the network: it must be asked for. */
  allowRemote?: boolean;
  /** PEM certificate chain and key: serve https:// and wss:// (required off loopback unless insecureHttp). */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Off loopback without TLS: the token and every call cross the network in clear. Must be asked for. */
  insecureHttp?: boolean;
  token?: string;
  /** A client whose unsent data exceeds this is cut off; it reconnects and refetches the snapshot. */
  maxBufferedBytes?: number;
}

export interface RunningServer {
  /** What to open: http(s)://HOST:PORT/?token=… */
  url: string;
  /** True when serving https:// and wss://. */
  secure: boolean;
  host: string;
  port: number;
  token: string;
  clients(): number;
  close(): Promise<void>;
}

/** Close code telling the renderer its token is wrong (it shows how to get a good link). */
export const CLOSE_BAD_TOKEN = 4401;

/**
 * Why serving on `host` with these options is refused, or null. Off loopback the operator must
 * ask for it (--allow-remote), and the token must not cross the network in clear: TLS, or an
 * explicit --insecure-http.
 */
export function remoteRefusal(host: string, opts: { allowRemote?: boolean; tls?: unknown; insecureHttp?: boolean }): string | null {
  if (isLoopbackHost(host)) return null;
  if (!opts.allowRemote) {
    return `refusing to listen on ${host}: it is not a loopback address and anyone who can reach it could drive the console. Pass --allow-remote to do it anyway.`;
  }
  if (!opts.tls && !opts.insecureHttp) {
    return `refusing to serve ${host} over plain HTTP: the token and every call would cross the network in clear. Pass --tls-cert FILE --tls-key FILE (https/wss), or --insecure-http to accept that.`;
  }
  return null;
}

/** The largest message a page may send (its bytes as received): a 48 MB bundle as base64 and its call around it. */
export const MAX_SOCKET_MESSAGE = 64 * 1024 * 1024;

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  const refusal = remoteRefusal(host, opts);
  if (refusal) throw new FleetError('BAD_REQUEST', refusal);
  const remote = opts.allowRemote === true;
  const secure = opts.tls !== undefined;
  const scheme = secure ? 'https' : 'http';
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const tokenBuf = Buffer.from(token);
  const maxBuffered = opts.maxBufferedBytes ?? 32 * 1024 * 1024;
  let allowedHosts = new Set<string>();
  const files = new FileCache();

  const onRequest: RequestListener = (req, res) => {
    const hostHeader = req.headers.host ?? '';
    if (!hostHeaderAllowed(hostHeader, allowedHosts, remote)) {
      res.writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8' }).end('unexpected Host header');
      return;
    }
    // The page may open its socket to the host it was loaded from (a checked Host header), with
    // the scheme that goes with the page's: wss:// under TLS.
    serveStatic(req, res, opts.rendererDir, contentSecurityPolicy(socketOrigin(hostHeader, secure)), files).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  };
  const http = opts.tls ? createHttpsServer({ cert: opts.tls.cert, key: opts.tls.key }, onRequest) : createHttpServer(onRequest);

  const wss = new WebSocketServer({
    noServer: true,
    // A call is small, except an incident bundle dropped on the page (incidents.import, base64):
    // up to MAX_SOCKET_MESSAGE. Larger bundles go through `fleetops incident import` / `review`.
    maxPayload: MAX_SOCKET_MESSAGE,
    // Without this hook ws echoes the first subprotocol offered, which could be the token one.
    // Select ours when offered; a client offering none gets none (and no token: closed 4401).
    handleProtocols: (protocols) => (protocols.has(SOCKET_PROTOCOL) ? SOCKET_PROTOCOL : false),
  });
  const sockets = new Set<WebSocket>();

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const hostHeader = req.headers.host ?? '';
    const hostOk = hostHeaderAllowed(hostHeader, allowedHosts, remote);
    const origin = req.headers.origin ?? '';
    // The page must come from this very server: same scheme, host and port as the request.
    const originOk = hostOk && originMatches(origin, hostHeader, scheme);
    if (url.pathname !== '/ws' || !hostOk || !originOk) {
      socket.end(`HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${!originOk ? 'origin not allowed' : 'forbidden'}`);
      return;
    }
    // The token comes as a subprotocol (shared/socket-auth.ts), never in the URL: a ?token= on
    // the socket URL is ignored.
    const given = Buffer.from(tokenFromProtocols(req.headers['sec-websocket-protocol']) ?? '');
    const tokenOk = given.length === tokenBuf.length && timingSafeEqual(given, tokenBuf);
    // A first call asked in the URL (shared/socket-auth.ts): answered once the token is known good.
    const first = url.searchParams.get(FIRST_CALL_PARAM);
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (!tokenOk) {
        // Upgrade, then close with a code the page can explain; no message is ever read.
        ws.close(CLOSE_BAD_TOKEN, 'bad token');
        return;
      }
      const send = attach(ws);
      if (first !== null) void firstCall(first).then(send);
    });
  });

  /** One push goes to every client as the same object: encoded once, not once per client. */
  const encodedEvents = new WeakMap<PushEvent, string>();
  function encodedEvent(e: PushEvent): string {
    let text = encodedEvents.get(e);
    if (text === undefined) {
      text = encodeFrame({ type: 'event', event: e.event, payload: e.payload } satisfies ServerFrame);
      encodedEvents.set(e, text);
    }
    return text;
  }

  /** Hooks a socket up to the pushes and its calls; gives the function that sends it a frame. */
  function attach(ws: WebSocket): (frame: ServerFrame) => void {
    sockets.add(ws);
    const sendText = (text: () => string) => {
      if (ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount > maxBuffered) {
        ws.close(1013, 'client too slow');
        return;
      }
      ws.send(text());
    };
    // ASCII only (frame-encoding.ts): the browser keeps every frame a one-byte string.
    const send = (frame: ServerFrame) => sendText(() => encodeFrame(frame));
    const sendEvent = (e: PushEvent) => sendText(() => encodedEvent(e));
    const unsubscribe = opts.subscribe((e) => sendEvent(e));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      void handleMessage(data, isBinary).then(send);
    });
    ws.on('close', () => {
      unsubscribe();
      sockets.delete(ws);
    });
    ws.on('error', () => ws.terminate());
    return send;
  }

  async function firstCall(method: string): Promise<ServerFrame> {
    if (!FIRST_CALLS.includes(method)) return badRequest(FIRST_CALL_ID, `${FIRST_CALL_PARAM}=${method.slice(0, 100)}: only ${FIRST_CALLS.join(', ')} may be asked in the socket's URL`);
    const result = await opts.dispatch(method, {});
    return { type: 'reply', id: FIRST_CALL_ID, ...result };
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

  return {
    url: `${scheme}://${urlHost}:${port}/?token=${encodeURIComponent(token)}`,
    secure,
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

/** ws://HOST or wss://HOST for a Host header already checked; 'self' alone if it does not parse. */
export function socketOrigin(hostHeader: string, secure: boolean): string {
  try {
    return `${secure ? 'wss' : 'ws'}://${new URL(`${secure ? 'https' : 'http'}://${hostHeader}`).host}`;
  } catch {
    return "'self'";
  }
}

/** The page's Origin is this server: the same scheme (https under TLS) and the Host it asked. */
export function originMatches(origin: string, hostHeader: string, scheme: 'http' | 'https'): boolean {
  let u: URL;
  let h: URL;
  try {
    u = new URL(origin);
    h = new URL(`${scheme}://${hostHeader}`);
  } catch {
    return false;
  }
  // Compared after parsing both, so a default port (https://host:443 vs Host: host) matches.
  return u.protocol === `${scheme}:` && u.host === h.host;
}

function badRequest(id: number | null, message: string): ServerFrame {
  return { type: 'reply', id, ok: false, error: { code: 'BAD_REQUEST', message } };
}
