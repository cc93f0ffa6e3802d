import { readFileSync } from 'node:fs';
import type { ExportFormat } from '../../shared/domain/exports';
import type { exportsChannels } from '../../shared/ipc/channels/exports';
import { AppError } from '../../shared/ipc/result';
import type { AppContext } from '../app/context';
import type { Handlers } from '../ipc/bind';
import { exportServiceFor, type ExportService } from './service';
import { skipExcluded } from './skip-excluded';
import { fileRegistryFor } from '../files/registry';

export function exportServiceForContext(ctx: AppContext): ExportService {
  return exportServiceFor({
    db: ctx.db,
    dbPath: ctx.dbPath,
    nativeBinding: ctx.nativeBinding,
    emitProgress: (progress) => ctx.push.emit('job:progress', progress),
    emitChanged: (reason) => ctx.push.emit('events:changed', { reason }),
  });
}

/** A results file lists at most the batch's rows with a message each: 100 MB is far above any real one. */
const RESULTS_MAX_BYTES = 100 * 1024 * 1024;

const DEFAULT_NAMES: Record<ExportFormat, string> = {
  'google-click': 'google-ads-click-conversions',
  'google-leads': 'google-ads-enhanced-conversions-leads',
  meta: 'meta-offline-events',
  csv: 'conversions',
};

export function createExportsHandlers(ctx: AppContext): Pick<Handlers, keyof typeof exportsChannels> {
  const exports = exportServiceForContext(ctx);
  return {
    'exports:preview': ({ jobId, ...request }) => exports.preview(request, { jobId }),
    'exports:run': async ({ format, filter, jobId }) => {
      if (!ctx.dialogs) throw new AppError('unsupported', 'No save dialog is available here');
      const path = await ctx.dialogs.saveFile({
        title: 'Save upload file',
        defaultName: `${DEFAULT_NAMES[format]}-${defaultStamp(new Date())}.csv`,
        filters: [{ name: 'CSV', extensions: ['csv'] }],
      });
      if (path === null) return null;
      return exports.run({ format, filter }, path, { jobId });
    },
    'exports:cancel': ({ jobId }) => exports.cancel(jobId),
    'exports:skipExcluded': (request) => {
      const outcome = skipExcluded(ctx.db, request);
      ctx.push.emit('events:changed', { reason: 'transition' });
      return outcome;
    },
    'batches:list': ({ limit }) => exports.listBatches(limit),
    'batches:markUploaded': ({ batchId }) => exports.markUploaded(batchId),
    'batches:applyResults': ({ batchId, file }) => {
      const { path, size } = fileRegistryFor(ctx.db).resolve(file);
      if (size > RESULTS_MAX_BYTES) throw new AppError('validation', `The results file is ${Math.round(size / 1048576)} MB; at most ${RESULTS_MAX_BYTES / 1048576} MB is read`);
      return exports.applyResults(batchId, readFileSync(path, 'utf8'));
    },
    'batches:markFailed': ({ batchId, reason, eventIds }) => exports.markFailed(batchId, reason, eventIds),
  };
}

/** Local date and time to the minute (2026-11-25-1842), so a second export the same day gets its own name. */
function defaultStamp(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}-${pad(date.getHours())}${pad(date.getMinutes())}`;
}
