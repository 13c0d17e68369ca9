import type { MethodInput, MethodName, MethodOutput, PushEvent, RequestEnvelope } from '../../../shared/contract';
import { reconnectDelayMs } from './backoff';
import { FleetApiError } from './errors';
import { inOrder } from './in-order';
import { errorFromData, parsePushEvent, resultFromCall } from './parse';
import { PERF_MARK, perfMark, perfMarksEnabled, perfMeasure } from './perf-marks';
import { Listeners, type ConnectionState, type Transport } from './transport';

/** Close code the server uses for a missing or wrong token (4000-4999 are free for applications, RFC 6455 §7.4.2). */
export const CLOSE_UNAUTHORIZED = 4401;

export interface SocketHandlers {
  onOpen(): void;
  onMessage(data: unknown): void;
  onClose(code: number, reason: string): void;
}

/** A call a socket sent (or sends on open) before the transport held it: early-socket.ts. */
export interface EarlyCall {
  id: number;
  method: MethodName;
  params: unknown;
}

/** The slice of a WebSocket the transport needs; the browser adapter and the tests' fake both provide it. */
export interface SocketConnection {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  /** Calls this socket sent before it reported the open: the transport's first matching call takes the reply instead of asking again. */
  adoptable?: readonly EarlyCall[];
}

/** Opens a socket to `url` offering `protocols` (the WebSocket constructor's second argument). */
export type SocketFactory = (url: string, handlers: SocketHandlers, protocols: readonly string[]) => SocketConnection;

export interface WsTransportOptions {
  url: string;
  /** Subprotocols offered on every (re)connect: the protocol name and the token (shared/socket-auth.ts). */
  protocols?: readonly string[];
  connect: SocketFactory;
  /** Delay before reconnect attempt n (1-based). */
  backoff?: (attempt: number) => number;
  /** A sent call with no reply after this long rejects with CALL_TIMEOUT. */
  callTimeoutMs?: number;
}

export const DEFAULT_CALL_TIMEOUT_MS = 30_000;

/**
 * A server frame's outer part (shared/contract.ts ServerFrame): a reply with its id — handed whole
 * to resultFromCall, which checks the ok/result/error part; null when the server could not read
 * our frame well enough to know which call it was — or an event with its name and payload.
 * Checked by hand: this runs before zod is loaded (parse.ts).
 */
type ServerFrameOuter = { type: 'reply'; id: number | null; error?: unknown } | { type: 'event'; event: string; payload: unknown };

function serverFrame(value: unknown): ServerFrameOuter {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('expected an object');
  const frame = value as Record<string, unknown>;
  if (frame.type === 'reply') {
    const id = frame.id;
    if (id !== null && !(typeof id === 'number' && Number.isSafeInteger(id) && id >= 0)) throw new Error('id: expected a whole number or null');
    return frame as ServerFrameOuter;
  }
  if (frame.type === 'event') {
    if (typeof frame.event !== 'string') throw new Error('event: expected a string');
    return { type: 'event', event: frame.event, payload: frame.payload };
  }
  throw new Error('type: expected "reply" or "event"');
}

interface PendingCall {
  method: MethodName;
  params: unknown;
  frame: string;
  resolve(value: unknown): void;
  reject(error: FleetApiError): void;
  timer?: ReturnType<typeof setTimeout>;
}

/**
 * Browser transport: one WebSocket carrying RequestEnvelope frames out and ServerFrames in.
 * Calls made before the socket is open wait for it; calls in flight when it drops reject with
 * CONNECTION_LOST (they are not re-sent: a mutation must not run twice behind the operator's back);
 * the socket reconnects with backoff until the page closes it or the server says the token is bad.
 */
