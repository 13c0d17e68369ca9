/**
 * The serve token lives in each tab's sessionStorage (api/token.ts), which a browser gives to one
 * tab only: a console link opened in a new tab (pasted, middle-clicked, from a chat) arrives
 * without it. So a tab that has none asks the console's other tabs for theirs, over a
 * BroadcastChannel, which only reaches pages of the same origin in the same browser profile:
 * other tabs of this very console. Nothing is written to disk or put in a URL. With no other
 * console tab open (a fresh browser), nobody answers and the page asks for the printed URL.
 */

export const TOKEN_CHANNEL = 'fleetops.token';

/** The slice of BroadcastChannel used here (a fake in tests). */
export interface TokenChannel {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  removeEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

type Message = { type: 'token-request' } | { type: 'token'; token: string };

function parseMessage(data: unknown): Message | null {
  if (data === null || typeof data !== 'object') return null;
  const m = data as Record<string, unknown>;
  if (m.type === 'token-request') return { type: 'token-request' };
  if (m.type === 'token' && typeof m.token === 'string' && m.token !== '' && m.token.length <= 4096) return { type: 'token', token: m.token };
  return null;
}

/** Answers other tabs' requests with this tab's token, while `token()` has one to give. Returns a stop function. */
export function answerTokenRequests(channel: TokenChannel, token: () => string | null): () => void {
  const listener = (event: { data: unknown }) => {
    if (parseMessage(event.data)?.type !== 'token-request') return;
    const t = token();
    if (t) channel.postMessage({ type: 'token', token: t } satisfies Message);
  };
  channel.addEventListener('message', listener);
  return () => channel.removeEventListener('message', listener);
}

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(id: unknown): void;
}

/** Wrapped, not passed as is: a browser's setTimeout called as another object's method throws "Illegal invocation". */
const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
};

/** Asks the other tabs once; the first token offered within `timeoutMs`, or null. */
export function requestToken(channel: TokenChannel, timeoutMs: number, timers: Timers = realTimers): Promise<string | null> {
  return new Promise((resolve) => {
    const finish = (token: string | null) => {
      timers.clear(timer);
      channel.removeEventListener('message', listener);
      resolve(token);
    };
    const listener = (event: { data: unknown }) => {
      const m = parseMessage(event.data);
      if (m?.type === 'token') finish(m.token);
    };
    const timer = timers.set(() => finish(null), timeoutMs);
    channel.addEventListener('message', listener);
    channel.postMessage({ type: 'token-request' } satisfies Message);
  });
}
