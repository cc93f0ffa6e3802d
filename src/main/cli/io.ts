import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { AppError } from '../../shared/ipc/result';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};

/** A usage or input problem: printed to stderr, exit code 2. */
export class UsageError extends Error {}

export function printJson(io: CliIo, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}

export function describeError(error: unknown): { message: string; code: number } {
  if (error instanceof UsageError) return { message: `convdesk: ${error.message}`, code: 2 };
  // The AppError code (validation, not_found…) is for programs; people read the message alone.
  if (error instanceof AppError) return { message: `convdesk: ${error.message}`, code: error.code === 'validation' ? 2 : 1 };
  // node:util parseArgs: an unknown option or a missing value is a usage error.
  const usage = String((error as { code?: unknown })?.code ?? '').startsWith('ERR_PARSE_ARGS');
  return { message: `convdesk: ${(error as Error)?.message ?? String(error)}`, code: usage ? 2 : 1 };
}

/** A file the command reads: its absolute path, or a usage error naming that full path. */
export function existingFile(path: string): string {
  const absolute = resolve(path);
  if (!existsSync(absolute)) throw new UsageError(`${absolute} does not exist`);
  if (!statSync(absolute).isFile()) throw new UsageError(`${absolute} is not a file`);
  return absolute;
}

export function csvList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value.split(',').map((part) => part.trim()).filter(Boolean);
}

export function intOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number, got "${value}"`);
  return Number(value);
}
