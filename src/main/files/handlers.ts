import type { filesChannels } from '../../shared/ipc/channels/files';
import { AppError } from '../../shared/ipc/result';
import type { AppContext } from '../app/context';
import type { Handlers } from '../ipc/bind';
import { fileRegistryFor } from './registry';

export function createFilesHandlers(ctx: AppContext): Pick<Handlers, keyof typeof filesChannels> {
  const registry = fileRegistryFor(ctx.db);
  return {
    'files:register': (input) =>
      'path' in input ? registry.register(input.path) : registry.registerUpload(ctx.dataDir, input.uploadId, input.name),
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