export function createWsTransport(opts: WsTransportOptions): Transport {
  const backoff = opts.backoff ?? ((attempt: number) => reconnectDelayMs(attempt));
  const callTimeoutMs = opts.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  const events = new Listeners<PushEvent>();
  const problems = new Listeners<FleetApiError>();
  const replies = new Listeners<MethodName>();
  const connectionListeners = new Listeners<ConnectionState>();
  const marks = perfMarksEnabled();
  /** Replies and events reach their receivers in the order they came, also when one waits for zod (parse.ts). */
  const delivery = inOrder();

  let state: ConnectionState = { status: 'connecting' };
  let socket: SocketConnection | null = null;
  let attempt = 0;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let nextId = 1;
  /** Sent, waiting for a reply. */
  const inFlight = new Map<number, PendingCall>();
  /** Not sent yet because the socket is not open. */
  const queued = new Map<number, PendingCall>();
  /**
   * Calls the current socket sent before the transport held it, nobody has made yet: by id, with
   * the reply once it came. Kept no longer than a call waits for its reply.
   */
  const unclaimed = new Map<number, { key: string; method: MethodName; reply?: { frame: unknown; receivedAt: number; parsedAt: number }; timer: ReturnType<typeof setTimeout> }>();
  const callKey = (method: string, params: unknown) => `${method} ${JSON.stringify(params ?? null)}`;

  function dropUnclaimed(): void {
    for (const entry of unclaimed.values()) clearTimeout(entry.timer);
    unclaimed.clear();
  }

  /** Gives `call` the reply of the current socket's early call it matches, if any: now if it came already. */
  function adopt(call: PendingCall): boolean {
    const key = callKey(call.method, call.params);
    for (const [id, entry] of unclaimed) {
      if (entry.key !== key) continue;
      unclaimed.delete(id);
      clearTimeout(entry.timer);
      // Its arrival was told when it came (onReply): the pushes since are after it.
      if (entry.reply) deliver(call, entry.reply.frame, entry.reply.receivedAt, entry.reply.parsedAt, false);
      else track(id, call);
      return true;
    }
    return false;
  }

  function setState(next: ConnectionState): void {
    state = next;
    connectionListeners.emit(next);
  }

  /** Waits for the reply to `id`, no longer than a call's timeout. */
  function track(id: number, call: PendingCall): void {
    inFlight.set(id, call);
    call.timer = setTimeout(() => {
      inFlight.delete(id);
      call.reject(new FleetApiError('CALL_TIMEOUT', `${call.method}: no reply from the server within ${callTimeoutMs / 1000} s`));
    }, callTimeoutMs);
  }

  function send(id: number, call: PendingCall): void {
    track(id, call);
    socket?.send(call.frame);
    perfMark(PERF_MARK.call(call.method));
  }

  function settle(id: number): PendingCall | undefined {
    const call = inFlight.get(id);
    if (!call) return undefined;
    inFlight.delete(id);
    clearTimeout(call.timer);
    return call;
  }

  function rejectAll(calls: Map<number, PendingCall>, error: () => FleetApiError): void {
    for (const [id, call] of [...calls]) {
      calls.delete(id);
      clearTimeout(call.timer);
      call.reject(error());
    }
  }

  function handleMessage(data: unknown): void {
    const receivedAt = marks ? performance.now() : 0;
    let frame: ServerFrameOuter;
    try {
      if (typeof data !== 'string') throw new Error('frame is not text');
      frame = serverFrame(JSON.parse(data));
    } catch (err) {
      // In its place among what came before it: the problems are listed in the order they came.
      const problem = new FleetApiError('PARSE_FAILED', `unreadable frame from the server: ${(err as Error).message}`);
      delivery.deliver(() => problem, (p) => problems.emit(p), () => undefined);
      return;
    }
    if (frame.type === 'event') {
      const { event, payload } = frame;
      delivery.deliver(
        () => parsePushEvent(event, payload),
        (pushed) => events.emit(pushed),
        (err) => {
          if (err instanceof FleetApiError) problems.emit(err);
          else throw err;
        },
      );
      return;
    }
    if (frame.id === null) {
      // The server rejected a frame it could not attribute to a call: nobody awaits it, so it is a problem to show.
      const { error } = frame;
      delivery.deliver(
        () => errorFromData(error),
        (problem) => problems.emit(problem ?? new FleetApiError('PARSE_FAILED', 'unreadable frame from the server: reply without id or error')),
        (err) => problems.emit(err as FleetApiError),
      );
      return;
    }
    const parsedAt = marks ? performance.now() : 0;
    // A reply for an id we no longer wait for belongs to a call that already timed out: its
    // caller has its error, so there is nobody left to hand this to.
    const call = settle(frame.id);
    if (!call) {
      // An early call's reply before its caller asked: kept for it.
      const early = unclaimed.get(frame.id);
      if (early && !early.reply) {
        early.reply = { frame, receivedAt, parsedAt };
        // Told now, in its place among the pushes: those after it are not in it, however late its caller takes it.
        const { method } = early;
        if ((frame as { ok?: unknown }).ok === true) delivery.deliver(() => method, (m) => replies.emit(m), () => undefined);
      }
      return;
    }
    deliver(call, frame, receivedAt, parsedAt, true);
  }

  /**
   * Hands a reply frame to the call it answers (arrival and JSON-parsed times for the perf marks);
   * `announce`: tell onReply listeners (false for an early call's reply, told when it arrived).
   */
  function deliver(call: PendingCall, frame: unknown, receivedAt: number, parsedAt: number, announce: boolean): void {
    const checkFrom = marks ? performance.now() : 0;
    delivery.deliver(
      () => resultFromCall(call.method, frame),
      (result) => {
        if (marks) {
          perfMeasure(PERF_MARK.replyParse(call.method), receivedAt, parsedAt);
          perfMeasure(PERF_MARK.replyCheck(call.method), checkFrom);
        }
        if (announce) replies.emit(call.method);
        call.resolve(result);
      },
      (err) => call.reject(err as FleetApiError),
    );
  }

  /** Which socket's callbacks count: a socket that was replaced or closed by us may still fire late. */
  let generation = 0;

  function open(): void {
    const mine = ++generation;
    const isCurrent = () => generation === mine;
    const handlers: SocketHandlers = {
      onOpen() {
        if (!isCurrent()) return;
        attempt = 0;
        perfMark(PERF_MARK.socketOpen);
        // What this socket sent before it reported the open (early-socket.ts): a call asking the
        // same takes that reply instead of asking again. Known only now: a socket that closed
        // without opening sent nothing, and the calls queued meanwhile go out on the next one.
        for (const early of socket?.adoptable ?? []) {
          // Its reply is not kept past a call's own timeout: nobody asked for it by then.
          const timer = setTimeout(() => unclaimed.delete(early.id), callTimeoutMs);
          unclaimed.set(early.id, { key: callKey(early.method, early.params), method: early.method, timer });
        }
        setState({ status: 'open' });
        for (const [id, call] of [...queued]) {
          queued.delete(id);
          if (!adopt(call)) send(id, call);
        }
      },
      onMessage(data) {
        if (isCurrent()) handleMessage(data);
      },
      onClose(code) {
        if (!isCurrent()) return;
        generation++;
        socket = null;
        dropUnclaimed();
        rejectAll(inFlight, () => new FleetApiError('CONNECTION_LOST', 'the connection to the server dropped before the reply arrived'));
        if (code === CLOSE_UNAUTHORIZED) {
          rejectAll(queued, unauthorizedError);
          setState({ status: 'unauthorized' });
          return;
        }
        attempt += 1;
        const retryInMs = backoff(attempt);
        setState({ status: 'reconnecting', attempt, retryInMs, lastCloseCode: code });
        reconnectTimer = setTimeout(open, retryInMs);
      },
    };
    try {
      socket = opts.connect(opts.url, handlers, opts.protocols ?? []);
    } catch (err) {
      // The constructor throws synchronously for a malformed URL: report it, then treat it like an abnormal close (1006).
      // Reported on the next microtask, so listeners added right after createWsTransport hear about the first attempt too.
      const problem = new FleetApiError('INTERNAL', `cannot open the WebSocket: ${(err as Error).message}`);
      queueMicrotask(() => problems.emit(problem));
      handlers.onClose(1006, 'constructor failed');
    }
  }

  open();

  return {
    kind: 'websocket',
    call<M extends MethodName>(method: M, params: MethodInput<M>): Promise<MethodOutput<M>> {
      return new Promise<MethodOutput<M>>((resolve, reject) => {
        if (state.status === 'unauthorized') return reject(unauthorizedError());
        if (state.status === 'closed') return reject(new FleetApiError('CONNECTION_LOST', 'the connection was closed'));
        const id = nextId++;
        const envelope: RequestEnvelope = { id, method, params };
        const call: PendingCall = { method, params, frame: JSON.stringify(envelope), resolve: resolve as (v: unknown) => void, reject };
        if (state.status !== 'open') queued.set(id, call);
        else if (!adopt(call)) send(id, call);
      });
    },
    onEvent: (listener) => events.add(listener),
    onReply: (listener) => replies.add(listener),
    onProblem: (listener) => problems.add(listener),
    onConnection: (listener) => connectionListeners.add(listener),
    connection: () => state,
    close() {
      if (state.status === 'closed') return;
      clearTimeout(reconnectTimer);
      generation++;
      const closing = socket;
      socket = null;
      closing?.close(1000, 'page closed');
      dropUnclaimed();
      const lost = () => new FleetApiError('CONNECTION_LOST', 'the connection was closed');
      rejectAll(inFlight, lost);
      rejectAll(queued, lost);
      setState({ status: 'closed' });
    },
  };
}

function unauthorizedError(): FleetApiError {
  return new FleetApiError('UNAUTHORIZED', "this link's token is not valid; open the URL the server printed");
}
