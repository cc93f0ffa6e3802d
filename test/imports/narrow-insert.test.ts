// The import's narrow INSERT (repo.ts narrowInsertFor) leaves out the columns its first row has null;
// a later row with a value in such a column must still be stored whole. The file also checks the
// pre-flight on a file without and with unmatchable rows.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestContext } from '../helpers/context';
import { importFile } from './helpers';

let ctx: ReturnType<typeof createTestContext>;
beforeEach(() => {
  ctx = createTestContext();
});
afterEach(() => ctx.cleanup());

function writeCsv(name: string, text: string): string {
  const path = join(ctx.dataDir, name);
  writeFileSync(path, `${text}\n`);
  return path;
}

describe('narrow INSERT and pre-flight', () => {
  it('rows that all carry an email: all counts 0, no warnings; rows without identifiers: counted and listed', async () => {
    const all = writeCsv('all.csv', ['email,conversion time,conversion name', 'a@example.com,2026-11-20 10:00:00,Lead', 'b@example.com,2026-11-20 11:00:00,Lead'].join('\n'));
    const allReport = await importFile(ctx, all, { timezone: 'UTC' });
    expect(allReport).toMatchObject({ status: 'completed', imported: 2, preflight: { unmatchable: 0, googleCannot: 0, metaCannot: 0, prehashed: null } });
    expect(allReport.errors.filter((e) => e.severity === 'warning')).toEqual([]);

    const some = writeCsv('some.csv', ['email,conversion time,conversion name,fbp', 'c@example.com,2026-11-20 10:00:00,Lead,', ',2026-11-20 11:00:00,Lead,', ',2026-11-20 12:00:00,Lead,fb.1.1.9'].join('\n'));
    const someReport = await importFile(ctx, some, { timezone: 'UTC' });
    expect(someReport).toMatchObject({ status: 'completed', imported: 3, preflight: { unmatchable: 1, googleCannot: 2, metaCannot: 1 } });
    expect(someReport.errors.filter((e) => e.severity === 'warning').map((e) => e.row)).toEqual([3, 4]);
    // The first row has no fbp: the import's narrow INSERT leaves that column out, and the row that has one is stored whole.
    expect(ctx.db.prepare('SELECT source_line, fbp FROM conversion_events WHERE import_id = ? ORDER BY source_line').all(someReport.id)).toEqual([
      { source_line: 2, fbp: null },
      { source_line: 3, fbp: null },
      { source_line: 4, fbp: 'fb.1.1.9' },
    ]);
  });
});
