import type { AppContext } from '../app/context';
import type { CliIo } from './io';

/** One `convdesk` command group (events, import, export, batches, stats…). */
export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  /** Returns the exit code. `args` excludes the global options and the command name. */
  run(ctx: AppContext, args: string[], io: CliIo): Promise<number> | number;
}
