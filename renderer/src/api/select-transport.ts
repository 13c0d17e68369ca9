import { browserSocket } from './browser-socket';
import { adoptingEarly, takePageEarlySocket } from './early-socket';
import { createIpcTransport, type FleetBridge } from './ipc-transport';
import { socketProtocols, socketUrl, takeToken, TOKEN_STORAGE_KEY } from './token';
import { answerTokenRequests, requestToken, TOKEN_CHANNEL } from './token-share';
import type { Transport } from './transport';
import { createWsTransport } from './ws-transport';

declare global {
  interface Window {
    /** Set by electron/preload; absent when the page is served to a browser. */
    fleet?: FleetBridge;
  }
}

/** How long a tab without a token waits for another console tab to hand it one. */
const TOKEN_ASK_MS = 400;

/**
 * IPC inside Electron, WebSocket (with the serve token) in a browser tab. The token comes from
 * the printed URL, this tab's sessionStorage after a reload, or another console tab (a link
 * opened in a new tab): see token-share.ts.
 *
 * `wire` attaches the page's listeners the moment the transport exists, before it reports
 * anything: the early socket's frames so far come on the next microtask (early-socket.ts), and
 * IPC pushes whenever the main process sends them — after an `await`, both could be missed.
 */
export async function selectTransport(wire: (transport: Transport) => void): Promise<Transport> {
  if (window.fleet) {
    const ipc = createIpcTransport(window.fleet);
    wire(ipc);
    return ipc;
  }
  const { token: own, searchWithoutToken } = takeToken(window.location.search, window.sessionStorage);
  if (searchWithoutToken !== window.location.search) {
    window.history.replaceState(window.history.state, '', `${window.location.pathname}${searchWithoutToken}${window.location.hash}`);
  }
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(TOKEN_CHANNEL) : null;
  let token = own;
  if (token === null && channel) {
    token = await requestToken(channel, TOKEN_ASK_MS);
    if (token !== null) window.sessionStorage.setItem(TOKEN_STORAGE_KEY, token);
  }
  // The socket boot-socket.ts opened already, if it did (same URL and token), else a new one.
  const transport = createWsTransport({ url: socketUrl(window.location), protocols: socketProtocols(token), connect: adoptingEarly(takePageEarlySocket(), browserSocket) });
  wire(transport);
  // Only a token the server accepted is handed on.
  if (channel) answerTokenRequests(channel, () => (transport.connection().status === 'open' ? token : null));
  return transport;
}
