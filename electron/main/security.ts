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

/** What Electron tells a permission handler about the request (PermissionRequest / PermissionCheckHandlerHandlerDetails). */
export interface PermissionDetailsLike {
  requestingUrl?: string;
  isMainFrame?: boolean;
}

export interface SessionLike {
  setPermissionRequestHandler(
    handler: (wc: unknown, permission: string, callback: (granted: boolean) => void, details: PermissionDetailsLike) => void,
  ): void;
  setPermissionCheckHandler(handler: (wc: unknown, permission: string, requestingOrigin: string, details: PermissionDetailsLike) => boolean): void;
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

/**
 * The one permission the console uses: notifications (renderer/src/notifications), shown through
 * Electron's implementation of the page's Notification API. Camera, microphone, geolocation,
 * clipboard, MIDI, HID, serial, USB, fullscreen, pointer lock, idle detection… are not needed
 * and stay denied.
 */
export const ALLOWED_PERMISSIONS: readonly string[] = ['notifications'];

/** `app://fleetops` (or `app://fleetops/`) for the app page `app://fleetops/index.html`; nothing else. */
export function isAppOrigin(origin: string, appIndexUrl: string): boolean {
  let u: URL;
  let app: URL;
  try {
    u = new URL(origin);
    app = new URL(appIndexUrl);
  } catch {
    return false;
  }
  // A custom scheme's URL.origin is "null" in Node: compare scheme and host instead.
  return u.protocol === app.protocol && u.host === app.host && (u.pathname === '' || u.pathname === '/') && u.search === '' && u.hash === '';
}

/**
 * Grants exactly ALLOWED_PERMISSIONS, and only to the app's own page in its top frame; every
 * other permission, and any request from anywhere else, is denied, both when the page asks
 * (request handler: Notification.requestPermission()) and when Chromium checks
 * (check handler: Notification.permission, and before each notification is shown). Also sets
 * the desktop CSP on every response.
 */
export function restrictPermissions(session: SessionLike, appIndexUrl: string): void {
  const allowed = (permission: string) => ALLOWED_PERMISSIONS.includes(permission);
  session.setPermissionRequestHandler((_wc, permission, callback, details) => {
    callback(allowed(permission) && details?.isMainFrame !== false && typeof details?.requestingUrl === 'string' && isAppUrl(details.requestingUrl, appIndexUrl));
  });
  session.setPermissionCheckHandler((_wc, permission, requestingOrigin, details) => {
    if (!allowed(permission) || details?.isMainFrame === false) return false;
    if (typeof details?.requestingUrl === 'string' && details.requestingUrl !== '' && !isAppUrl(details.requestingUrl, appIndexUrl)) return false;
    return isAppOrigin(requestingOrigin, appIndexUrl);
  });
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...(details.responseHeaders ?? {}), 'Content-Security-Policy': [DESKTOP_CSP] } });
  });
}

export interface InPageNavigationSource {
  on(event: 'did-navigate-in-page', listener: (event: unknown, url: string, isMainFrame: boolean) => void): unknown;
}

export interface RaisableWindowLike {
  isDestroyed(): boolean;
  isFocused(): boolean;
  isMinimized(): boolean;
  restore(): void;
  show(): void;
  focus(): void;
}

/**
 * A click on one of the console's notifications opens its subject (the page changes its hash
 * route) and calls window.focus(), which in a browser brings the tab forward but in Electron
 * does not raise the window. So the window is raised here when its page navigates within
 * itself while the window is not focused: the console changes its route only on the
 * operator's input, and input to an unfocused window is that click.
 */
export function raiseOnBackgroundNavigation(contents: InPageNavigationSource, win: RaisableWindowLike, appIndexUrl: string): void {
  contents.on('did-navigate-in-page', (_event, url, isMainFrame) => {
    if (!isMainFrame || win.isDestroyed() || win.isFocused() || !isAppUrl(url, appIndexUrl)) return;
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  });
}
