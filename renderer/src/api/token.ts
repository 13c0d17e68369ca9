/** sessionStorage key: the token survives a reload of this tab without staying in the address bar. */
export const TOKEN_STORAGE_KEY = 'fleetops.token';

export interface TokenStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/**
 * Takes the serve token from `?token=` (the URL the server printed) or, after a reload, from
 * sessionStorage. Returns the query string without the token, so the caller can rewrite the
 * address bar: a token left there ends up in screenshots, history and shared links.
 */
export function takeToken(search: string, storage: TokenStorage): { token: string | null; searchWithoutToken: string } {
  const params = new URLSearchParams(search);
  const fromUrl = params.get('token');
  params.delete('token');
  const rest = params.toString();
  const searchWithoutToken = rest ? `?${rest}` : '';
  if (fromUrl) {
    storage.setItem(TOKEN_STORAGE_KEY, fromUrl);
    return { token: fromUrl, searchWithoutToken };
  }
  return { token: storage.getItem(TOKEN_STORAGE_KEY), searchWithoutToken };
}

/**
 * What the operator pasted to connect a tab that has no token (a fresh browser): the URL the
 * server printed, or the token alone. Null when it holds neither.
 */
export function tokenFromInput(text: string): string | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  if (/^https?:\/\//i.test(trimmed)) {
    try {
      return new URL(trimmed).searchParams.get('token') || null;
    } catch {
      return null;
    }
  }
  // A bare token: the server prints URL-safe characters only.
  return /^[A-Za-z0-9._~-]{8,4096}$/.test(trimmed) ? trimmed : null;
}

/**
 * ws:// next to http://, wss:// next to https://, on the page's own host (the CSP allows only
 * that). No token in it: the token travels as a subprotocol (socketProtocols), so it is not in
 * the socket URL that proxies log and DevTools list.
 */
export function socketUrl(location: { protocol: string; host: string }): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws`;
}

export { socketProtocols } from '../../../shared/socket-auth';
