import { browserSocket } from './browser-socket';
import { createIpcTransport, type FleetBridge } from './ipc-transport';
import { socketProtocols, socketUrl, takeToken } from './token';
import type { Transport } from './transport';
import { createWsTransport } from './ws-transport';

declare global {
  interface Window {
    /** Set by electron/preload; absent when the page is served to a browser. */
    fleet?: FleetBridge;
  }
}

/** IPC inside Electron, WebSocket (with the serve token) in a browser tab. */
export function selectTransport(): Transport {
  if (window.fleet) return createIpcTransport(window.fleet);
  const { token, searchWithoutToken } = takeToken(window.location.search, window.sessionStorage);
  if (searchWithoutToken !== window.location.search) {
    window.history.replaceState(window.history.state, '', `${window.location.pathname}${searchWithoutToken}${window.location.hash}`);
  }
  return createWsTransport({ url: socketUrl(window.location), protocols: socketProtocols(token), connect: browserSocket });
}
