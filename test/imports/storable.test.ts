import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INSERT_COLUMNS } from '../../src/main/events/repo';
import { storableProblem } from '../../src/main/imports/storable';
import { createTestContext } from '../helpers/context';
import { count, fixture, importFile } from './helpers';

type Column = (typeof INSERT_COLUMNS)[number];
let ctx: ReturnType<typeof createTestContext>;
beforeEach(() => {
  ctx = createTestContext();
});
afterEach(() => ctx.cleanup());

let serial = 0;
function baseRow(): unknown[] {
  serial++;
  const row: Record<Column, unknown> = Object.fromEntries(INSERT_COLUMNS.map((c) => [c, null])) as Record<Column, unknown>;
  Object.assign(row, {
    id: `00000000-0000-7000-8000-${String(serial).padStart(12, '0')}`,
    event_name: 'purchase',
    event_id: `storable-${serial}`,
    currency: 'USD',
    consent_ad_user_data: 'unspecified',
    consent_ad_personalization: 'unspecified',
    event_time: '2026-11-20T10:00:00.000Z',
    created_at: '2026-11-25T00:00:00.000Z',
    updated_at: '2026-11-25T00:00:00.000Z',
  });
  return INSERT_COLUMNS.map((c) => row[c]);
}

/** SQLite's own verdict, CHECK constraints on (the connection default). */
function sqliteAccepts(values: unknown[]): boolean {
  const insert = ctx.db.prepare(`INSERT INTO conversion_events (${INSERT_COLUMNS.join(', ')}) VALUES (${INSERT_COLUMNS.map(() => '?').join(', ')})`);
  try {
    insert.run(values);
    return true;
  } catch {
    return false;
  }
}

const hex = (chars: string, min: number, max: number) => fc.string({ unit: fc.constantFrom(...chars), minLength: min, maxLength: max });
const candidates: Partial<Record<Column, fc.Arbitrary<unknown>>> = {
  user_email_hash: fc.oneof(hex('0123456789abcdef', 64, 64), hex('0123456789abcdefABCDEF', 64, 64), hex('0123456789abcdefg ', 62, 66), fc.constant(null)),
  user_phone_hash: fc.oneof(hex('0123456789abcdef', 63, 65), fc.string(), fc.constant(null)),
  user_first_name_hash: fc.oneof(hex('0123456789abcdef', 64, 64), fc.constant('')),
  user_last_name_hash: fc.oneof(hex('0123456789abcdef', 64, 64), hex('0123456789abcdef\n', 64, 64)),
  event_name: fc.oneof(fc.constantFrom('purchase', 'lead', 'signup', 'add_to_cart', 'page_view', 'custom', 'Purchase', 'refund', ''), fc.string()),
  event_value_micros: fc.oneof(fc.integer({ min: -5, max: 2 ** 40 }), fc.constant(null), fc.constantFrom(0, -1, 1.5)),
  currency: fc.oneof(fc.constantFrom('USD', 'usd', 'US', 'USDT', 'U5D', 'JPY', ''), fc.string({ maxLength: 4 })),
  custom_params: fc.oneof(fc.jsonValue().map((v) => JSON.stringify(v)), fc.constantFrom('{', '{"a":1,}', 'NaN', "{'a':1}", '[1,2]', '"x"'), fc.constant(null)),
  consent_ad_user_data: fc.constantFrom('granted', 'denied', 'unspecified', 'GRANTED', 'yes', ''),
  consent_ad_personalization: fc.constantFrom('granted', 'denied', 'unspecified', 'no'),
};

describe('storableProblem (the import checks rows itself and stores them with CHECK evaluation off)', () => {
  it('accepts exactly what SQLite\'s CHECK constraints accept, column by column (property)', () => {
    for (const [column, arbitrary] of Object.entries(candidates) as [Column, fc.Arbitrary<unknown>][]) {
      const at = INSERT_COLUMNS.indexOf(column);
      fc.assert(
        fc.property(arbitrary, (value) => {
          const values = baseRow();
          values[at] = value;
          expect({ column, value, storable: storableProblem(values) === null }).toEqual({ column, value, storable: sqliteAccepts(values) });
        }),
        { numRuns: 300 },
      );
    }
  });

  it('an import restores CHECK evaluation afterwards and every stored row satisfies the constraints', async () => {
    const report = await importFile(ctx, fixture('google-ec-leads.csv'), { defaultCountry: 'US' });
    expect(report.imported).toBeGreaterThan(0);
    expect(ctx.db.pragma('ignore_check_constraints', { simple: true })).toBe(0);
    // integrity_check verifies CHECK constraints row by row.
    expect(ctx.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(count(ctx, "user_email_hash IS NOT NULL AND (length(user_email_hash) <> 64 OR user_email_hash GLOB '*[^0-9a-f]*')")).toBe(0);
  });
});
