/**
 * Desktop entry: window, security policy, one IPC channel, pushed events. Glue only — the
 * engine is electron/core, the same one `fleetops serve` and the CLI run.
 */
import { join } from 'node:path';
import { app, BrowserWindow, ipcMain, Menu, protocol, safeStorage, screen, session, shell } from 'electron';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../shared/contract';
import { FleetCore } from '../core/fleet/core';
import { createDispatch } from '../core/rpc/dispatch';
import { inventoryEnvFromProcess, secretFromEnv } from '../cli/runtime-env';
import { APP_INDEX_URL, APP_SCHEME, appSchemeRegistration, nodeAppFileReader, serveAppRequest } from './app-protocol';
import { claimSingleInstance, stopBeforeQuit } from './app-lifecycle';
import { createIpcInvokeHandler } from './ipc-router';
import { reportKeychainBackend } from './keychain-backend';
import { desktopPassphrases } from './safe-storage-passphrases';
import { desktopSecretStore } from './safe-storage-secrets';
import { lockNavigation, raiseOnBackgroundNavigation, restrictPermissions } from './security';
import { secureWebPreferences, windowBounds } from './window-options';

/** The built renderer (dist/renderer), served as app://fleetops/ by app-protocol.ts. */
const rendererDir = join(__dirname, '..', '..', 'renderer');
const appIndexUrl = APP_INDEX_URL;

// Before 'ready', or the scheme is not standard/secure and the page gets an opaque origin.
protocol.registerSchemesAsPrivileged(appSchemeRegistration());

let mainWindow: BrowserWindow | null = null;
let bootedCore: FleetCore | null = null;

/** --inventory FILE on the command line, else FLEETOPS_INVENTORY, else none (the console says so). */
function inventoryArg(argv: string[]): string | null {
  const i = argv.indexOf('--inventory');
  if (i >= 0 && argv[i + 1]) return argv[i + 1];
  return process.env.FLEETOPS_INVENTORY ?? null;
}

async function createWindow(core: FleetCore): Promise<BrowserWindow> {
  const { width, height } = windowBounds(null, screen.getPrimaryDisplay().workAreaSize);
  const win = new BrowserWindow({
    width,
    height,
    title: 'fleetops',
    backgroundColor: '#0f1115',
    webPreferences: secureWebPreferences(join(__dirname, '..', 'preload', 'preload.js')),
  });
  lockNavigation(win.webContents, appIndexUrl, (url) => void shell.openExternal(url));
  // A notification's click opens its subject in the page; this brings the window forward with it.
  raiseOnBackgroundNavigation(win.webContents, win, appIndexUrl);
  const unsubscribe = core.subscribe((e) => {
    if (!win.isDestroyed()) win.webContents.send(IPC_EVENT_CHANNEL, e);
  });
  win.on('closed', () => {
    unsubscribe();
    if (mainWindow === win) mainWindow = null;
  });
  mainWindow = win;
  await win.loadURL(appIndexUrl);
  return win;
}

async function boot(): Promise<void> {
  await app.whenReady();
  protocol.handle(APP_SCHEME, async (request) => {
    const r = await serveAppRequest({ url: request.url, method: request.method }, rendererDir, nodeAppFileReader);
    return new Response(r.body, { status: r.status, headers: r.headers });
  });
  // Notifications (from the app page only) and nothing else.
  restrictPermissions(session.defaultSession, appIndexUrl);
  Menu.setApplicationMenu(null);
  const dataDir = app.getPath('userData');
  const core = new FleetCore({
    dataDir,
    inventoryPath: inventoryArg(process.argv),
    inventoryEnv: inventoryEnvFromProcess(),
    passphrases: desktopPassphrases(safeStorage, dataDir, async () => process.env.FLEETOPS_SSH_PASSPHRASE),
    // Replica secrets set in the console are kept by the keychain; FLEETOPS_SECRET_<REF> still works.
    secrets: desktopSecretStore(safeStorage, dataDir, secretFromEnv()),
    processLabel: 'fleetops desktop',
    // Scheduled drills run while the console runs.
    drills: { schedule: true },
  });
  await core.start();
  // From here on a quit waits (bounded) for the engine to close its store and connections.
  stopBeforeQuit(app, core);
  bootedCore = core;
  // After 'ready' (before it the backend reads 'unknown') and after start (the event store is open).
  reportKeychainBackend(process.platform, safeStorage, core);
  const dispatch = createDispatch(core.handlers, { onInternalError: (m, e) => console.error(`internal error in ${m}`, e) });
  ipcMain.handle(IPC_INVOKE_CHANNEL, createIpcInvokeHandler(dispatch, appIndexUrl));
  await createWindow(core);
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void createWindow(core);
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}

// No webviews, ever (Electron security checklist item 12).
app.on('web-contents-created', (_e, contents) => {
  contents.on('will-attach-webview', (event) => event.preventDefault());
});

// A second launch hands over to the first (which brings its window forward) and quits.
const openWindow = () => {
  if (bootedCore) void createWindow(bootedCore);
};
if (claimSingleInstance(app, () => mainWindow, openWindow)) {
  boot().catch((err) => {
    console.error('fleetops failed to start:', err);
    app.exit(1);
  });
}
