import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import type { PushHub } from './push';
import type { SenderInfo, ServerTransport } from './bind';

/** Describes the frame behind an ipcMain event (senderFrame is null when the frame navigated or died). */
export function senderInfo(event: IpcMainInvokeEvent): SenderInfo {
  const frame = event.senderFrame;
  return { frameUrl: frame?.url ?? null, isMainFrame: frame !== null && frame !== undefined && frame.parent === null };
}

export const electronServerTransport: ServerTransport = {
  handle(channel, listener) {
    ipcMain.removeHandler(channel);
    ipcMain.handle(channel, (event, input: unknown) => listener(senderInfo(event), input));
  },
};

/** Forwards push events to a window's renderer while it lives. */
export function forwardPushTo(hub: PushHub, contents: WebContents): () => void {
  const remove = hub.add((event, payload) => {
    if (!contents.isDestroyed()) contents.send(`push:${event}`, payload);
  });
  contents.once('destroyed', remove);
  return remove;
}
