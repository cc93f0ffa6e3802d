import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EXPORT_FORMATS, type ExportFormat, type ExportPreview, type SyncBatch } from '../../../shared/domain/exports';
import { AppError } from '../../../shared/ipc/result';
import { exportServiceForContext } from '../../exports/handlers';
import type { CliCommand } from '../command';
import { printJson, UsageError } from '../io';
import { FILTER_KEYS, filterFromOptions } from './events';

export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'Write an upload file',
  usage:
    'export --format google-click|google-leads|meta|csv --out FILE [--status queued] [filter options as in events list] [--preview] [--now ISO] [--json]',
  async run(ctx, args, io) {
    const { values } = parseArgs({
      args,
      options: {
        ...FILTER_KEYS,
        format: { type: 'string' },
        out: { type: 'string' },
        preview: { type: 'boolean', default: false },
        now: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    const format = values.format as ExportFormat | undefined;
    if (!format || !EXPORT_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}`);
    if (!values.preview && !values.out) throw new UsageError('--out FILE is required (or --preview to only check)');
    let now: Date | undefined;
    if (values.now !== undefined) {
      now = new Date(values.now);
      if (Number.isNaN(now.getTime())) throw new UsageError(`--now must be an ISO date-time, got "${values.now}"`);
    }
    const filter = filterFromOptions(values, '');
    const exports = exportServiceForContext(ctx);
    // The CLI lists every excluded event (the app lists the first thousand).
    const opts = { now, excludedLimit: Number.MAX_SAFE_INTEGER };
    if (values.preview) {
      const preview = await exports.preview({ format, filter }, opts);
      const excluded = preview.excluded.map((e) => ({ eventId: e.eventId, id: e.id, code: e.code, reason: e.reason }));
      if (values.json) printJson(io, { exported: preview.exported, matched: preview.matched, excluded, warnings: preview.warnings });
      else {
        io.out(`${format}: ${preview.exported} of ${preview.matched} event(s) would be exported, ${preview.excludedCount} excluded`);
        for (const w of preview.warnings) io.out(`  warning: ${w.message}`);
        for (const e of excluded) io.out(`  excluded ${e.eventId}: ${e.reason}`);
      }
      return 0;
    }
    let result;
    try {
      result = await exports.run({ format, filter }, resolve(values.out!), opts);
    } catch (error) {
      // Nothing exportable: still say why, event by event.
      const preview = error instanceof AppError ? (error.details as { preview?: ExportPreview } | undefined)?.preview : undefined;
      if (!preview) throw error;
      const excluded = preview.excluded.map((e) => ({ eventId: e.eventId, id: e.id, code: e.code, reason: e.reason }));
      if (values.json) printJson(io, { batchId: null, exported: 0, excluded, error: error instanceof Error ? error.message : String(error) });
      else {
        io.err(`convdesk: ${(error as Error).message}`);
        for (const e of excluded) io.err(`  ${e.eventId}: ${e.reason}`);
      }
      return 1;
    }
    const excluded = result.excluded.map((e) => ({ eventId: e.eventId, id: e.id, code: e.code, reason: e.reason }));
    if (values.json) {
      printJson(io, { batchId: result.batchId, exported: result.exported, excluded, linked: result.linked, file: result.path, sha256: result.fileSha256, bytes: result.bytes, warnings: result.warnings });
    } else {
      io.out(`Wrote ${result.exported} event(s) to ${result.path} (${result.bytes} bytes, sha256 ${result.fileSha256})`);
      io.out(`Batch ${result.batchId}: ${result.linked} queued event(s) linked; mark it with \`convdesk batches mark-uploaded ${result.batchId}\``);
      for (const w of result.warnings) io.out(`Warning: ${w.message}`);
      if (excluded.length) io.out(`Excluded ${excluded.length}:`);
      for (const e of excluded) io.out(`  ${e.eventId}: ${e.reason}`);
    }
    return 0;
  },
};

function batchLine(batch: SyncBatch): string {
  const s = batch.byStatus;
  return `${batch.id}  ${batch.destination.padEnd(12)}  ${batch.status.padEnd(8)}  ${String(batch.eventCount).padStart(8)} events  (queued ${s.queued}, sent ${s.sent}, failed ${s.failed})  ${batch.createdAt}  ${batch.filePath ?? ''}${batch.error ? `  error: ${batch.error}` : ''}`;
}

export const batchesCommand: CliCommand = {
  name: 'batches',
  summary: 'List and close sync batches',
  usage: 'batches list [--limit N] | mark-uploaded ID | mark-failed ID --reason TEXT [--events ID,ID…]  [--json]',
  async run(ctx, args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: {
        id: { type: 'string' },
        reason: { type: 'string' },
        events: { type: 'string' },
        limit: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: true,
    });
    const [action, positionalId] = positionals;
    const exports = exportServiceForContext(ctx);
    const batchId = positionalId ?? values.id;
    if (action === 'list') {
      const limit = values.limit === undefined ? 100 : Number(values.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError('--limit must be a whole number from 1 to 1000');
      const batches = exports.listBatches(limit);
      if (values.json) printJson(io, batches);
      else if (!batches.length) io.out('No sync batches yet.');
      else for (const batch of batches) io.out(batchLine(batch));
      return 0;
    }
    if (action !== 'mark-uploaded' && action !== 'mark-failed') throw new UsageError('batches takes list, mark-uploaded ID or mark-failed ID --reason TEXT');
    if (!batchId) throw new UsageError(`batches ${action} needs the batch id`);
    let answer;
    if (action === 'mark-uploaded') answer = await exports.markUploaded(batchId);
    else {
      if (!values.reason?.trim()) throw new UsageError('batches mark-failed needs --reason TEXT (what the platform said)');
      const ids = values.events?.split(',').map((s) => s.trim()).filter(Boolean);
      answer = await exports.markFailed(batchId, values.reason, ids?.length ? ids : undefined);
    }
    if (values.json) printJson(io, answer);
    else {
      io.out(`Batch ${answer.batch.id} is ${answer.batch.status}: ${answer.outcome.changed} event(s) changed`);
      for (const r of answer.outcome.refused) io.out(`  ${r.count} left unchanged: ${r.reason}`);
    }
    return 0;
  },
};
