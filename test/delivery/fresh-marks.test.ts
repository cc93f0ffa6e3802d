import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { closeAppContext, openAppContext, type AppContext } from '../../src/main/app/context';
import { createFreshSentMarker } from '../../src/main/delivery/fresh-marks-repo';
import { markFailed, markSent, type DeliveryItem } from '../../src/main/delivery/repo';
import type { Destination } from '../../src/shared/domain/delivery';
import { getSettings, updateSettings } from '../../src/main/settings/service';
import { seedEvents } from '../review/helpers';
import { createTestContext, type TestContext } from '../helpers/context';

// The send's direct mark path (events with no delivery rows yet) must write exactly what the generic
// delivery write writes: both run on copies of the same database and every row is compared.
let ctx: TestContext;
let copy: AppContext;
beforeEach(() => {
  ctx = createTestContext();
});
afterEach(async () => {
  if (copy) await closeAppContext(copy);
  ctx.cleanup();
});

function snapshot(db: AppContext['db']) {
  return {
    events: db.prepare('SELECT id, sync_status, sync_attempts, synced_at, sync_error, updated_at FROM conversion_events ORDER BY id').all(),
    deliveries: db.prepare('SELECT * FROM event_deliveries ORDER BY event_id, destination').all(),
    history: db
      .prepare(
        `SELECT event_id, destination, from_status, to_status, action, note, batch_id, run_id, change_id, prev_sync_error, prev_synced_at, prev_attempts, prev_error_code, created_at
         FROM sync_history ORDER BY event_id, destination IS NULL, destination, id`,
      )
      .all(),
  };
}

describe('direct mark path for first sends', () => {
  for (const destination of ['meta', 'google_ads'] as Destination[]) {
    it(`writes the same rows as the generic write (${destination})`, async () => {
      // purchase → both destinations; lead → Meta only; "Walk-in" conversion name kept from Google.
      updateSettings(ctx.db, {
        destinations: { purchase: { googleConversionName: 'Store sale' } },
        conversionNames: { 'Walk-in': { googleConversionName: null, metaEventName: 'Purchase' }, 'Phone order': { googleConversionName: 'Phone', metaEventName: null } },
      });
      const statuses = ['queued', 'queued', 'queued', 'pending', 'failed', 'sent', 'skipped', 'queued'] as const;
      const ids = seedEvents(ctx.db, 48, { status: (i) => statuses[i % statuses.length]! });
      const setName = ctx.db.prepare('UPDATE conversion_events SET conversion_name = ?, sync_attempts = ?, sync_error = ?, synced_at = ? WHERE id = ?');
      ids.forEach((id, i) => setName.run(i % 5 === 1 ? 'Walk-in' : i % 5 === 2 ? 'Phone order' : null, i % 3, i % 4 === 0 ? 'old error' : null, i % 6 === 0 ? '2026-01-02T00:00:00.000Z' : null, id));
      // Some events already have delivery rows (the generic write's case).
      markFailed(ctx.db, destination === 'meta' ? 'google_ads' : 'meta', [ids[0], ids[8], ids[16]].map((eventId) => ({ eventId: eventId!, code: 'X', message: 'bad' })), { now: '2026-02-01T00:00:00.000Z' });
      markSent(ctx.db, destination, [{ eventId: ids[24]! }], { now: '2026-02-01T00:00:00.000Z' });

      const copyPath = join(ctx.dataDir, 'copy.db');
      ctx.db.prepare('VACUUM INTO ?').run(copyPath);
      copy = openAppContext({ dbPath: copyPath, dataDir: ctx.dataDir, transport: 'test' });

      const items: DeliveryItem[] = [
        ...ids.map((eventId, i) => ({ eventId, platformIdsJson: JSON.stringify({ request_id: `r${Math.floor(i / 10)}` }) })),
        { eventId: 'not-an-event', platformIdsJson: null },
        { eventId: ids[1]!, platformIdsJson: '{"request_id":"again"}' },
      ];
      const options = { runId: 'run-1', now: '2026-03-01T00:00:00.000Z', note: 'sent to X', changeId: 'chg-1' };

      const generic = markSent(ctx.db, destination, items, { ...options, settings: getSettings(ctx.db) });
      const marker = createFreshSentMarker(copy.db, destination, getSettings(copy.db));
      const direct = copy.db.transaction(() => {
        // Requests of 10 items, every other one with the events' rowids (the engine's case), the rest by id only.
        const rowidOf = new Map((copy.db.prepare('SELECT id, rowid FROM conversion_events').raw().all() as [string, number][]));
        const requests = [];
        for (let i = 0; i < items.length; i += 10) {
          const slice = items.slice(i, i + 10);
          requests.push({ ids: slice.map((item) => item.eventId), rowids: (i / 10) % 2 ? undefined : slice.map((item) => rowidOf.get(item.eventId)), platformIdsJson: slice[0]!.platformIdsJson ?? null });
        }
        const { changed, rest } = marker.markSent(requests, options);
        const other = markSent(copy.db, destination, rest, { ...options, settings: getSettings(copy.db) });
        return { changed: changed + other.changed, missing: other.missing, fresh: changed };
      })();

      expect(direct.fresh).toBeGreaterThan(10); // the direct path did most of the work
      expect(direct.changed).toBe(generic.changed);
      expect(direct.missing).toEqual(generic.missing);
      const [a, b] = [snapshot(ctx.db), snapshot(copy.db)];
      expect(b.events).toEqual(a.events);
      expect(b.deliveries).toEqual(a.deliveries);
      expect(b.history).toEqual(a.history);
      // Both kinds of outcome occurred: events still queued overall, and events now sent overall.
      expect(new Set((b.history as { destination: string | null; to_status: string }[]).filter((h) => h.destination === null).map((h) => h.to_status))).toContain('sent');
    });
  }
});
