/**
 * main.ts imports Electron and cannot run here, so its wiring of the tested pieces is read from
 * the source: each promise of the desktop hardening is a call main.ts must make, in the right
 * place. (The pieces themselves are tested in app-protocol, app-lifecycle and keychain-backend.)
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const src = readFileSync('electron/main/main.ts', 'utf8');
const bootStart = src.indexOf('async function boot');
const bootBody = src.slice(bootStart, src.indexOf('\n}\n', bootStart));
/** Top-level statements: what runs when the module loads, before 'ready'. */
const topLevel = src.replace(/^(async )?function [\s\S]*?^}\n/gm, '');

describe('desktop main wiring', () => {
  it('loads the page from app://, never from file://', () => {
    expect(src).toMatch(/const appIndexUrl = APP_INDEX_URL;/);
    expect(src).toMatch(/win\.loadURL\(appIndexUrl\)/);
    expect(src).not.toMatch(/pathToFileURL|loadFile\(|file:\/\//);
    // Navigation and IPC sender checks compare against the same app URL.
    expect(src).toMatch(/lockNavigation\(win\.webContents, appIndexUrl,/);
    expect(src).toMatch(/createIpcInvokeHandler\(dispatch, appIndexUrl\)/);
  });

  it('registers the scheme as privileged at load time (before ready) and serves it through serveAppRequest after ready', () => {
    expect(topLevel).toMatch(/protocol\.registerSchemesAsPrivileged\(appSchemeRegistration\(\)\);/);
    expect(bootBody).toMatch(/await app\.whenReady\(\);\s*protocol\.handle\(APP_SCHEME,/);
    expect(bootBody).toMatch(/serveAppRequest\(\{ url: request\.url, method: request\.method \}, rendererDir, nodeAppFileReader\)/);
    expect(bootBody).toMatch(/new Response\(r\.body, \{ status: r\.status, headers: r\.headers \}\)/);
  });

  it('starts only with the single-instance lock', () => {
    expect(topLevel).toMatch(/if \(claimSingleInstance\(app, \(\) => mainWindow, openWindow\)\) \{\s*boot\(\)/);
    expect(topLevel.match(/boot\(\)/g)).toHaveLength(1);
  });

  it('holds quit for the engine to stop, instead of firing core.stop() and leaving', () => {
    expect(bootBody).toMatch(/await core\.start\(\);[\s\S]*stopBeforeQuit\(app, core\);/);
    expect(src).not.toMatch(/'will-quit', \(\) => void core\.stop\(\)/);
  });

  it('reports a weak Linux keychain after ready, into the engine\'s events', () => {
    expect(bootBody).toMatch(/await core\.start\(\);[\s\S]*reportKeychainBackend\(process\.platform, safeStorage, core\);/);
  });
});
