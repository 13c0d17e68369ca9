import type { Transport } from './transport';

/**
 * Resolves once the transport is no longer connecting — open, or failed and saying why
 * (reconnecting, unauthorized, closed) — or after `maxMs`, whichever comes first.
 *
 * Why: the page asks for the snapshot before it evaluates the console's code (start.tsx), and a
 * WebSocket call can only leave once the socket is open. Evaluating the code first would hold
 * the main thread, and with it the `open` event and the request, for as long as that takes;
 * waiting for the socket first lets the server build and send the snapshot meanwhile. The cap
 * keeps a server that does not answer from keeping the page blank: the console then starts and
 * shows the connection's state itself.
 */
export function connectionSettled(transport: Pick<Transport, 'connection' | 'onConnection'>, maxMs: number): Promise<void> {
  if (transport.connection().status !== 'connecting') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      stop();
      resolve();
    };
    const timer = setTimeout(done, maxMs);
    const stop = transport.onConnection((state) => {
      if (state.status !== 'connecting') done();
    });
  });
}
