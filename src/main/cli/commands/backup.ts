import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createBackup, restoreBackup } from '../../backup/service';
import type { CliCommand } from '../command';
import { printJson, UsageError } from '../io';

function fileArgument(args: string[], name: string): { file: string; json: boolean } {
  const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean', default: false } }, strict: true, allowPositionals: true });
  if (positionals.length !== 1) throw new UsageError(`${name} needs exactly one FILE`);
  return { file: resolve(positionals[0]!), json: values.json ?? false };
}

export const backupCommand: CliCommand = {
  name: 'backup',
  summary: 'Write a consistent copy of the database (safe while the app runs)',
  usage: 'backup FILE [--json]',
  async run(ctx, args, io) {
    const { file, json } = fileArgument(args, 'backup');
    const result = await createBackup({ db: ctx.db, dbPath: ctx.dbPath, nativeBinding: ctx.nativeBinding }, file);
    if (json) printJson(io, result);
    else io.out(`Backed up to ${result.path} (${result.bytes} bytes, schema ${result.schemaVersion}) in ${result.durationMs} ms`);
    return 0;
  },
};

export const restoreCommand: CliCommand = {
  name: 'restore',
  summary: 'Replace the database with a backup (checked first; the current one is kept until it succeeds)',
  usage: 'restore FILE [--json]',
  async run(ctx, args, io) {
    const { file, json } = fileArgument(args, 'restore');
    const result = await restoreBackup({ db: ctx.db, dbPath: ctx.dbPath, nativeBinding: ctx.nativeBinding }, file);
    if (json) printJson(io, result);
    else io.out(`Restored from ${result.restoredFrom} (backup schema ${result.schemaVersion}) in ${result.durationMs} ms`);
    return 0;
  },
};
