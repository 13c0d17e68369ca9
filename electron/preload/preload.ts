/**
 * The renderer's only door to the engine: `window.fleet.invoke` and `window.fleet.on`.
 * No ipcRenderer, no Node, nothing else crosses the context bridge.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

// A sandboxed preload may require only 'electron' (and a few Node built-ins), not our own
// files, so the channel names are repeated here; test/unit/main/preload-channels.test.ts
// checks they equal shared/contract.ts.
const IPC_INVOKE_CHANNEL = 'fleet:invoke';
const IPC_EVENT_CHANNEL = 'fleet:event';

contextBridge.exposeInMainWorld('fleet', {
  invoke: (method: string, params: unknown) => ipcRenderer.invoke(IPC_INVOKE_CHANNEL, { method, params }),
  on: (listener: (e: { event: string; payload: unknown }) => void) => {
    const wrapped = (_e: IpcRendererEvent, message: { event: string; payload: unknown }) => listener(message);
    ipcRenderer.on(IPC_EVENT_CHANNEL, wrapped);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, wrapped);
    };
  },
});
