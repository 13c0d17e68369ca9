/**
 * Desktop entry: window, security policy, one IPC channel, pushed events. Glue only — the
 * engine is electron/core, the same one `fleetops serve` and the CLI run.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, ipcMain, Menu, safeStorage, screen, session, shell } from 'electron';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../shared/contract';
import { FleetCore } from '../core/fleet/core';
import { createDispatch } from '../core/rpc/dispatch';
import { inventoryEnvFromProcess, secretFromEnv } from '../cli/runtime-env';
import { createIpcInvokeHandler } from './ipc-router';
import { desktopPassphrases } from './safe-storage-passphrases';
import { desktopSecretStore } from './safe-storage-secrets';
import { denyPermissions, lockNavigation } from './security';
import { secureWebPreferences, windowBounds } from './window-options';

const rendererIndex = join(__dirname, '..', '..', 'renderer', 'index.html');
const appIndexUrl = pathToFileURL(rendererIndex).toString();

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
  const unsubscribe = core.subscribe((e) => {
    if (!win.isDestroyed()) win.webContents.send(IPC_EVENT_CHANNEL, e);
  });
  win.on('closed', unsubscribe);
  await win.loadURL(appIndexUrl);
  return win;
}

async function boot(): Promise<void> {
  await app.whenReady();
  denyPermissions(session.defaultSession);
  Menu.setApplicationMenu(null);
  const dataDir = app.getPath('userData');
  const core = new FleetCore({
    dataDir,
    inventoryPath: inventoryArg(process.argv),
    inventoryEnv: inventoryEnvFromProcess(),
    passphrases: desktopPassphrases(safeStorage, dataDir, async () => process.env.FLEETOPS_SSH_PASSPHRASE),
    // Replica secrets set in the console are kept by the keychain; FLEETOPS_SECRET_<REF> still works.
    secrets: desktopSecretStore(safeStorage, dataDir, secretFromEnv()),
  });
  await core.start();
  const dispatch = createDispatch(core.handlers, { onInternalError: (m, e) => console.error(`internal error in ${m}`, e) });
  ipcMain.handle(IPC_INVOKE_CHANNEL, createIpcInvokeHandler(dispatch, appIndexUrl));
  await createWindow(core);
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void createWindow(core);
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => void core.stop());
}

// No webviews, ever (Electron security checklist item 12).
app.on('web-contents-created', (_e, contents) => {
  contents.on('will-attach-webview', (event) => event.preventDefault());
});

boot().catch((err) => {
  console.error('fleetops failed to start:', err);
  app.exit(1);
});
