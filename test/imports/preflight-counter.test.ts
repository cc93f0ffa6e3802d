/**
 * The import counts its pre-flight and match-quality figures while inserting (PreflightCounter) instead
 * of scanning its events again before COMMIT. Property: for any rows, the counts equal the scan's
 * (repo.ts preflightCounts, the SQL rules of quality-repo.ts) on the same rows stored in a real database.
 * And through the pipeline: a file whose rows merge falls back to the scan, with the same figures.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COL, IMPORT_COLUMNS, type ImportColumn } from '../../src/main/imports/columns';
import { presenceMask, PreflightCounter } from '../../src/main/imports/match-quality';
import { createImportRow, preflightCounts, prepareImportStatements } from '../../src/main/imports/repo';
import { createKysely } from '../../src/main/db/connection';
import { importServiceForContext } from '../../src/main/imports/handlers';
import { type TestContext, useTestContext } from '../helpers/context';
import { importFile } from './helpers';

let ctx: TestContext;
useTestContext((c) => { ctx = c; }, (c) => importServiceForContext(c).shutdown());

/** Every column some match rule reads. */
const KEYED: ImportColumn[] = [
  'user_email_hash', 'user_phone_hash', 'user_first_name_hash', 'user_last_name_hash',
  'meta_email_hash', 'meta_phone_hash', 'meta_first_name_hash', 'meta_last_name_hash',
  'meta_city_hash', 'meta_state_hash', 'meta_zip_hash', 'meta_country_hash', 'meta_dob_hash', 'meta_gender_hash', 'meta_external_id_hash',
  'google_region_code', 'google_postal_code', 'gclid', 'gbraid', 'wbraid', 'fbc', 'fbp', 'user_ip', 'user_agent',
];
const sample = (column: ImportColumn): string =>
  column.endsWith('_hash') ? 'a'.repeat(64) : column === 'google_region_code' ? 'US' : column === 'google_postal_code' ? '94043' : column === 'user_ip' ? '203.0.113.9' : `${column}-value`;

let serial = 0;
function rowValues(importId: string, present: readonly boolean[]): unknown[] {
  const values: unknown[] = new Array(IMPORT_COLUMNS.length).fill(null);
  const n = ++serial;
  values[COL.id] = `0190a0a0-0000-7000-8000-${String(n).padStart(12, '0')}`;
  values[COL.event_id] = `ev-${n}`;
  values[COL.event_name] = 'purchase';
  values[COL.conversion_name] = 'purchase';
  values[COL.currency] = 'USD';
  values[COL.consent_ad_user_data] = 'unspecified';
  values[COL.consent_ad_personalization] = 'unspecified';
  values[COL.event_time] = '2026-05-01T10:00:00.000Z';
  values[COL.created_at] = '2026-05-01T10:00:00.000Z';
  values[COL.updated_at] = '2026-05-01T10:00:00.000Z';
  values[COL.import_id] = importId;
  values[COL.source_line] = n + 1;
  KEYED.forEach((column, i) => {
    if (present[i]) values[COL[column]] = sample(column);
  });
  return values;
}

describe('pre-flight counted while inserting', () => {
  it('equals the SQL scan for any mix of identifiers (property, real SQLite)', () => {
    // Rows drawn from a few "shapes" as well as at random, so the rules' and/or branches are all reached.
    const shape = fc.oneof(
      fc.array(fc.boolean(), { minLength: KEYED.length, maxLength: KEYED.length }),
      fc.subarray(KEYED, { minLength: 0, maxLength: 4 }).map((set) => KEYED.map((c) => set.includes(c))),
    );
    let id = 0;
    fc.assert(
      fc.property(fc.array(shape, { minLength: 0, maxLength: 40 }), (rows) => {
        const importId = `imp-${++id}`;
        createImportRow(ctx.db, { id: importId, fileName: 'p.csv', fileSize: 1, filePath: '/p.csv', mapping: { columns: [] } as never, options: {} as never, headers: [] });
        const stmts = prepareImportStatements(ctx.db, createKysely(ctx.db));
        const counter = new PreflightCounter();
        const tally = new PreflightCounter(); // the pipeline's way: the mapper's presence masks, tallied
        for (const present of rows) {
          const values = rowValues(importId, present);
          expect(stmts.insert(values)).toBe(true);
          counter.add(values);
          tally.addMask(presenceMask(values));
        }
        const scanned = preflightCounts(ctx.db, importId);
        expect(counter.counts()).toEqual(scanned);
        expect(tally.counts()).toEqual(scanned);
      }),
      { numRuns: 150 },
    );
  });

  it('through the pipeline: counted when every row is its own event, scanned when rows merge — the same figures either way', async () => {
    const header = 'Order ID,Email,fbp,Conversion Time,Conversion Name';
    const lines = ['A-1,a@example.com,,2026-05-01 10:00:00,Lead', 'A-2,,fb.1.1.2,2026-05-01 11:00:00,Lead', 'A-3,,,2026-05-01 12:00:00,Lead'];
    const distinct = join(ctx.dataDir, 'distinct.csv');
    writeFileSync(distinct, `${header}\n${lines.join('\n')}\n`);
    const counted = await importFile(ctx, distinct, { timezone: 'UTC' });
    // The third order's second row gives it an email: merged after it was counted, so the pipeline scans.
    const merged = join(ctx.dataDir, 'merged.csv');
    writeFileSync(merged, `${header}\n${lines.map((l) => l.replace('A-', 'B-')).join('\n')}\nB-3,c@example.com,,2026-05-01 12:00:00,Lead\n`);
    const scanned = await importFile(ctx, merged, { timezone: 'UTC' });
    expect(counted).toMatchObject({ imported: 3, merged: 0, preflight: { unmatchable: 1, googleCannot: 2, metaCannot: 1 } });
    expect(scanned).toMatchObject({ imported: 3, merged: 1, preflight: { unmatchable: 0, googleCannot: 1, metaCannot: 0 } });
    expect(counted.preflight!.quality).toEqual(preflightCounts(ctx.db, counted.id).quality);
    expect(scanned.preflight!.quality).toEqual(preflightCounts(ctx.db, scanned.id).quality);
  });
});
