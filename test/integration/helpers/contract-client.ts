/**
 * A client of `serve`'s WebSocket, as the browser console is one: the token from the printed URL,
 * the page's Origin, request envelopes answered by id, and every pushed event kept in order.
 */
import WebSocket from 'ws';
import type { MethodInput, MethodName, MethodOutput, PushEvent, ServerFrame } from '../../../shared/contract';
import { socketProtocols } from '../../../shared/socket-auth';

export interface ContractClient {
  call<M extends MethodName>(method: M, params: MethodInput<M>): Promise<MethodOutput<M>>;
  /** Every event pushed since the connection opened. */
  readonly pushes: PushEvent[];
  /** The first push, old or new, that `pick` maps to a value; rejects after `timeoutMs`. */
  waitForPush<T>(pick: (e: PushEvent) => T | undefined, what: string, timeoutMs: number): Promise<T>;
  close(): void;
}

/** An error reply, with the contract's error code. */
export class CallError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Connects to the console at `consoleUrl` (what serve prints: http(s)://HOST:PORT/?token=…) as
 * the page does: ws(s)://HOST:PORT/ws with no token in it, the token offered as a subprotocol.
 * `ca` trusts a test certificate when serve runs with --tls-cert.
 */
export async function connectContract(consoleUrl: string, opts: { ca?: string | Buffer } = {}): Promise<ContractClient> {
  const url = new URL(consoleUrl);
  const token = url.searchParams.get('token') ?? '';
  const scheme = url.protocol === 'https:' ? 'wss' : 'ws';
  const ws = new WebSocket(`${scheme}://${url.host}/ws`, socketProtocols(token), { headers: { Origin: url.origin }, ca: opts.ca });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode} from ${url.host}`)));
    ws.once('error', reject);
  });

  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const pushes: PushEvent[] = [];
  const listeners = new Set<() => void>();
  let nextId = 1;
  ws.on('message', (data: WebSocket.RawData) => {
    const frame = JSON.parse(data.toString()) as ServerFrame;
    if (frame.type === 'event') {
      pushes.push({ event: frame.event, payload: frame.payload } as PushEvent);
      for (const l of [...listeners]) l();
      return;
    }
    const p = frame.id === null ? undefined : pending.get(frame.id);
    if (!p) return;
    pending.delete(frame.id!);
    if (frame.ok) p.resolve(frame.result);
    else p.reject(new CallError(frame.error.code, frame.error.message));
  });
  ws.on('close', () => {
    for (const p of pending.values()) p.reject(new Error('the console closed the connection'));
    pending.clear();
  });

  return {
    pushes,
    call<M extends MethodName>(method: M, params: MethodInput<M>): Promise<MethodOutput<M>> {
      const id = nextId++;
      return new Promise<MethodOutput<M>>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        ws.send(JSON.stringify({ id, method, params }));
      });
    },
    waitForPush<T>(pick: (e: PushEvent) => T | undefined, what: string, timeoutMs: number): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        let seen = 0;
        const check = () => {
          for (; seen < pushes.length; seen++) {
            const v = pick(pushes[seen]!);
            if (v !== undefined) {
              finish();
              resolve(v);
              return;
            }
          }
        };
        const finish = () => {
          listeners.delete(check);
          clearTimeout(timer);
        };
        const timer = setTimeout(() => (finish(), reject(new Error(`no push of ${what} within ${timeoutMs} ms`))), timeoutMs);
        listeners.add(check);
        check();
      });
    },
    close: () => ws.close(),
  };
}
