import type { filesChannels } from '../../shared/ipc/channels/files';
import { AppError } from '../../shared/ipc/result';
import type { AppContext } from '../app/context';
import type { Handlers } from '../ipc/bind';
import { fileRegistryFor } from './registry';

export function createFilesHandlers(ctx: AppContext): Pick<Handlers, keyof typeof filesChannels> {
  const registry = fileRegistryFor(ctx.db);
  return {
    // The host decides which way in it allows (ctx.fileSources): the desktop app takes paths from its
    // preload, the browser harness takes uploads, so a page there can never name a path on disk.
    'files:register': (input) => {
      if ('path' in input) {
        if (!ctx.fileSources.has('path')) throw new AppError('forbidden', 'Files cannot be registered by path here; drop or upload the file');
        return registry.register(input.path);
      }
      if (!ctx.fileSources.has('upload')) throw new AppError('forbidden', 'Uploads are not accepted here; drop or open the file');
      return registry.registerUpload(ctx.dataDir, input.uploadId, input.name);
    },
    'files:openDialog': async () => {
      if (!ctx.dialogs) throw new AppError('unsupported', 'No file dialog is available here');
      const path = await ctx.dialogs.openFile({
        title: 'Open CSV',
        filters: [
          { name: 'CSV and text files', extensions: ['csv', 'tsv', 'txt'] },
          { name: 'All files', extensions: ['*'] },
        ],
      });
      return path === null ? null : registry.register(path);
    },
  };
}
