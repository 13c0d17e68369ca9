import { describe, expect, it, vi } from 'vitest';
import { createIpcInvokeHandler } from '../../../electron/main/ipc-router';
import { isTrustedSender, isAppUrl, lockNavigation, restrictPermissions, DESKTOP_CSP, type SessionLike } from '../../../electron/main/security';
import { createDispatch } from '../../../electron/core/rpc/dispatch';
import { APP_INDEX_URL } from '../../../electron/main/app-protocol';
import type { Handlers } from '../../../electron/core/fleet/core';

// The page main.ts loads: the built renderer behind the app:// handler, not a file:// path.
const APP = APP_INDEX_URL;
// Where the page used to come from: a file:// page (any local HTML file) must not be the app.
const OLD_FILE_PAGE = 'file:///opt/fleetops/resources/app/dist/renderer/index.html';
const top = { url: APP, parent: null };

function spyHandlers() {
  const calls: string[] = [];
  const handlers = new Proxy({} as Handlers, {
    get: (_t, name: string) => async (input: unknown) => {
      calls.push(name);
      if (name === 'node.get') return { echoed: input };
      return { topology: null, inventoryError: null, nodes: [], pendingHostKeys: [], lab: null };
    },
  });
  return { calls, dispatch: createDispatch(handlers) };
}

describe('IPC glue', () => {
  it('routes a valid call from the app top frame to the engine', async () => {
    const { calls, dispatch } = spyHandlers();
    const handle = createIpcInvokeHandler(dispatch, APP);
    const r = await handle({ senderFrame: top }, { method: 'fleet.snapshot', params: {} });
    expect(r.ok).toBe(true);
    expect(calls).toEqual(['fleet.snapshot']);
  });

  it('rejects a sub-frame, another origin, and a missing frame before the engine sees anything', async () => {
    const { calls, dispatch } = spyHandlers();
    const handle = createIpcInvokeHandler(dispatch, APP);
    const frames = [
      { url: APP, parent: top },
      { url: 'https://evil.example/index.html', parent: null },
      { url: 'file:///tmp/other/index.html', parent: null },
      { url: OLD_FILE_PAGE, parent: null },
      { url: 'app://evil/index.html', parent: null },
      { url: 'app://fleetops/other.html', parent: null },
      { url: 'fleetops://fleetops/index.html', parent: null },
      null,
    ];
    for (const senderFrame of frames) {
      const r = await handle({ senderFrame }, { method: 'fleet.snapshot', params: {} });
      expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    }
    expect(calls).toEqual([]);
  });

  it('rejects malformed payloads, unknown methods and schema failures with codes', async () => {
    const { calls, dispatch } = spyHandlers();
    const handle = createIpcInvokeHandler(dispatch, APP);
    expect(await handle({ senderFrame: top }, 'fleet.snapshot')).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await handle({ senderFrame: top }, { method: 'fleet.snapshot', params: {}, extra: 1 })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await handle({ senderFrame: top }, { method: 'process.exit', params: {} })).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(await handle({ senderFrame: top }, { method: '__proto__', params: {} })).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(await handle({ senderFrame: top }, { method: 'node.get', params: { name: 42 } })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await handle({ senderFrame: top }, { method: 'node.get', params: { name: 'a', shell: 'rm -rf /' } })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(calls).toEqual([]);
  });
});

describe('window security policy', () => {
  it('recognises only the app page as the app', () => {
    expect(APP).toBe('app://fleetops/index.html');
    expect(isAppUrl(`${APP}#/node/a`, APP)).toBe(true);
    expect(isAppUrl('app://fleetops/other.html', APP)).toBe(false);
    expect(isAppUrl('app://other/index.html', APP)).toBe(false);
    expect(isAppUrl(OLD_FILE_PAGE, APP)).toBe(false);
    expect(isAppUrl('https://fleetops/index.html', APP)).toBe(false);
    expect(isAppUrl('https://example.com/', APP)).toBe(false);
    expect(isAppUrl('not a url', APP)).toBe(false);
    expect(isTrustedSender({ url: APP, parent: null }, APP)).toBe(true);
  });

  it('denies navigation away and every new window', () => {
    const listeners: Record<string, (e: { preventDefault(): void }, url: string) => void> = {};
    let openHandler: ((d: { url: string }) => { action: 'deny' }) | null = null;
    const opened: string[] = [];
    lockNavigation(
      { on: (ev, l) => (listeners[ev] = l), setWindowOpenHandler: (h) => (openHandler = h) },
      APP,
      (u) => opened.push(u),
    );
    const prevent = vi.fn();
    listeners['will-navigate']({ preventDefault: prevent }, 'https://evil.example/');
    expect(prevent).toHaveBeenCalledTimes(1);
    listeners['will-navigate']({ preventDefault: prevent }, `${APP}#/node/x`);
    expect(prevent).toHaveBeenCalledTimes(1);
    listeners['will-redirect']({ preventDefault: prevent }, 'file:///etc/passwd');
    expect(prevent).toHaveBeenCalledTimes(2);
    listeners['will-navigate']({ preventDefault: prevent }, OLD_FILE_PAGE);
    expect(prevent).toHaveBeenCalledTimes(3);
    expect(openHandler!({ url: 'https://docs.nvidia.com/' })).toEqual({ action: 'deny' });
    expect(openHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://docs.nvidia.com/']);
  });

  it('denies every permission but notifications (from the app page), and sets a strict CSP', () => {
    let request: Parameters<SessionLike['setPermissionRequestHandler']>[0] | null = null;
    let check: Parameters<SessionLike['setPermissionCheckHandler']>[0] | null = null;
    let headers: ((d: { responseHeaders?: Record<string, string[]> }, cb: (r: { responseHeaders: Record<string, string[]> }) => void) => void) | null = null;
    restrictPermissions(
      {
        setPermissionRequestHandler: (h) => (request = h),
        setPermissionCheckHandler: (h) => (check = h),
        webRequest: { onHeadersReceived: (l) => (headers = l) },
      },
      APP,
    );
    const fromApp = { requestingUrl: `${APP}#/overview`, isMainFrame: true };
    const granted: boolean[] = [];
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read']) request!(null, p, (g) => granted.push(g), fromApp);
    expect(granted).toEqual([false, false, true, false]);
    expect(check!(null, 'notifications', 'app://fleetops', fromApp)).toBe(true);
    expect(check!(null, 'media', 'app://fleetops', fromApp)).toBe(false);
    let out: Record<string, string[]> = {};
    headers!({ responseHeaders: {} }, (r) => (out = r.responseHeaders));
    expect(out['Content-Security-Policy']).toEqual([DESKTOP_CSP]);
    expect(DESKTOP_CSP).toContain("script-src 'self'");
    expect(DESKTOP_CSP).not.toContain('unsafe');
  });
});
