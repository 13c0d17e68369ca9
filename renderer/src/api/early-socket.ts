import { FIRST_CALL_ID, FIRST_CALL_PARAM, FIRST_CALLS } from '../../../shared/socket-auth';
import { PERF_MARK, perfMark } from './perf-marks';
import type { EarlyCall, SocketConnection, SocketFactory, SocketHandlers } from './ws-transport';

/**
 * The page's first WebSocket, opened by the first module the page evaluates (boot-socket.ts),
 * before the rest of the entry — zod and the contract's schemas, a good part of its evaluation —
 * so the handshake with a busy server runs while that code evaluates instead of after it. The
 * transport takes it over on its first connect (adoptingEarly); what the socket reported in the
 * meantime (open, messages, close) is handed on then, in order.
 *
 * It may also make one call — the page's `fleet.snapshot`, which every view waits for — so the
 * server builds and sends the fleet while the page is still evaluating the console, instead of
 * after. A call the server takes in the socket's URL (shared/socket-auth.ts FIRST_CALLS) is asked
 * there: the page hears of the open only when its main thread is free, which at start is
 * seldom (the console's code evaluating), and the server answers as soon as the handshake is
 * done. Any other is sent the moment the socket opens. The transport adopts that call
 * (ws-transport.ts): the console's own query for the snapshot gets its reply rather than asking again.
 */

/** The call the page's early socket sends on open: the snapshot every view starts from (id 0; the transport numbers from 1). */
export const PAGE_EARLY_CALL: EarlyCall = { id: 0, method: 'fleet.snapshot', params: {} };

/** The slice of the browser's WebSocket used here (a fake in tests). */
export interface RawSocket {
  onopen: (() => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

type Reported = { kind: 'open' } | { kind: 'message'; data: unknown } | { kind: 'close'; code: number; reason: string };

export interface EarlySocket {
  url: string;
  protocols: readonly string[];
  /** Hands the socket to the transport: what happened so far is reported on the next microtask, then everything live. */
  take(handlers: SocketHandlers): SocketConnection;
  /** Nobody will take it: closed. */
  discard(): void;
}

/** Whether the server takes `call` in the socket's URL: a call it lists, with the id it answers with, and no parameters. */
export function askableInUrl(call: EarlyCall): boolean {
  const params = call.params;
  const none = params === undefined || (typeof params === 'object' && params !== null && !Array.isArray(params) && Object.keys(params).length === 0);
  return call.id === FIRST_CALL_ID && FIRST_CALLS.includes(call.method) && none;
}

/** Opens `url` now and keeps what the socket reports until `take`; asks `firstCall` in the URL, or sends it as soon as the socket opens. */
export function openEarlySocket(url: string, protocols: readonly string[], open: (url: string, protocols: string[]) => RawSocket, firstCall?: EarlyCall): EarlySocket {
  const inUrl = firstCall !== undefined && askableInUrl(firstCall);
  const socket = open(inUrl ? `${url}${url.includes('?') ? '&' : '?'}${FIRST_CALL_PARAM}=${encodeURIComponent(firstCall.method)}` : url, [...protocols]);
  if (inUrl) perfMark(PERF_MARK.call(firstCall.method));
  const reported: Reported[] = [];
  let handlers: SocketHandlers | null = null;
  const report = (r: Reported) => {
    if (!handlers) {
      reported.push(r);
      return;
    }
    if (r.kind === 'open') handlers.onOpen();
    else if (r.kind === 'message') handlers.onMessage(r.data);
    else handlers.onClose(r.code, r.reason);
  };
  /** What this socket sent before reporting its open: the transport reads it when it hears the open. */
  const sent: EarlyCall[] = [];
  socket.onopen = () => {
    // Before the open is reported: the transport's own calls queued until then go out after it.
    if (firstCall) {
      // Asked in the URL: the server answers it now the socket is open (and the token good).
      if (!inUrl) {
        socket.send(JSON.stringify({ id: firstCall.id, method: firstCall.method, params: firstCall.params }));
        perfMark(PERF_MARK.call(firstCall.method));
      }
      sent.push(firstCall);
    }
    report({ kind: 'open' });
  };
  socket.onmessage = (ev) => report({ kind: 'message', data: ev.data });
  // 'error' is always followed by 'close' (browser-socket.ts): close alone drives reconnects.
  socket.onclose = (ev) => report({ kind: 'close', code: ev.code, reason: ev.reason });
  return {
    url,
    protocols,
    take(next) {
      // Not during the transport's connect call: it has not stored the connection yet.
      queueMicrotask(() => {
        handlers = next;
        for (const r of reported.splice(0)) report(r);
      });
      return { send: (data) => socket.send(data), close: (code, reason) => socket.close(code, reason), adoptable: sent };
    },
    discard() {
      socket.onopen = socket.onmessage = socket.onclose = null;
      socket.close(1000, 'not used');
    },
  };
}

/**
 * A socket factory whose first connect to `early`'s URL with its protocols takes `early` over;
 * any other connect (a reconnect, another URL) opens a socket with `fallback`.
 */
export function adoptingEarly(early: EarlySocket | null, fallback: SocketFactory): SocketFactory {
  let waiting = early;
  return (url, handlers, protocols) => {
    const mine = waiting;
    waiting = null;
    if (mine && mine.url === url && mine.protocols.length === protocols.length && mine.protocols.every((p, i) => p === protocols[i])) return mine.take(handlers);
    mine?.discard();
    return fallback(url, handlers, protocols);
  };
}

/** The page's early socket, if boot-socket.ts opened one: taken once (by selectTransport). */
let pageEarly: EarlySocket | null = null;

export function setPageEarlySocket(early: EarlySocket | null): void {
  pageEarly = early;
}

export function takePageEarlySocket(): EarlySocket | null {
  const early = pageEarly;
  pageEarly = null;
  return early;
}
