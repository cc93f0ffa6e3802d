import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import type { ImportOptionsInput, ImportReport, ImportRowError } from '../../../shared/domain/imports';
import { importServiceForContext } from '../../imports/handlers';
import { getSettings } from '../../settings/service';
import type { CliCommand } from '../command';
import { printJson, UsageError, type CliIo } from '../io';

const LISTED = 50;

function problemJson(e: ImportRowError) {
  return {
    row: e.row,
    severity: e.severity ?? 'error',
    column: e.column,
    value: e.value,
    reason: e.reason,
    ...(e.relatedEventId ? { relatedEventId: e.relatedEventId } : {}),
  };
}

function printProblems(io: CliIo, title: string, problems: ImportRowError[], total: number): void {
  if (problems.length === 0) return;
  io.out(`${title}:`);
  for (const e of problems.slice(0, LISTED)) {
    io.out(`  line ${e.row}${e.column ? ` [${e.column}]` : ''}${e.value ? ` "${e.value}"` : ''}: ${e.reason}`);
  }
  if (total > LISTED) io.out(`  … ${total - LISTED} more (use --json)`);
}

function printReport(io: CliIo, report: ImportReport): void {
  io.out(
    `${report.fileName}: ${report.status} — read ${report.rowsRead}, imported ${report.imported}, updated ${report.updated}, duplicates ${report.duplicates}, ` +
      `refused ${report.invalid}, with warnings ${report.warned}, merged ${report.merged}`,
  );
  if (report.merged > 0) {
    io.out(`  ${report.rowsRead - report.invalid} rows → ${report.imported + report.updated + report.duplicates} events (${report.merged} rows with the event id of an earlier row, e.g. line items of one order, merged)`);
  }
  const p = report.preflight;
  if (p) {
    if (p.unmatchable > 0) io.out(`  pre-flight: ${p.unmatchable} events have nothing any platform can match on`);
    if (p.googleCannot - p.unmatchable > 0) io.out(`  pre-flight: ${p.googleCannot - p.unmatchable} events cannot go to Google (no click id, email, phone or name with address)`);
    if (p.metaCannot - p.unmatchable > 0) io.out(`  pre-flight: ${p.metaCannot - p.unmatchable} events cannot go to Meta (no email, phone, external id, fbc/fbp or name with address)`);
    if (p.prehashed) {
      const other = p.prehashed.platform === 'meta' ? 'Google' : 'Meta';
      io.out(`  pre-hashed: ${p.prehashed.cells} identifiers were already hashed; stored for ${p.prehashed.platform === 'meta' ? 'Meta' : 'Google'} only (${other}'s hash stays empty: it normalizes differently)`);
    }
  }
  const by = (severity: string) => report.errors.filter((e) => (e.severity ?? 'error') === severity);
  printProblems(io, 'Errors (rows refused)', by('error'), by('error').length);
  printProblems(io, 'Warnings (rows kept)', by('warning'), by('warning').length);
  printProblems(io, 'Duplicates', by('duplicate'), by('duplicate').length);
}

export const importCommand: CliCommand = {
  name: 'import',
  summary: 'Import a CSV file through the same worker pipeline as the app',
  usage:
    'import FILE [--mapping auto|PRESET|JSON] [--on-duplicate skip|update|error] [--default-country US] [--currency USD] [--timezone Area/City] ' +
    '[--event-name NAME] [--strict] [--prehashed-for google|meta] [--json]',
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
        strict: { type: 'boolean', default: false },
        'prehashed-for': { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
    if (positionals.length !== 1) throw new UsageError('import takes exactly one FILE');
    const onDuplicate = values['on-duplicate'];
    if (onDuplicate !== 'skip' && onDuplicate !== 'update' && onDuplicate !== 'error') throw new UsageError('--on-duplicate must be skip, update or error');
    const prehashedFor = values['prehashed-for'];
    if (prehashedFor !== undefined && prehashedFor !== 'google' && prehashedFor !== 'meta') throw new UsageError('--prehashed-for must be google or meta');
    const imports = importServiceForContext(ctx);
    const file = imports.files.register(resolve(positionals[0]!));
    const { mapping } = imports.resolveMapping(file, values.mapping!);
    const options: ImportOptionsInput = {
      onDuplicate,
      // Settings → Default country, as in the app, unless the command says otherwise.
      defaultCountry: values['default-country'] ?? getSettings(ctx.db).defaultCountry,
      currency: values.currency,
      timezone: values.timezone,
      eventName: values['event-name'],
      strict: values.strict,
      prehashedFor,
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
      warned: report.warned,
      merged: report.merged,
      preflight: report.preflight,
      errors: report.errors.filter((e) => (e.severity ?? 'error') === 'error').map(problemJson),
      warnings: report.errors.filter((e) => e.severity === 'warning').map(problemJson),
      duplicateRows: report.errors.filter((e) => e.severity === 'duplicate').map(problemJson),
      ...(report.error ? { error: report.error } : {}),
    };
    if (values.json) printJson(io, output);
    else printReport(io, report);
    if (report.status === 'completed') return 0;
    if (!values.json) io.err(`convdesk: ${report.error ?? report.status}`);
    else if (report.status === 'failed') io.err(`convdesk: ${report.error ?? 'failed'}`);
    return report.status === 'cancelled' ? 130 : 1;
  },
};
