import { parseArgs } from 'node:util';
import { dirname, resolve } from 'node:path';
import { closeAppContext, openAppContext } from '../app/context';
import type { CliCommand } from './command';
import { batchesCommand, exportCommand } from './commands/export';
import { eventsCommand, statsCommand } from './commands/events';
import { importCommand } from './commands/import';
import { describeError, processIo, UsageError, type CliIo } from './io';

const COMMANDS: CliCommand[] = [eventsCommand, statsCommand, importCommand, exportCommand, batchesCommand];

function usage(): string {
  return [
    'Usage: convdesk --db PATH <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((command) => `  ${command.usage}`),
    '',
    'Global options: --db PATH (or CONVDESK_DB), --json on most commands for machine-readable output.',
  ].join('\n');
}

/** Entry point of the `convdesk` CLI. Returns the process exit code; never throws. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  let dbPath: string | undefined = process.env.CONVDESK_DB;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--db') dbPath = argv[++i];
    else if (arg.startsWith('--db=')) dbPath = arg.slice(5);
    else rest.push(arg);
  }
  const [name, ...args] = rest;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    io.out(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    io.err(`convdesk: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  if (!dbPath) {
    io.err('convdesk: --db PATH is required (the SQLite file; it is created if missing)');
    return 2;
  }
  let ctx;
  try {
    const absolute = resolve(dbPath);
    ctx = openAppContext({ dbPath: absolute, dataDir: dirname(absolute), transport: 'cli' });
    return await command.run(ctx, args, io);
  } catch (error) {
    const { message, code } = describeError(error);
    io.err(message);
    return code;
  } finally {
    if (ctx) void closeAppContext(ctx);
  }
}

export { parseArgs, UsageError };
