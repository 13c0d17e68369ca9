import { openEarlySocket, PAGE_EARLY_CALL, setPageEarlySocket, type RawSocket } from './api/early-socket';
import { socketProtocols, socketUrl, takeToken } from './api/token';

/**
 * Evaluated first (main.tsx, the page's entry, imports it and nothing else of the app): opens the console's WebSocket
 * while the rest of the entry evaluates (api/early-socket.ts says why). Only in a browser tab
 * with a token in its URL or its sessionStorage; Electron talks IPC, and a tab without a token
 * asks the console's other tabs for one (select-transport.ts) before it can connect.
 */
function openPageSocket(): void {
  if (window.fleet) return;
  const { token, searchWithoutToken } = takeToken(window.location.search, window.sessionStorage);
  // Out of the address bar before anything else reads it (select-transport.ts does the same, later).
  if (searchWithoutToken !== window.location.search) {
    window.history.replaceState(window.history.state, '', `${window.location.pathname}${searchWithoutToken}${window.location.hash}`);
  }
  if (token === null) return;
  // It asks for the snapshot as soon as it opens: the server sends it while the console evaluates.
  setPageEarlySocket(openEarlySocket(socketUrl(window.location), socketProtocols(token), (url, protocols) => new WebSocket(url, protocols) as unknown as RawSocket, PAGE_EARLY_CALL));
}

try {
  openPageSocket();
} catch {
  // A refused sessionStorage, a malformed URL: no early socket. selectTransport meets the same
  // failure inside start.tsx's start(), which says on the page why the console cannot start (a
  // throw here would stop the whole entry, silently).
}
