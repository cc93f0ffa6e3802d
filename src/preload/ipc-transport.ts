import { ipcRenderer, webUtils } from 'electron';
import type { ClientTransport } from '../shared/ipc/transport';
import { err, type Result } from '../shared/ipc/result';

type Translated = { input: unknown } | { refused: Result<never> };

/**
 * The page may register a file only by handing over a `File` the user dropped (or picked): the
 * preload turns it into a path with webUtils.getPathForFile, which the page itself cannot do. A path,
 * upload id or anything else coming from the page is refused here, before it reaches main — otherwise
 * a compromised page could name any file on disk (files:register {path:"/etc/passwd"}). Files chosen
 * in main's own open dialog never cross as a path at all (files:openDialog answers an opaque FileRef).
 */
export function translateInput(channel: string, input: unknown): Translated {
  if (channel !== 'files:register') return { input };
  const file = typeof input === 'object' && input !== null ? (input as { file?: unknown }).file : undefined;
  if (!(file instanceof File)) {
    return { refused: err('forbidden', 'Only a file dropped on the window can be registered; use "Open CSV…" to choose one') };
  }
  // A File made in the page (new File([...])) has no path on disk: getPathForFile answers ''.
  const path = webUtils.getPathForFile(file);
  if (!path) return { refused: err('forbidden', `${file.name} is not a file on disk; drop the file from a folder or use "Open CSV…"`) };
  return { input: { path } };
}

/** Electron IPC: invoke for channels, `push:<event>` messages for push events. */
export const ipcRendererTransport: ClientTransport = {
  invoke(channel, input) {
    const translated = translateInput(channel, input);
    if ('refused' in translated) return Promise.resolve(translated.refused);
    return ipcRenderer.invoke(channel, translated.input) as Promise<Result<unknown>>;
  },
  subscribe(event, listener) {
    const wrapped = (_event: Electron.IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(`push:${event}`, wrapped);
    return () => {
      ipcRenderer.removeListener(`push:${event}`, wrapped);
    };
  },
};
