/**
 * Delivery per destination: the repository every writer goes through (file batches, the sending
 * engine, event-level bulk changes). Storage and rule: migrations/0012_event_deliveries.sql and
 * src/shared/domain/delivery.ts.
 *
 * API for a sending engine (all synchronous, on the caller's connection; the caller owns the
 * transaction — wrap a chunk's writes in one — and should pass at most DELIVERY_CHUNK events a call):
 *
 *   selectQueued(db, destination, filter, { afterRowid, limit })
 *       → [{ rowid, id }] in rowid (import) order: events whose delivery to `destination` is queued
 *         and that match the export filter (its `statuses`, if any, are the DESTINATION's statuses;
 *         default ['queued']). Page with afterRowid = the last rowid seen.
 *   markSent(db, destination, [{ eventId, platformIds? }], { runId?, batchId?, now?, changeId? })
 *       queued → sent: synced_at = now, attempts + 1, last error cleared, run / batch / platform ids kept.
 *   markFailed(db, destination, [{ eventId, code?, message }], { runId?, … })
 *       queued → failed: attempts + 1, last_error = message, last_error_code = code (per event).
 *   markQueued(db, destination, [{ eventId }], { … })
 *       failed → queued (retry) and pending → queued: back in the destination's queue.
 *   applyDeliveryAction(db, destination, action, items, options)
 *       any state-machine action (shared/domain/sync.ts) on one destination's deliveries.
 *
 * Each write: creates the event's delivery rows if it has none yet (routed destinations at the event's
 * current status, the others 'skipped'), moves only deliveries in a status the action allows from
 * (others are reported in `refused` by their status, unknown ids in `missing`), writes one history row
 * per changed delivery (sync_history.destination) and, when the event's overall status changes, one
 * for the event, and keeps conversion_events.sync_status = deriveOverallStatus(its deliveries),
 * sync_attempts (+1 per send attempt), synced_at and sync_error in step.
 */
import { sql } from 'kysely';
import type { DeliveryState, Destination } from '../../shared/domain/delivery';
import { DESTINATIONS, DESTINATION_LABELS, routeOf } from '../../shared/domain/delivery';
import { SYNC_STATUSES, type ConversionSyncStatus } from '../../shared/domain/events';
import type { EventFilterParsed } from '../../shared/domain/filters';
import type { AppSettings } from '../../shared/domain/settings';
import { ATTEMPT_ACTIONS, illegalTransitionReason, TRANSITIONS, type SyncAction } from '../../shared/domain/sync';
import { allRows, runQuery, type Sqlite } from '../db/connection';
import { uuidv7 } from '../lib/ids';
import { filterExpression } from '../events/filter-repo';
import { all, once, prepareRaw } from '../db/query';
import { getSettings } from '../settings/service';
import { k } from './sql';
import { clearInput, createInputTable, DELIVERY_CHUNK, fillFromBatch, fillFromItems, missingOfChunk, writeChunk, type ChunkWrite, type DeliveryItem } from './write-repo';

export { DELIVERY_CHUNK, type DeliveryItem } from './write-repo';

export interface DeliveryWriteOptions {
  /** The send run (API) that wrote it. */
  runId?: string | null;
  /** The file batch (sync_batches.id) that wrote it. */
  batchId?: string | null;
  /** History note (the reason of a failure when an item has no message of its own). */
  note?: string | null;
  now?: string;
  /** Groups the history rows of one change (an undo token); generated when absent. */
  changeId?: string;
  /** Settings for routing rows created now (read from the database when absent). */
  settings?: Pick<AppSettings, 'destinations' | 'conversionNames'>;
}

export interface DeliveryWriteResult {
  /** Deliveries that changed status. */
  changed: number;
  /** Events asked for whose delivery was in a status the action does not move from. */
  refused: { status: ConversionSyncStatus; count: number; reason: string }[];
  /** Ids that are not events. */
  missing: string[];
  changeId: string;
}

// ---------------------------------------------------------------- reads

export interface DeliveryRow {
  event_id: string;
  destination: Destination;
  status: ConversionSyncStatus;
  attempts: number;
  last_error: string | null;
  last_error_code: string | null;
  synced_at: string | null;
  batch_id: string | null;
  run_id: string | null;
  platform_ids: string | null;
  updated_at: string;
}

