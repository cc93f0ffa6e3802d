import { parseArgs } from 'node:util';
import { dirname, resolve } from 'node:path';
import { closeAppContext, openAppContext } from '../app/context';
import { APP_VERSION } from '../app/version';
import type { CliCommand } from './command';
import { backupCommand, restoreCommand } from './commands/backup';
import { batchesCommand, exportCommand } from './commands/export';
import { forgetCommand } from './commands/forget';
import { eventsCommand, statsCommand } from './commands/events';
import { importCommand } from './commands/import';
import { importsCommand } from './commands/imports';
import { settingsCommand } from './commands/settings';
import { connectionsCommand } from './commands/connections';
import { googleCommand } from './commands/google';
import { sendCommand } from './commands/send';
import { describeError, processIo, UsageError, type CliIo } from './io';

const COMMANDS: CliCommand[] = [eventsCommand, statsCommand, importCommand, importsCommand, exportCommand, batchesCommand, settingsCommand, backupCommand, restoreCommand, forgetCommand, connectionsCommand, googleCommand, sendCommand];

const GLOBAL_OPTIONS = 'Global options: --db PATH (or CONVDESK_DB), --json on most commands for machine-readable output, --help, --version.';

function usage(): string {
  return [
    'Usage: convdesk --db PATH <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((command) => `  ${command.usage}`),
    '',
    GLOBAL_OPTIONS,
    'Help on one command: convdesk <command> --help (or convdesk <command> <sub-command> --help).',
  ].join('\n');
}

/** `convdesk events --help`, `convdesk events list --help`, `convdesk help settings set`. */
function commandHelp(command: CliCommand, sub: string | undefined): string {
  const subUsage = sub ? command.subcommands?.[sub] : undefined;
  const lines = [`Usage: convdesk --db PATH ${subUsage ?? command.usage}`, '', command.summary];
  if (!subUsage && command.subcommands) {
    lines.push('', 'Sub-commands:', ...Object.values(command.subcommands).map((text) => `  ${text}`));
  }
  if (command.details) lines.push('', command.details);
  lines.push('', GLOBAL_OPTIONS);
  return lines.join('\n');
}

const isHelp = (arg: string) => arg === '--help' || arg === '-h';

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
  if (rest[0] === '--version' || rest[0] === '-V' || rest[0] === 'version') {
    io.out(`convdesk ${APP_VERSION}`);
    return 0;
  }
  const [name, ...args] = rest;
  if (!name || isHelp(name)) {
    io.out(usage());
    return name ? 0 : 2;
  }
  if (name === 'help') {
    const about = COMMANDS.find((candidate) => candidate.name === args[0]);
    io.out(about ? commandHelp(about, args[1]) : usage());
    return 0;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    io.err(`convdesk: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  // Help never needs a database: answered before --db is checked or the file is created.
  if (args.some(isHelp)) {
    const sub = args[0] && !args[0].startsWith('-') && command.subcommands?.[args[0]] ? args[0] : undefined;
    io.out(commandHelp(command, sub));
    return 0;
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
