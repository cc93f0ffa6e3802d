import type { importsChannels } from '../../shared/ipc/channels/imports';
import { AppError } from '../../shared/ipc/result';
import type { AppContext } from '../app/context';
import type { Handlers } from '../ipc/bind';
import { safeFileName } from '../files/names';
import { writeErrorRows } from './errors-file';
import { importServiceFor, type ImportService } from './service';

export function importServiceForContext(ctx: AppContext): ImportService {
  return importServiceFor({
    db: ctx.db,
    dbPath: ctx.dbPath,
    nativeBinding: ctx.nativeBinding,
    emitProgress: (progress) => ctx.push.emit('import:progress', progress),
    emitChanged: (reason) => ctx.push.emit('events:changed', { reason }),
  });
}

/**
 * The error-rows file is the one place raw personal data is written to disk (README, "Raw personal
 * data"): the dialog says so before the user picks where it goes.
 */
export const ERROR_ROWS_DIALOG_TITLE = 'Save invalid rows (unhashed personal data)';
export const ERROR_ROWS_DIALOG_MESSAGE =
  'This file holds the invalid rows exactly as they are in your CSV, personal data included, unhashed. ' +
  'It is the only file Conversion Desk writes with raw personal data; keep it somewhere safe and delete it once the rows are fixed.';

export function createImportsHandlers(ctx: AppContext): Pick<Handlers, keyof typeof importsChannels> {
  const imports = importServiceForContext(ctx);
  return {
    'imports:preview': ({ file, encoding, delimiter }) => imports.preview(file, { encoding, delimiter }),
    'imports:quality': ({ file, mapping, ...options }) => imports.quality(file, mapping, options),
    'imports:start': ({ file, mapping, options }) => imports.start(file, mapping, options ?? {}),
    'imports:cancel': ({ importId }) => imports.cancel(importId),
    'imports:get': ({ importId }) => imports.get(importId),
    'imports:list': ({ limit }) => imports.list(limit),
    'imports:eventTime': ({ eventId }) => imports.sourceTime(eventId),
    'imports:undo': ({ importId }) => imports.undo(importId),
    'imports:saveErrors': async ({ importId }) => {
      if (!ctx.dialogs) throw new AppError('unsupported', 'No save dialog is available here');
      const report = imports.get(importId);
      const path = await ctx.dialogs.saveFile({
        title: ERROR_ROWS_DIALOG_TITLE,
        message: ERROR_ROWS_DIALOG_MESSAGE,
        defaultName: `${safeFileName(report.fileName).replace(/\.[^.]+$/, '')}-invalid-rows.csv`,
        filters: [{ name: 'CSV', extensions: ['csv'] }],
      });
      if (path === null) return null;
      return { path, ...writeErrorRows(ctx.db, importId, path) };
    },
    'presets:list': () => imports.listPresets(),
    'presets:save': (input) => imports.savePreset(input),
    'presets:delete': ({ id }) => imports.deletePreset(id),
  };
}
