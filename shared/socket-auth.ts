/**
 * How a browser proves it holds the serve token when it opens the WebSocket, without putting the
 * token in the socket URL (URLs end up in proxy logs, browser history and DevTools' network
 * list): it offers two subprotocols, `fleetops.v1` and `fleetops.token.<base64url(token)>`.
 * The server checks the second, and selects only the first in its answer — RFC 6455 §4.2.2: the
 * server echoes the one subprotocol it picked, and a browser that offered some fails a handshake
 * that picks none, so `fleetops.v1` is what it echoes, never the token.
 *
 * Subprotocol names must be RFC 7230 tokens; base64url's alphabet (A–Z a–z 0–9 - _) is one.
 * No Node built-ins here: the renderer imports this too (btoa/atob/TextEncoder are global in
 * browsers and Node 20).
 */
export const SOCKET_PROTOCOL = 'fleetops.v1';
export const TOKEN_PROTOCOL_PREFIX = 'fleetops.token.';

function base64url(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(encoded: string): string | null {
  if (!/^[A-Za-z0-9_-]*$/.test(encoded) || encoded.length % 4 === 1) return null;
  try {
    const binary = atob(encoded.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** The subprotocols a client offers: the protocol name, then the token when it has one. */
export function socketProtocols(token: string | null): string[] {
  return token === null || token === '' ? [SOCKET_PROTOCOL] : [SOCKET_PROTOCOL, `${TOKEN_PROTOCOL_PREFIX}${base64url(token)}`];
}

/**
 * The token a handshake offered, from its subprotocols (the parsed set, or the raw
 * Sec-WebSocket-Protocol header); null when there is none, more than one, or it is malformed.
 */
export function tokenFromProtocols(protocols: Iterable<string> | string | undefined): string | null {
  const list = typeof protocols === 'string' ? protocols.split(',') : protocols === undefined ? [] : [...protocols];
  const offered = list.map((p) => p.trim()).filter((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX));
  if (offered.length !== 1) return null;
  return fromBase64url(offered[0]!.slice(TOKEN_PROTOCOL_PREFIX.length));
}

/**
 * A first call a page may ask for in the socket's URL (`/ws?first=fleet.snapshot`) instead of in
 * a frame once the socket has opened: the server answers it as soon as the handshake is done (and
 * the token checked), as the reply to call id FIRST_CALL_ID. Why: a page learns that its socket
 * opened only when its main thread is free, and while the page starts that thread is evaluating
 * the console's code; asked in the URL, the snapshot is built and sent meanwhile
 * (renderer/src/api/early-socket.ts). Only calls that read, with no parameters.
 */
export const FIRST_CALL_PARAM = 'first';
export const FIRST_CALL_ID = 0;
export const FIRST_CALLS: readonly string[] = ['fleet.snapshot'];
