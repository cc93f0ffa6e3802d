import type { AppContext } from '../app/context';
import type { CliIo } from './io';

/** One `convdesk` command group (events, import, export, batches, stats…). */
export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  /** Usage of each sub-command (`convdesk events list --help`), when the command has them. */
  subcommands?: Record<string, string>;
  /** More about the command, shown by --help after the usage. */
  details?: string;
  /** Returns the exit code. `args` excludes the global options and the command name. */
  run(ctx: AppContext, args: string[], io: CliIo): Promise<number> | number;
}
