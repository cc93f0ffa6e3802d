import type { filesChannels } from '../../shared/ipc/channels/files';
import { AppError } from '../../shared/ipc/result';
import type { AppContext } from '../app/context';
import type { Handlers } from '../ipc/bind';
import { fileRegistryFor } from './registry';

export function createFilesHandlers(ctx: AppContext): Pick<Handlers, keyof typeof filesChannels> {
  const registry = fileRegistryFor(ctx.db);
  return {
    // Each transport accepts only its own way in: Electron's preload resolves a dropped file to a path,
    // the loopback harness uploads bytes. A page on the loopback transport can never name a path.
    'files:register': (input) => {
      if ('path' in input) {
        if (ctx.transport === 'loopback') throw new AppError('forbidden', 'Paths are not accepted over the loopback transport; upload the file');
        return registry.register(input.path);
      }
      if (ctx.transport === 'electron') throw new AppError('forbidden', 'Uploads are not accepted in the desktop app; drop or open the file');
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
