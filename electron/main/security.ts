/**
 * Security policy for the desktop window, written against the few Electron surfaces it needs
 * (typed structurally) so it is tested in plain Node.
 */

/**
 * Same policy as the served page (electron/serve/static-files.ts), minus the WebSocket: the
 * desktop talks to the engine over IPC only, so the page may connect nowhere. The app://
 * handler (app-protocol.ts) sends it as a header on every response.
 */
export const DESKTOP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * True when `url` is the app's own page (any hash route of it), nothing else: same scheme, host
 * and path as `appIndexUrl` (app://fleetops/index.html), so a file:// page or another app:// host
 * is not the app.
 */
export function isAppUrl(url: string, appIndexUrl: string): boolean {
  let u: URL;
  let app: URL;
  try {
    u = new URL(url);
    app = new URL(appIndexUrl);
  } catch {
    return false;
  }
  return u.protocol === app.protocol && u.host === app.host && u.pathname === app.pathname;
}

export interface FrameLike {
  url: string;
  parent: FrameLike | null;
}

/** IPC is accepted only from the app's own top frame (VS Code's ValidatedIpcMain idea). */
export function isTrustedSender(frame: FrameLike | null | undefined, appIndexUrl: string): boolean {
  if (!frame) return false;
  if (frame.parent !== null) return false;
  return isAppUrl(frame.url, appIndexUrl);
}

export interface WebContentsLike {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: { preventDefault(): void }, url: string) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

export interface SessionLike {
  setPermissionRequestHandler(handler: (wc: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: () => boolean): void;
  webRequest: {
    onHeadersReceived(listener: (details: { responseHeaders?: Record<string, string[]> }, callback: (r: { responseHeaders: Record<string, string[]> }) => void) => void): void;
  };
}

/** Navigation away from the app and every new window are denied; external links are handed to the OS browser. */
export function lockNavigation(contents: WebContentsLike, appIndexUrl: string, openExternal: (url: string) => void): void {
  const guard = (event: { preventDefault(): void }, url: string) => {
    if (!isAppUrl(url, appIndexUrl)) event.preventDefault();
  };
  contents.on('will-navigate', guard);
  contents.on('will-redirect', guard);
  contents.setWindowOpenHandler(({ url }) => {
    if (/^https:\/\//i.test(url)) openExternal(url);
    return { action: 'deny' };
  });
}

/** The console needs no camera, microphone, notifications or geolocation: deny all. */
export function denyPermissions(session: SessionLike): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...(details.responseHeaders ?? {}), 'Content-Security-Policy': [DESKTOP_CSP] } });
  });
}
