/**
 * The renderer's sandbox, as plain data so a test can pin every flag (Electron's security
 * checklist: https://www.electronjs.org/docs/latest/tutorial/security).
 */
export interface SecureWebPreferences {
  preload: string;
  contextIsolation: true;
  sandbox: true;
  nodeIntegration: false;
  nodeIntegrationInWorker: false;
  nodeIntegrationInSubFrames: false;
  webSecurity: true;
  allowRunningInsecureContent: false;
  experimentalFeatures: false;
  webviewTag: false;
  navigateOnDragDrop: false;
  spellcheck: false;
}

export function secureWebPreferences(preloadPath: string): SecureWebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

/** Keeps a saved size/position only when it is sane (Headlamp's windowSize.ts idea). */
export function windowBounds(saved: { width?: number; height?: number } | null, screen: { width: number; height: number }): { width: number; height: number } {
  const width = Math.min(Math.max(saved?.width ?? 1440, 900), screen.width);
  const height = Math.min(Math.max(saved?.height ?? 900, 600), screen.height);
  return { width, height };
}
