import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { k } from '../../src/main/db/query';
import { exportWhere } from '../../src/main/exports/run';
import { exportRows, withRange } from '../../src/main/exports/read-repo';
import type { ExportFormat } from '../../src/shared/domain/exports';
import type { ConversionSyncStatus } from '../../src/shared/domain/events';
import { useTestContext, type TestContext } from '../helpers/context';
import { addEvent, NOW, resetCounter } from './helpers';

/**
 * The export reads the table in rowid slices (read-repo.ts READ_CHUNK_ROWS) so that SQLite's sort
 * for ORDER BY rowid never holds the whole export in memory. The slices must give exactly the rows,
 * in exactly the order, of the one statement they replace: every slice size, with rowid gaps,
 * statuses a destination reads differently from the overall one, and the split readers' ranges.
 */
describe('export read in rowid slices', () => {
  let ctx: TestContext;
  useTestContext((c) => (ctx = c));

  const STATUSES: ConversionSyncStatus[] = ['queued', 'failed', 'pending', 'sent', 'queued', 'skipped', 'queued'];

  function seed(): number {
    resetCounter();
    for (let i = 0; i < 61; i++) {
      addEvent(
        ctx,
        { event_name: i % 3 ? 'purchase' : 'lead', event_id: `slice-${i}`, gclid: `Cj0-slice-${i}`, email: `p${i}@example.com`, event_time: `2026-11-2${i % 4}T10:00:00Z`, event_value: String(i), currency: 'USD' },
        STATUSES[i % STATUSES.length],
      );
    }
    // Gaps in the rowids, at the table’s start and inside it (the last row, slice-60, is queued: the end bound counts).
    ctx.db.prepare('DELETE FROM conversion_events WHERE rowid IN (1, 2, 17, 18, 19, 33)').run();
    // Per-destination states that differ from the overall one: queued for Meta while failed overall, sent to Meta while queued.
    const deliver = ctx.db.prepare("INSERT INTO event_deliveries (event_id, destination, status, attempts, updated_at) SELECT id, ?, ?, 1, '2026-11-20T08:00:00.000Z' FROM conversion_events WHERE event_id = ?");
    deliver.run('meta', 'queued', 'slice-8');
    deliver.run('meta', 'sent', 'slice-4');
    deliver.run('meta', 'sent', 'slice-20');
    deliver.run('google_ads', 'failed', 'slice-6');
    return (ctx.db.prepare('SELECT max(rowid) AS hi FROM conversion_events').get() as { hi: number }).hi;
  }

  function reference(columns: readonly string[], format: ExportFormat, range?: { from?: number; to?: number }): unknown[][] {
    const where = withRange(exportWhere({ format, filter: {}, settings: {} as never, nowMs: NOW.getTime(), excludedLimit: 0 }), range);
    const compiled = k.selectFrom('conversion_events').select(columns.map((c) => sql.ref(c).as(c))).where(where).orderBy(sql.ref('rowid')).compile();
    return ctx.db.prepare(compiled.sql).raw(true).all(...(compiled.parameters as unknown[])) as unknown[][];
  }

  it.each(['meta', 'google-click', 'csv'] as const)('gives the one statement’s rows and order for %s, for every slice size and range', (format) => {
    const hi = seed();
    const columns = ['rowid', 'id', 'event_id', 'sync_status', 'event_value_micros'];
    const where = (range?: { from?: number; to?: number }) =>
      withRange(exportWhere({ format, filter: {}, settings: {} as never, nowMs: NOW.getTime(), excludedLimit: 0 }), range);
    const whole = reference(columns, format);
    expect(whole.length).toBeGreaterThan(15);
    if (format === 'meta') {
      const ids = whole.map((row) => row[2]);
      expect(ids).toContain('slice-8'); // failed overall, queued for Meta
      expect(ids).not.toContain('slice-4'); // queued overall, already sent to Meta
    }
    for (const chunk of [1, 2, 3, 7, 16, 59, 60, 61, 1000]) {
      expect([...exportRows(ctx.db, columns, where(), undefined, chunk)], `slice ${chunk}`).toEqual(whole);
      for (const range of [{ to: 25 }, { from: 25 }, { from: 10, to: 40 }, { from: hi }, { to: 3 }, { from: hi + 1 }]) {
        expect([...exportRows(ctx.db, columns, where(range), range, chunk)], `slice ${chunk}, range ${JSON.stringify(range)}`).toEqual(reference(columns, format, range));
      }
    }
  });

  it('reads nothing from an empty table', () => {
    expect([...exportRows(ctx.db, ['rowid'], exportWhere({ format: 'meta', filter: {}, settings: {} as never, nowMs: 0, excludedLimit: 0 }))]).toEqual([]);
  });
});
