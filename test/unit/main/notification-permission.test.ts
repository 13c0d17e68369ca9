/**
 * The desktop's permission policy now that the console shows notifications: Electron's session
 * grants `notifications` — and nothing else — to the app's own page in its top frame, both when
 * the page asks (Notification.requestPermission → request handler) and when Chromium checks
 * (Notification.permission, each `new Notification` → check handler); every other permission,
 * and notifications asked for from any other page, origin or sub-frame, are denied. A click on a
 * notification navigates the page to its subject; the window, if not focused, is brought
 * forward then (Electron does not do it for window.focus()). main.ts wires both.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { APP_INDEX_URL } from '../../../electron/main/app-protocol';
import {
  ALLOWED_PERMISSIONS,
  isAppOrigin,
  raiseOnBackgroundNavigation,
  restrictPermissions,
  type PermissionDetailsLike,
  type SessionLike,
} from '../../../electron/main/security';

const APP = APP_INDEX_URL;

/** Every permission name Electron 39 hands its handlers (PermissionRequest / check handler types). */
const ELECTRON_PERMISSIONS = [
  'clipboard-read',
  'clipboard-sanitized-write',
  'display-capture',
  'fullscreen',
  'geolocation',
  'idle-detection',
  'media',
  'mediaKeySystem',
  'midi',
  'midiSysex',
  'notifications',
  'pointerLock',
  'keyboardLock',
  'openExternal',
  'speaker-selection',
  'storage-access',
  'top-level-storage-access',
  'window-management',
  'unknown',
  'fileSystem',
  'hid',
  'serial',
  'usb',
  'deprecated-sync-clipboard-read',
  'background-sync',
];

function installed() {
  const handlers: {
    request?: Parameters<SessionLike['setPermissionRequestHandler']>[0];
    check?: Parameters<SessionLike['setPermissionCheckHandler']>[0];
  } = {};
  restrictPermissions(
    {
      setPermissionRequestHandler: (h) => (handlers.request = h),
      setPermissionCheckHandler: (h) => (handlers.check = h),
      webRequest: { onHeadersReceived: () => undefined },
    },
    APP,
  );
  const { request, check } = handlers;
  if (!request || !check) throw new Error('handlers not installed');
  return {
    ask: (permission: string, details: PermissionDetailsLike): boolean => {
      let granted: boolean | null = null;
      request({}, permission, (g) => (granted = g), details);
      if (granted === null) throw new Error('the request handler did not answer');
      return granted;
    },
    check: (permission: string, origin: string, details: PermissionDetailsLike) => check({}, permission, origin, details),
  };
}

const APP_FRAME: PermissionDetailsLike = { requestingUrl: `${APP}#/node/usw2-inf-01`, isMainFrame: true };