/** The delivery rows of these events (none for events never written to by a destination). */
export function deliveriesOf(db: Sqlite, eventIds: readonly string[]): DeliveryRow[] {
  if (!eventIds.length) return [];
  const out: DeliveryRow[] = [];
  for (let i = 0; i < eventIds.length; i += 500) {
    const slice = eventIds.slice(i, i + 500);
    out.push(...allRows<DeliveryRow>(db, k.selectFrom('event_deliveries').selectAll().where('event_id', 'in', slice).orderBy('event_id').orderBy('destination')));
  }
  return out;
}

/**
 * Each event's delivery per destination, for lists and the detail panel: its rows when it has any,
 * else every destination following its sync_status (with the current routing, so the grid can say
 * "not mapped").
 */
export function attachDeliveries<T extends { id: string; event_name: string; conversion_name?: string | null; sync_status: string; sync_attempts: number; synced_at: string | null; sync_error: string | null }>(
  db: Sqlite,
  events: T[],
  settings: Pick<AppSettings, 'destinations' | 'conversionNames'> = getSettings(db),
): (T & { deliveries: DeliveryState[] })[] {
  const rows = new Map<string, DeliveryRow[]>();
  for (const row of deliveriesOf(db, events.map((e) => e.id))) {
    const list = rows.get(row.event_id) ?? [];
    list.push(row);
    rows.set(row.event_id, list);
  }
  return events.map((event) => {
    const route = routeOf(settings, event);
    const own = rows.get(event.id);
    const deliveries: DeliveryState[] = DESTINATIONS.map((destination) => {
      const row = own?.find((r) => r.destination === destination);
      if (row) {
        return {
          destination,
          status: row.status,
          recorded: true,
          routed: route[destination],
          attempts: row.attempts,
          lastError: row.last_error,
          lastErrorCode: row.last_error_code,
          syncedAt: row.synced_at,
          batchId: row.batch_id,
          runId: row.run_id,
          platformIds: row.platform_ids ? (JSON.parse(row.platform_ids) as Record<string, unknown>) : null,
        };
      }
      return {
        destination,
        status: event.sync_status as ConversionSyncStatus,
        recorded: false,
        routed: route[destination],
        attempts: event.sync_attempts,
        lastError: event.sync_error,
        lastErrorCode: null,
        syncedAt: event.synced_at,
        batchId: null,
        runId: null,
        platformIds: null,
      };
    });
    return { ...event, deliveries };
  });
}

/**
 * Every delivery row as [event rowid, destination, status code (index into SYNC_STATUSES)], for the
 * facet index (read inside its snapshot transaction).
 */
export function* readDeliveryCodes(db: Sqlite): Generator<[number, Destination, number]> {
  for (const [rowid, destination, status] of prepareRaw<[number, Destination, ConversionSyncStatus]>(db, DELIVERY_CODES).iterate()) {
    yield [rowid, destination, SYNC_STATUSES.indexOf(status)];
  }
}

const DELIVERY_CODES = once(() =>
  k
    .selectFrom('event_deliveries as d')
    .innerJoin('conversion_events as e', 'e.id', 'd.event_id')
    .select([sql.ref<number>('e.rowid').as('rowid'), 'd.destination', 'd.status']),
);

/** True when no event has delivery rows yet (every event-level write may take the fast path). */
export function noDeliveryRows(db: Sqlite): boolean {
  return allRows(db, k.selectFrom('event_deliveries').select('event_id').limit(1)).length === 0;
}

/**
 * Events whose delivery to `destination` is in `filter.statuses` (default: queued) and that match the
 * rest of the filter, in rowid (import) order after `afterRowid`. The filter's WHERE is filterExpression
 * (events/filter-repo.ts: the same as the review grid and the exports).
 */
export function selectQueued(
  db: Sqlite,
  destination: Destination,
  filter: EventFilterParsed,
  page: { afterRowid?: number; limit?: number } = {},
): { rowid: number; id: string }[] {
  const rowid = sql.ref<number>('rowid');
  const query = k
    .selectFrom('conversion_events')
    .select([rowid.as('rowid'), 'id'])
    .where(rowid, '>', page.afterRowid ?? Number.MIN_SAFE_INTEGER)
    .where(filterExpression(destinationFilter(filter, destination)))
    .orderBy(rowid)
    .limit(page.limit ?? DELIVERY_CHUNK);
  return all<{ rowid: number; id: string }>(db, query);
}

