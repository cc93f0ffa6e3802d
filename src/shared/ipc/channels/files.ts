import { z } from 'zod';
import { channel } from '../define';
import type { FileRef } from '../../domain/imports';

export const filesChannels = {
  /**
   * Registers a file for import. The page passes `{ file: File }`. Electron: the preload resolves a
   * dropped File's path (webUtils.getPathForFile) and refuses anything else, so a path never comes
   * from the page itself (src/preload/ipc-transport.ts). Browser e2e harness: the bytes were uploaded to the harness's
   * uploads folder under `uploadId`. Returns an opaque FileRef; the renderer never holds a path.
   */
  'files:register': channel(
    z.union([
      z.object({ path: z.string().min(1).max(4096) }).strict(),
      z.object({ uploadId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), name: z.string().max(255).optional() }).strict(),
    ]),
  ).returns<FileRef>(),
  /** Shows the open-file dialog in main; null when the user cancelled. */
  'files:openDialog': channel(z.object({}).strict()).returns<FileRef | null>(),
} as const;
