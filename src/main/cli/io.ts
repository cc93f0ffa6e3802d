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
  if (error instanceof AppError) {
    return { message: `convdesk: ${error.code}: ${error.message}`, code: error.code === 'validation' ? 2 : 1 };
  }
  return { message: `convdesk: ${(error as Error)?.message ?? String(error)}`, code: 1 };
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