/** The export / send filter for one destination: its `statuses` are the destination's (default queued). */
export function destinationFilter(filter: EventFilterParsed, destination: Destination): EventFilterParsed {
  const { statuses, ...rest } = filter;
  return { ...rest, delivery: { destination, statuses: statuses?.length ? statuses : ['queued'] } };
}

// ---------------------------------------------------------------- writes

/**
 * Moves one destination's deliveries of the given events (or of the events linked to a file batch)
 * through one state-machine action, with history rows and the derived overall status (see the header
 * and write-repo.ts). Works DELIVERY_CHUNK events at a time. Runs in the caller's transaction, or in
 * one of its own when there is none.
 */
export function applyDeliveryAction(
  db: Sqlite,
  destination: Destination,
  action: SyncAction,
  items: readonly DeliveryItem[] | { batchId: string },
  options: DeliveryWriteOptions = {},
): DeliveryWriteResult {
  const run = (): DeliveryWriteResult => {
    const write: ChunkWrite = {
      destination,
      action,
      note: options.note ?? null,
      batchId: options.batchId ?? null,
      runId: options.runId ?? null,
      changeId: options.changeId ?? `chg_${uuidv7()}`,
      now: options.now ?? new Date().toISOString(),
      settings: options.settings ?? getSettings(db),
    };
    const byStatus = new Map<ConversionSyncStatus, number>();
    const missing: string[] = [];
    let changed = 0;
    createInputTable(db);
    if ('batchId' in items) {
      let after = '';
      for (;;) {
        const { filled, last } = fillFromBatch(db, items.batchId, after, DELIVERY_CHUNK);
        if (!filled) break;
        changed += writeChunk(db, write, byStatus);
        if (filled < DELIVERY_CHUNK) break;
        after = last!;
      }
    } else {
      for (let i = 0; i < items.length; i += DELIVERY_CHUNK) {
        fillFromItems(db, items.slice(i, i + DELIVERY_CHUNK));
        missing.push(...missingOfChunk(db));
        changed += writeChunk(db, write, byStatus);
      }
    }
    clearInput(db);
    const allowed = TRANSITIONS[action].from;
    const refused = [...byStatus.entries()]
      .filter(([status]) => !allowed.includes(status))
      .map(([status, count]) => ({ status, count, reason: illegalTransitionReason(action, status) }));
    return { changed, refused, missing, changeId: write.changeId };
  };
  return db.inTransaction ? run() : db.transaction(run)();
}

// ---------------------------------------------------------------- the sending engine's verbs

/** queued → sent for these events' deliveries to `destination` (synced_at, attempts + 1, run / batch / platform ids). */
export function markSent(db: Sqlite, destination: Destination, items: readonly DeliveryItem[], options: DeliveryWriteOptions = {}): DeliveryWriteResult {
  return applyDeliveryAction(db, destination, 'mark_sent', items, options);
}

/** queued → failed, each event with its own code and message (items[i].code / .message; options.note when absent). */
export function markFailed(db: Sqlite, destination: Destination, items: readonly DeliveryItem[], options: DeliveryWriteOptions = {}): DeliveryWriteResult {
  if (items.some((item) => !item.message?.trim()) && !options.note?.trim()) {
    throw new Error('markFailed needs a message per event (or options.note): what the platform said');
  }
  return applyDeliveryAction(db, destination, 'mark_failed', items, options);
}

/** Back to the destination's queue: failed → queued (retry) and pending → queued (queue). */
export function markQueued(db: Sqlite, destination: Destination, items: readonly DeliveryItem[], options: DeliveryWriteOptions = {}): { retried: DeliveryWriteResult; queued: DeliveryWriteResult } {
  const run = () => {
    const changeId = options.changeId ?? `chg_${uuidv7()}`;
    const retried = applyDeliveryAction(db, destination, 'retry', items, { ...options, changeId });
    const queued = applyDeliveryAction(db, destination, 'queue', items, { ...options, changeId });
    return { retried, queued };
  };
  return db.inTransaction ? run() : db.transaction(run)();
}
