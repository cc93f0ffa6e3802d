import { afterEach, describe, expect, it } from 'vitest';
import type { ConversionSyncStatus } from '../../src/shared/domain/events';
import type { Sqlite } from '../../src/main/db/connection';
import { markFailed, markSent } from '../../src/main/delivery/repo';
import { updateSettings } from '../../src/main/settings/service';
import { reviewContext, seedEvents, statusCounts } from '../review/helpers';

const MIX: ConversionSyncStatus[] = ['pending', 'queued', 'queued', 'failed', 'pending', 'queued', 'skipped'];

/** Deliveries by destination and status, events by status, and the history's actions: what a change may touch. */
function state(db: Sqlite) {
  return {
    events: statusCounts(db),
    errors: db.prepare("SELECT sync_error AS e, count(*) AS n FROM conversion_events WHERE sync_error IS NOT NULL GROUP BY 1 ORDER BY 1").all(),
    deliveries: db.prepare('SELECT destination, status, attempts, last_error, count(*) AS n FROM event_deliveries GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4').all(),
    history: db.prepare('SELECT destination, from_status, to_status, action, count(*) AS n FROM sync_history GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4').all(),
  };
}

let envs: ReturnType<typeof reviewContext>[] = [];
afterEach(async () => {
  for (const env of envs) await env.cleanup();
  envs = [];
});

/** Each event's undo rows (by its deterministic event_id, since the two databases' row ids differ). */
function undoRows(db: Sqlite) {
  return db
    .prepare(
      "SELECT e.event_id AS event, h.destination, h.from_status, h.to_status, h.note FROM sync_history h JOIN conversion_events e ON e.id = h.event_id WHERE h.action = 'undo' ORDER BY 1, 2, 3, 4",
    )
    .all();
}

/** Whether some event's history rows of the change fall in two of the worker's undo chunks (`size` history rows each). */
function eventStraddlesUndoChunk(db: Sqlite, changeId: string, size: number): boolean {
  const rows = db.prepare('SELECT event_id AS event FROM sync_history WHERE change_id = ? ORDER BY id').all(changeId) as { event: string }[];
  const chunkOf = new Map<string, Set<number>>();
  rows.forEach((row, i) => chunkOf.set(row.event, (chunkOf.get(row.event) ?? new Set()).add(Math.floor(i / size))));
  return [...chunkOf.values()].some((chunks) => chunks.size > 1);
}

describe('event-level changes on events with delivery rows, in the jobs worker (rowid chunks) and in the thread', () => {
  it.each([29, 3])('move the same deliveries, re-derive the same statuses, and undo to the same statuses, deliveries and history (chunks of %i rows)', async (chunkRows) => {
    const viaJob = reviewContext({ chunkRows });
    const inline = reviewContext({ bulkThreshold: 1_000_000 });
    envs = [viaJob, inline];
    for (const env of envs) {
      const db = env.ctx.db;
      // Routed to both destinations, so one destination's answer splits an event from the other's.
      updateSettings(db, { destinations: { purchase: { googleConversionName: 'Store sale' }, lead: { googleConversionName: 'Lead' } } });
      const ids = seedEvents(db, 420, { status: (i) => MIX[i % MIX.length]! });
      const queued = ids.filter((_, i) => MIX[i % MIX.length] === 'queued');
      markSent(db, 'meta', queued.filter((_, i) => i % 3 === 0).map((eventId) => ({ eventId })), { now: '2026-05-01T00:00:00.000Z' });
      markFailed(db, 'google_ads', queued.filter((_, i) => i % 3 === 1).map((eventId) => ({ eventId, code: 'X', message: 'bad click' })), { now: '2026-05-01T00:00:00.000Z' });
    }
    expect(state(viaJob.ctx.db)).toEqual(state(inline.ctx.db));
    expect(viaJob.ctx.db.prepare('SELECT count(*) AS n FROM event_deliveries').get()).not.toEqual({ n: 0 });

    const filter = { eventNames: ['purchase', 'lead', 'signup'] as ('purchase' | 'lead' | 'signup')[] };
    const tokens: (string | null)[] = [];
    for (const env of envs) {
      const skipped = await env.call('events:transition', { action: 'skip', target: { filter } });
      expect(skipped.changed).toBeGreaterThan(50);
      tokens.push(skipped.undoToken);
    }
    expect(viaJob.jobs.list()).toHaveLength(1);
    expect(inline.jobs.list()).toEqual([]);
    const after = state(viaJob.ctx.db);
    expect(after).toEqual(state(inline.ctx.db));
    // The split events' deliveries moved too (destination rows in the history of the change).
    expect(after.history.some((row) => (row as { destination: string | null; action: string }).destination !== null && (row as { action: string }).action === 'skip')).toBe(true);

    // The worker undoes in history-id chunks: an event's delivery rows and its event row may fall in two.
    expect(eventStraddlesUndoChunk(viaJob.ctx.db, tokens[0]!, chunkRows)).toBe(true);
    const undoneViaJob = await viaJob.call('events:undoTransition', { undoToken: tokens[0]! });
    const undoneInline = await inline.call('events:undoTransition', { undoToken: tokens[1]! });
    // The same count of restored events (the worker's chunks must not count a straddling event twice).
    expect(undoneViaJob).toEqual(undoneInline);
    expect(viaJob.jobs.list()).toHaveLength(2);
    const undone = state(viaJob.ctx.db);
    const inlineUndone = state(inline.ctx.db);
    expect(undone).toEqual(inlineUndone);
    expect(undone.events).not.toEqual(after.events);
    expect(undoRows(viaJob.ctx.db)).toEqual(undoRows(inline.ctx.db));
    // Every event the skip changed got an event-level undo row, in both.
    const undoneEvents = inline.ctx.db.prepare("SELECT count(*) AS n FROM sync_history WHERE action = 'undo' AND destination IS NULL").get();
    expect(undoneEvents).toEqual(inline.ctx.db.prepare('SELECT count(*) AS n FROM sync_history WHERE change_id = ? AND destination IS NULL').get(tokens[1]!));
  });
});
