import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { setupChannels } from '../../shared/ipc/channels/setup';
import { AppError } from '../../shared/ipc/result';
import type { AppContext } from '../app/context';
import type { Handlers } from '../ipc/bind';
import { importServiceForContext } from '../imports/handlers';
import { setupStatus, TEMPLATE_NAMES, templateText, writeSampleFile } from './service';

export function createSetupHandlers(ctx: AppContext): Pick<Handlers, keyof typeof setupChannels> {
  return {
    'setup:status': () => setupStatus(ctx.db),
    'setup:saveTemplate': async ({ kind }) => {
      if (!ctx.dialogs) throw new AppError('unsupported', 'No save dialog is available here');
      const path = await ctx.dialogs.saveFile({ title: 'Save the upload template', defaultName: TEMPLATE_NAMES[kind], filters: [{ name: 'CSV', extensions: ['csv'] }] });
      if (path === null) return null;
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, templateText(ctx.db, kind));
      return { path };
    },
    'setup:sampleFile': () => importServiceForContext(ctx).files.register(writeSampleFile(ctx.dataDir)),
  };
}
