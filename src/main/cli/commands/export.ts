import type { CliCommand } from '../command';
import { UsageError } from '../io';

// Filled in by the export feature.
export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'Write an upload file',
  usage: 'export --format google-click|google-leads|meta|csv --out FILE [--status queued] [--json]',
  run() {
    throw new UsageError('export is not available yet');
  },
};
export const batchesCommand: CliCommand = {
  name: 'batches',
  summary: 'List and close sync batches',
  usage: 'batches list|mark-uploaded|mark-failed [--id ID] [--reason TEXT] [--json]',
  run() {
    throw new UsageError('batches is not available yet');
  },
};
