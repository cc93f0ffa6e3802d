import { ipcRenderer, webUtils } from 'electron';
import type { ClientTransport } from '../shared/ipc/transport';
import type { Result } from '../shared/ipc/result';

/**
 * The renderer hands a dropped `File` to `files:register` as `{ file }`. Only the preload can turn it
 * into a path (webUtils.getPathForFile); the renderer never sees the path, main checks it.
 */
function translateInput(channel: string, input: unknown): unknown {
  if (channel !== 'files:register' || typeof input !== 'object' || input === null) return input;
  const file = (input as { file?: unknown }).file;
  if (!(file instanceof File)) return input;
  const path = webUtils.getPathForFile(file);
  return { path };
}

/** Electron IPC: invoke for channels, `push:<event>` messages for push events. */
export const ipcRendererTransport: ClientTransport = {
  invoke(channel, input) {
    return ipcRenderer.invoke(channel, translateInput(channel, input)) as Promise<Result<unknown>>;
  },
  subscribe(event, listener) {
    const wrapped = (_event: Electron.IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(`push:${event}`, wrapped);
    return () => {
      ipcRenderer.removeListener(`push:${event}`, wrapped);
    };
  },
};
