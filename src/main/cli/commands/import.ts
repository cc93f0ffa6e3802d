import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import type { ImportOptionsInput } from '../../../shared/domain/imports';
import { importServiceForContext } from '../../imports/handlers';
import type { CliCommand } from '../command';
import { printJson, UsageError } from '../io';

export const importCommand: CliCommand = {
  name: 'import',
  summary: 'Import a CSV file through the same worker pipeline as the app',
  usage:
    'import FILE [--mapping auto|PRESET|JSON] [--on-duplicate skip|update|error] [--default-country US] [--currency USD] [--timezone Area/City] [--event-name purchase] [--json]',
  async run(ctx, args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        mapping: { type: 'string', default: 'auto' },
        'on-duplicate': { type: 'string', default: 'skip' },
        'default-country': { type: 'string' },
        currency: { type: 'string' },
        timezone: { type: 'string' },
        'event-name': { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
    if (positionals.length !== 1) throw new UsageError('import takes exactly one FILE');
    const onDuplicate = values['on-duplicate'];
    if (onDuplicate !== 'skip' && onDuplicate !== 'update' && onDuplicate !== 'error') throw new UsageError('--on-duplicate must be skip, update or error');
    const imports = importServiceForContext(ctx);
    const file = imports.files.register(resolve(positionals[0]!));
    const { mapping } = imports.resolveMapping(file, values.mapping!);
    const options: ImportOptionsInput = {
      onDuplicate,
      defaultCountry: values['default-country'],
      currency: values.currency,
      timezone: values.timezone,
      eventName: values['event-name'] as ImportOptionsInput['eventName'],
    };
    const { importId } = imports.start(file, mapping, options);
    const onSignal = () => imports.cancel(importId);
    process.once('SIGINT', onSignal);
    let report;
    try {
      report = await imports.wait(importId);
    } finally {
      process.off('SIGINT', onSignal);
    }
    const output = {
      importId,
      status: report.status,
      rowsRead: report.rowsRead,
      imported: report.imported,
      updated: report.updated,
      duplicates: report.duplicates,
      invalid: report.invalid,
      errors: report.errors.map((e) => ({ row: e.row, column: e.column, reason: e.reason })),
      ...(report.error ? { error: report.error } : {}),
    };
    if (values.json) printJson(io, output);
    else {
      io.out(`${report.fileName}: ${report.status} — read ${report.rowsRead}, imported ${report.imported}, updated ${report.updated}, duplicates ${report.duplicates}, invalid ${report.invalid}`);
      for (const e of report.errors.slice(0, 50)) io.out(`  line ${e.row}${e.column ? ` [${e.column}]` : ''}: ${e.reason}`);
      if (report.errors.length > 50) io.out(`  … ${report.invalid - 50} more (use --json)`);
    }
    if (report.status === 'completed') return 0;
    if (!values.json) io.err(`convdesk: ${report.error ?? report.status}`);
    else if (report.status === 'failed') io.err(`convdesk: ${report.error ?? 'failed'}`);
    return report.status === 'cancelled' ? 130 : 1;
  },
};

