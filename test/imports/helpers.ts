import { join } from 'node:path';
import type { AppContext } from '../../src/main/app/context';
import { importServiceForContext } from '../../src/main/imports/handlers';
import type { ImportOptionsInput, ImportReport } from '../../src/shared/domain/imports';

export const FIXTURES = join(__dirname, '..', 'fixtures', 'imports');
export const fixture = (name: string) => join(FIXTURES, name);

/** Preview (auto mapping or preset) then import through the real worker; returns the report. */
export async function importFile(ctx: AppContext, path: string, options: ImportOptionsInput = {}): Promise<ImportReport> {
  const imports = importServiceForContext(ctx);
  const file = imports.files.register(path);
  const preview = imports.preview(file);
  const { importId } = imports.start(file, preview.suggestedMapping, options);
  return imports.wait(importId);
}

export function count(ctx: AppContext, where = '1 = 1', ...params: unknown[]): number {
  return (ctx.db.prepare(`SELECT count(*) AS n FROM conversion_events WHERE ${where}`).get(...params) as { n: number }).n;
}
