// The pre-flight's SQL scan is skipped when every inserted row could be matched by both platforms
// (bothPlatformsCanMatch, checked per row as it is inserted). These tests hold the JS rule to the
// SQL rule (repo.ts matchKeys) on a real database, and check that an import whose rows all carry an
// email gets the same pre-flight as before while one with unmatchable rows still gets its warnings.
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COL, IMPORT_COLUMNS, type ImportColumn } from '../../src/main/imports/columns';
import { bothPlatformsCanMatch } from '../../src/main/imports/preflight';
import { createImportRow, preflightCounts } from '../../src/main/imports/repo';
import { createTestContext } from '../helpers/context';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

const KEYS = [
  'gclid', 'gbraid', 'wbraid', 'user_email_hash', 'user_phone_hash', 'user_first_name_hash', 'user_last_name_hash', 'google_region_code', 'google_postal_code',
  'meta_email_hash', 'meta_phone_hash', 'meta_external_id_hash', 'fbc', 'fbp', 'meta_first_name_hash', 'meta_last_name_hash', 'meta_zip_hash', 'meta_city_hash',
  'meta_dob_hash', 'user_ip', 'user_agent',
] as const satisfies readonly ImportColumn[];

const HASH = 'a'.repeat(64);
const sample: Partial<Record<ImportColumn, unknown>> = { google_region_code: 'US', google_postal_code: '94043', user_ip: '203.0.113.7', user_agent: 'Mozilla/5.0', gclid: 'g', gbraid: 'b', wbraid: 'w', fbc: 'fb.1.1.c', fbp: 'fb.1.1.p' };

describe('bothPlatformsCanMatch', () => {
  it('agrees with the pre-flight SQL on every combination of match keys (property, real SQLite)', () => {
    const importId = 'imp-preflight';
    createImportRow(ctx.db, { id: importId, fileName: 'x.csv', fileSize: 1, filePath: '/x.csv', mapping: { columns: [] }, options: { onDuplicate: 'skip' }, headers: [] });
    const insert = ctx.db.prepare(`INSERT INTO conversion_events (${IMPORT_COLUMNS.join(', ')}) VALUES (${IMPORT_COLUMNS.map(() => '?').join(', ')})`);
    const remove = ctx.db.prepare('DELETE FROM conversion_events');
    let serial = 0;
    let lackingSeen = 0;
    fc.assert(
      fc.property(fc.subarray([...KEYS]), (present) => {
        serial++;
        const values: unknown[] = IMPORT_COLUMNS.map(() => null);
        Object.assign(values, {
          [COL.id]: `00000000-0000-7000-8000-${String(serial).padStart(12, '0')}`,
          [COL.event_name]: 'purchase', [COL.event_id]: `e-${serial}`, [COL.currency]: 'USD', [COL.import_id]: importId,
          [COL.consent_ad_user_data]: 'unspecified', [COL.consent_ad_personalization]: 'unspecified',
          [COL.event_time]: '2026-11-20T10:00:00.000Z', [COL.created_at]: '2026-11-25T00:00:00.000Z', [COL.updated_at]: '2026-11-25T00:00:00.000Z',
        });
        for (const key of present) values[COL[key]] = sample[key] ?? HASH;
        remove.run();
        insert.run(values);
        const sql = preflightCounts(ctx.db, importId);
        const js = bothPlatformsCanMatch(values);
        if (!js) lackingSeen++;
        expect(js).toBe(sql.googleCannot === 0 && sql.metaCannot === 0);
      }),
      { numRuns: 600 },
    );
    // Non-vacuous: both verdicts came up.
    expect(lackingSeen).toBeGreaterThan(50);
    expect(lackingSeen).toBeLessThan(serial - 50);
  });
});

describe('pre-flight with and without the scan', () => {
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
