import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { secureWebPreferences, windowBounds } from '../../../electron/main/window-options';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../../shared/contract';

describe('window options', () => {
  it('isolates and sandboxes the renderer', () => {
    const p = secureWebPreferences('/x/preload.js');
    expect(p).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      preload: '/x/preload.js',
    });
  });

  it('keeps window bounds on screen', () => {
    expect(windowBounds({ width: 5000, height: 100 }, { width: 1920, height: 1080 })).toEqual({ width: 1920, height: 600 });
    expect(windowBounds(null, { width: 1280, height: 800 })).toEqual({ width: 1280, height: 800 });
  });
});

describe('preload', () => {
  // The sandboxed preload cannot import shared/, so it repeats the channel names.
  const src = readFileSync('electron/preload/preload.ts', 'utf8');
  it('uses the contract channel names', () => {
    expect(src).toContain(`'${IPC_INVOKE_CHANNEL}'`);
    expect(src).toContain(`'${IPC_EVENT_CHANNEL}'`);
  });
  it('exposes invoke and on only, never ipcRenderer itself', () => {
    const exposed = src.slice(src.indexOf('exposeInMainWorld'));
    expect(exposed).toMatch(/invoke:/);
    expect(exposed).toMatch(/on:/);
    expect(exposed).not.toMatch(/send:|sendSync|ipcRenderer,|ipcRenderer\s*}/);
    expect(src.match(/^import .* from '([^']+)'/gm)).toEqual(["import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'"]);
  });
});
