import { parseArgs } from 'node:util';
import type { ImportReport, ImportSummary } from '../../../shared/domain/imports';
import { importServiceForContext } from '../../imports/handlers';
import type { CliCommand } from '../command';
import { intOption, printJson, UsageError, type CliIo } from '../io';

const SUBCOMMANDS = {
  list: 'imports list [--limit N] [--json]',
  show: 'imports show ID [--json]',
  undo: 'imports undo ID [--json]',
};

function summaryLine(i: ImportSummary): string {
  return [i.id, i.startedAt, i.status.padEnd(9), i.fileName, `read ${i.rowsRead}, imported ${i.imported}, updated ${i.updated}, duplicates ${i.duplicates}, refused ${i.invalid}`].join('  ');
}

function printReport(io: CliIo, report: ImportReport): void {
  io.out(summaryLine(report));
  if (report.error) io.out(`  error: ${report.error}`);
  for (const e of report.errors.slice(0, 50)) {
    const severity = (e as { severity?: string }).severity ?? 'error';
    io.out(`  ${severity} line ${e.row}${e.column ? ` [${e.column}]` : ''}: ${e.reason}`);
  }
  if (report.errors.length > 50) io.out(`  … ${report.errors.length - 50} more (use --json)`);
}

function oneId(rest: string[], verb: string) {
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { json: { type: 'boolean', default: false } }, strict: true });
  if (positionals.length !== 1) throw new UsageError(`imports ${verb} takes exactly one import ID (convdesk imports list shows them)`);
  return { id: positionals[0]!, json: values.json };
}

export const importsCommand: CliCommand = {
  name: 'imports',
  summary: 'List past imports, show one report, or undo an import (deletes its events)',
  usage: 'imports list|show ID|undo ID [--json]',
  subcommands: SUBCOMMANDS,
  details: 'undo refuses an import whose events were already sent to a platform, as in the app.',
  async run(ctx, args, io) {
    const [verb, ...rest] = args;
    const imports = importServiceForContext(ctx);
    switch (verb) {
      case 'list': {
        const { values } = parseArgs({ args: rest, options: { limit: { type: 'string' }, json: { type: 'boolean', default: false } }, strict: true });
        const list = imports.list(intOption(values.limit, 'limit') ?? 100);
        if (values.json) printJson(io, { imports: list });
        else if (!list.length) io.out('no imports');
        else for (const i of list) io.out(summaryLine(i));
        return 0;
      }
      case 'show': {
        const { id, json } = oneId(rest, 'show');
        const report = imports.get(id);
        if (json) printJson(io, report);
        else printReport(io, report);
        return 0;
      }
      case 'undo': {
        const { id, json } = oneId(rest, 'undo');
        const result = await imports.undo(id);
        if (json) printJson(io, { importId: id, ...result });
        else io.out(`import ${id} undone: ${result.deleted} event(s) deleted`);
        return 0;
      }
      default:
        throw new UsageError(`imports needs a sub-command: ${Object.keys(SUBCOMMANDS).join(', ')}`);
    }
  },
};