describe('desktop permissions', () => {
  it('allows exactly one permission: notifications', () => {
    expect(ALLOWED_PERMISSIONS).toEqual(['notifications']);
  });

  it('grants notifications to the app page, asked for or checked', () => {
    const h = installed();
    expect(h.ask('notifications', APP_FRAME)).toBe(true);
    expect(h.ask('notifications', { requestingUrl: APP, isMainFrame: true })).toBe(true);
    // Chromium hands the origin with or without its trailing slash.
    expect(h.check('notifications', 'app://fleetops', APP_FRAME)).toBe(true);
    expect(h.check('notifications', 'app://fleetops/', APP_FRAME)).toBe(true);
    // A check may come without the requesting URL (Electron leaves it out in some cases): the origin decides.
    expect(h.check('notifications', 'app://fleetops', { isMainFrame: true })).toBe(true);
  });

  it.each(ELECTRON_PERMISSIONS.filter((p) => p !== 'notifications'))('denies %s, even to the app page', (permission) => {
    const h = installed();
    expect(h.ask(permission, APP_FRAME)).toBe(false);
    expect(h.check(permission, 'app://fleetops', APP_FRAME)).toBe(false);
  });

  it('denies notifications to any other page, origin or frame', () => {
    const h = installed();
    const elsewhere = [
      'https://evil.example/',
      'file:///opt/fleetops/resources/app/dist/renderer/index.html',
      'app://evil/index.html',
      'app://fleetops/other.html',
      'fleetops://fleetops/index.html',
      'http://127.0.0.1:8080/index.html',
      'not a url',
      '',
    ];
    for (const requestingUrl of elsewhere) {
      expect(h.ask('notifications', { requestingUrl, isMainFrame: true }), requestingUrl).toBe(false);
      expect(h.check('notifications', 'app://fleetops', { requestingUrl: requestingUrl || 'x', isMainFrame: true }), requestingUrl).toBe(false);
    }
    for (const origin of ['https://evil.example', 'app://evil', 'app://fleetops/index.html', 'file://', 'null', '']) {
      expect(h.check('notifications', origin, { isMainFrame: true }), origin).toBe(false);
    }
    // A sub-frame of the app (there are none; should one appear, it gets nothing).
    expect(h.ask('notifications', { requestingUrl: APP, isMainFrame: false })).toBe(false);
    expect(h.check('notifications', 'app://fleetops', { requestingUrl: APP, isMainFrame: false })).toBe(false);
    // No details at all: nothing to check the page by.
    expect(h.ask('notifications', {})).toBe(false);
  });

  it('recognises only the app origin', () => {
    expect(isAppOrigin('app://fleetops', APP)).toBe(true);
    expect(isAppOrigin('app://fleetops/', APP)).toBe(true);
    expect(isAppOrigin('app://fleetops:80', APP)).toBe(false);
    expect(isAppOrigin('app://fleetops/?x', APP)).toBe(false);
    expect(isAppOrigin('app://fleetops.evil', APP)).toBe(false);
    expect(isAppOrigin('https://fleetops', APP)).toBe(false);
  });
});

type NavListener = (event: unknown, url: string, isMainFrame: boolean) => void;

function fakeWindow(state: { focused: boolean; minimized?: boolean; destroyed?: boolean }) {
  const calls: string[] = [];
  return {
    calls,
    isDestroyed: () => state.destroyed === true,
    isFocused: () => state.focused,
    isMinimized: () => state.minimized === true,
    restore: () => void calls.push('restore'),
    show: () => void calls.push('show'),
    focus: () => void calls.push('focus'),
  };
}

function wire(state: { focused: boolean; minimized?: boolean; destroyed?: boolean }) {
  let listener: NavListener | null = null;
  const win = fakeWindow(state);
  raiseOnBackgroundNavigation({ on: (_event, l) => (listener = l) }, win, APP);
  return { win, navigate: (url: string, isMainFrame = true) => (listener as unknown as NavListener)({}, url, isMainFrame) };
}

describe('a notification click raises the desktop window', () => {
  it('brings an unfocused (or minimized) window forward when its page opens a route', () => {
    const a = wire({ focused: false });
    a.navigate(`${APP}#/node/usw2-inf-01`);
    expect(a.win.calls).toEqual(['show', 'focus']);
    const b = wire({ focused: false, minimized: true });
    b.navigate(`${APP}#/overview`);
    expect(b.win.calls).toEqual(['restore', 'show', 'focus']);
  });

  it('leaves a focused window alone, and ignores sub-frames, other pages and a destroyed window', () => {
    const focused = wire({ focused: true });
    focused.navigate(`${APP}#/node/a`);
    expect(focused.win.calls).toEqual([]);
    const other = wire({ focused: false });
    other.navigate('https://evil.example/#/node/a');
    other.navigate(`${APP}#/node/a`, false);
    expect(other.win.calls).toEqual([]);
    const gone = wire({ focused: false, destroyed: true });
    gone.navigate(`${APP}#/node/a`);
    expect(gone.win.calls).toEqual([]);
  });
});

describe('main.ts wiring', () => {
  const src = readFileSync('electron/main/main.ts', 'utf8');

  it('installs the permission policy on the default session, with the app URL, and no blanket denial', () => {
    expect(src).toMatch(/restrictPermissions\(session\.defaultSession, appIndexUrl\);/);
    expect(src).not.toMatch(/denyPermissions/);
    expect(src).not.toMatch(/setPermission(Request|Check)Handler/);
  });

  it('raises the window on a background navigation of its own page', () => {
    expect(src).toMatch(/raiseOnBackgroundNavigation\(win\.webContents, win, appIndexUrl\);/);
  });
});
