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
import { sql, type Expression, type SqlBool } from 'kysely';
import type { Destination } from '../../shared/domain/delivery';
import { DESTINATIONS, DESTINATION_LABELS, routeOf } from '../../shared/domain/delivery';
import type { ConversionSyncStatus } from '../../shared/domain/events';
import type { EventFilterParsed } from '../../shared/domain/filters';
import type { AppSettings } from '../../shared/domain/settings';
import { ATTEMPT_ACTIONS, illegalTransitionReason, TRANSITIONS, type SyncAction } from '../../shared/domain/sync';
import { allRows, runQuery, type Sqlite } from '../db/connection';
import { uuidv7 } from '../lib/ids';
import { filterToWhere } from '../events/filter-sql';
import { getSettings } from '../settings/service';
import { k } from './sql';

/** Events per write call that keep one chunk's statements short (~tens of ms) and the temp table small. */
export const DELIVERY_CHUNK = 10_000;

export interface DeliveryItem {
  /** conversion_events.id */
  eventId: string;
  /** What the platform answered for this event (stored as JSON), e.g. { fbtrace_id }. */
  platformIds?: Record<string, unknown> | null;
  /** For failures: the platform's code (e.g. "100/2804003") and message. */
  code?: string | null;
  message?: string | null;
}

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
  settings?: Pick<AppSettings, 'destinations'>;
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

// ---------------------------------------------------------------- SQL building blocks

/** deriveOverallStatus in SQL, over the deliveries `x` of one event (NULL when it has none). */
const DERIVED_CASE = sql<string | null>`CASE WHEN count(*) = 0 THEN NULL
  WHEN max(x.status = 'failed') THEN 'failed' WHEN max(x.status = 'queued') THEN 'queued'
  WHEN max(x.status = 'pending') THEN 'pending' WHEN max(x.status = 'sent') THEN 'sent' ELSE 'skipped' END`;

/** The derived overall status of the event `e.id` (a correlated subquery). */
function derivedOf(eventId: Expression<string>) {
  return k.selectFrom('event_deliveries as x').select(DERIVED_CASE.as('derived')).where('x.event_id', '=', eventId);
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

/** True when no event has delivery rows yet (every event-level write may take the fast path). */
export function noDeliveryRows(db: Sqlite): boolean {
  return allRows(db, k.selectFrom('event_deliveries').select('event_id').limit(1)).length === 0;
}

/**
 * Events whose delivery to `destination` is in `filter.statuses` (default: queued) and that match the
 * rest of the filter, in rowid (import) order after `afterRowid`. The filter's WHERE comes from
 * filter-sql.ts (the same as the review grid and the exports).
 */
export function selectQueued(
  db: Sqlite,
  destination: Destination,
  filter: EventFilterParsed,
  page: { afterRowid?: number; limit?: number } = {},
): { rowid: number; id: string }[] {
  const where = filterToWhere(destinationFilter(filter, destination));
  const query = k
    .selectFrom('conversion_events')
    .select([sql<number>`rowid`.as('rowid'), 'id'])
    .where(sql<SqlBool>`rowid > ${page.afterRowid ?? Number.MIN_SAFE_INTEGER}`)
    .where(sql<SqlBool>`${sql.raw(`(${where.sql})`)}`)
    .orderBy(sql`rowid`)
    .limit(page.limit ?? DELIVERY_CHUNK)
    .compile();
  // The filter's own parameters follow the rowid bound, in the order the SQL names them.
  return db.prepare(query.sql).all(query.parameters[0], ...where.params, page.limit ?? DELIVERY_CHUNK) as { rowid: number; id: string }[];
}

/** The export / send filter for one destination: its `statuses` are the destination's (default queued). */
export function destinationFilter(filter: EventFilterParsed, destination: Destination): EventFilterParsed {
  const { statuses, ...rest } = filter;
  return { ...rest, delivery: { destination, statuses: statuses?.length ? statuses : ['queued'] } };
}

// ---------------------------------------------------------------- writes

function createInputTable(db: Sqlite): void {
  runQuery(
    db,
    k.schema
      .createTable('temp.delivery_input')
      .ifNotExists()
      .addColumn('event_id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('platform_ids', 'text')
      .addColumn('error_code', 'text')
      .addColumn('error_message', 'text')
      .addColumn('touched', 'integer', (c) => c.notNull().defaultTo(0))
      .modifyEnd(sql`WITHOUT ROWID`),
  );
  runQuery(db, k.deleteFrom('temp.delivery_input'));
}

function fillInput(db: Sqlite, items: readonly DeliveryItem[]): void {
  const insert = db.prepare(
    k
      .insertInto('temp.delivery_input')
      .values({ event_id: '', platform_ids: null, error_code: null, error_message: null, touched: 0 })
      .onConflict((oc) => oc.column('event_id').doNothing())
      .compile().sql,
  );
  for (const item of items) {
    insert.run(item.eventId, item.platformIds == null ? null : JSON.stringify(item.platformIds), item.code ?? null, item.message ?? null, 0);
  }
}

/** Creates the delivery rows of the input's events that have none (routing read from Settings now). */
function materialize(db: Sqlite, written: Destination, settings: Pick<AppSettings, 'destinations'>, now: string): void {
  const unsplit = allRows<{ event_name: string; conversion_name: string | null }>(
    db,
    k
      .selectFrom('temp.delivery_input as i')
      .innerJoin('conversion_events as e', 'e.id', 'i.event_id')
      .select(['e.event_name', 'e.conversion_name'])
      .distinct()
      .where((eb) => eb.not(eb.exists(eb.selectFrom('event_deliveries as x').select('x.event_id').whereRef('x.event_id', '=', 'e.id')))),
  );
  if (!unsplit.length) return;
  const routed: string[] = [];
  for (const event of unsplit) {
    const route = routeOf(settings, event);
    for (const destination of DESTINATIONS) {
      if (route[destination] || destination === written) routed.push(`${destination}\u001f${event.event_name}\u001f${event.conversion_name ?? ''}`);
    }
  }
  const isRouted = sql<SqlBool>`(dd.value || char(31) || e.event_name || char(31) || ifnull(e.conversion_name, '')) IN (SELECT value FROM json_each(${JSON.stringify(routed)}))`;
  const notRouted = sql<string>`'not routed: no ' || CASE dd.value WHEN 'meta' THEN 'Meta event' ELSE 'Google Ads conversion action' END || ' is mapped for this event'`;
  runQuery(
    db,
    k
      .insertInto('event_deliveries')
      .columns(['event_id', 'destination', 'status', 'attempts', 'last_error', 'synced_at', 'updated_at'])
      .expression(
        k
          .selectFrom('temp.delivery_input as i')
          .innerJoin('conversion_events as e', 'e.id', 'i.event_id')
          .innerJoin(sql<{ value: string }>`json_each(${JSON.stringify(DESTINATIONS)})`.as('dd'), (join) => join.onTrue())
          .select([
            'e.id',
            sql<string>`dd.value`.as('destination'),
            sql<string>`CASE WHEN ${isRouted} THEN e.sync_status ELSE 'skipped' END`.as('status'),
            sql<number>`CASE WHEN ${isRouted} THEN e.sync_attempts ELSE 0 END`.as('attempts'),
            sql<string | null>`CASE WHEN ${isRouted} THEN e.sync_error ELSE ${notRouted} END`.as('last_error'),
            sql<string | null>`CASE WHEN ${isRouted} THEN e.synced_at END`.as('synced_at'),
            sql<string>`${now}`.as('updated_at'),
          ])
          .where((eb) => eb.not(eb.exists(eb.selectFrom('event_deliveries as x').select('x.event_id').whereRef('x.event_id', '=', 'e.id')))),
      ),
  );
}

/**
 * Moves one destination's deliveries of the given events through one state-machine action, with
 * history rows and the derived overall status (see the header). At most DELIVERY_CHUNK items are
 * handled per statement round; larger lists are split here. Runs in the caller's transaction, or in
 * one of its own when there is none.
 */
export function applyDeliveryAction(
  db: Sqlite,
  destination: Destination,
  action: SyncAction,
  items: readonly DeliveryItem[],
  options: DeliveryWriteOptions = {},
): DeliveryWriteResult {
  const run = (): DeliveryWriteResult => {
    const changeId = options.changeId ?? `chg_${uuidv7()}`;
    const now = options.now ?? new Date().toISOString();
    const settings = options.settings ?? getSettings(db);
    const byStatus = new Map<ConversionSyncStatus, number>();
    const missing: string[] = [];
    let changed = 0;
    createInputTable(db);
    for (let i = 0; i < items.length; i += DELIVERY_CHUNK) {
      const chunk = items.slice(i, i + DELIVERY_CHUNK);
      runQuery(db, k.deleteFrom('temp.delivery_input'));
      fillInput(db, chunk);
      missing.push(
        ...allRows<{ event_id: string }>(
          db,
          k
            .selectFrom('temp.delivery_input as i')
            .select('i.event_id')
            .where((eb) => eb.not(eb.exists(eb.selectFrom('conversion_events as e').select('e.id').whereRef('e.id', '=', 'i.event_id')))),
        ).map((r) => r.event_id),
      );
      materialize(db, destination, settings, now);
      changed += writeChunk(db, destination, action, options, changeId, now, byStatus);
    }
    runQuery(db, k.deleteFrom('temp.delivery_input'));
    const allowed = TRANSITIONS[action].from;
    const refused = [...byStatus.entries()]
      .filter(([status]) => !allowed.includes(status))
      .map(([status, count]) => ({ status, count, reason: illegalTransitionReason(action, status) }));
    return { changed, refused, missing, changeId };
  };
  return db.inTransaction ? run() : db.transaction(run)();
}

function writeChunk(
  db: Sqlite,
  destination: Destination,
  action: SyncAction,
  options: DeliveryWriteOptions,
  changeId: string,
  now: string,
  byStatus: Map<ConversionSyncStatus, number>,
): number {
  const { from, to } = TRANSITIONS[action];
  const attempt = ATTEMPT_ACTIONS.includes(action) ? 1 : 0;
  const note = options.note ?? null;
  const ofDestination = k
    .selectFrom('temp.delivery_input as i')
    .innerJoin('event_deliveries as x', (join) => join.onRef('x.event_id', '=', 'i.event_id').on('x.destination', '=', destination));
  for (const row of allRows<{ status: ConversionSyncStatus; n: number }>(db, ofDestination.select(['x.status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('x.status'))) {
    byStatus.set(row.status, (byStatus.get(row.status) ?? 0) + row.n);
  }
  runQuery(
    db,
    k.updateTable('temp.delivery_input as i').set({
      touched: (eb) =>
        eb.cast<number>(eb.exists(
          eb
            .selectFrom('event_deliveries as x')
            .select('x.event_id')
            .whereRef('x.event_id', '=', 'i.event_id')
            .where('x.destination', '=', destination)
            .where('x.status', 'in', [...from]),
        ), 'integer'),
    }),
  );
  const touched = ofDestination.where('i.touched', '=', 1);
  // One history row per delivery that changes, with what an undo needs to put back.
  runQuery(
    db,
    k
      .insertInto('sync_history')
      .columns(['event_id', 'destination', 'from_status', 'to_status', 'action', 'note', 'batch_id', 'run_id', 'change_id', 'prev_sync_error', 'prev_synced_at', 'prev_attempts', 'prev_error_code', 'created_at'])
      .expression(
        touched.select([
          'x.event_id',
          'x.destination',
          'x.status',
          sql<string>`${to}`.as('to_status'),
          sql<string>`${action}`.as('action'),
          sql<string | null>`coalesce(i.error_message, ${note})`.as('note'),
          sql<string | null>`${options.batchId ?? null}`.as('batch_id'),
          sql<string | null>`${options.runId ?? null}`.as('run_id'),
          sql<string>`${changeId}`.as('change_id'),
          'x.last_error',
          'x.synced_at',
          'x.attempts',
          'x.last_error_code',
          sql<string>`${now}`.as('created_at'),
        ]),
      ),
  );
  const input = (column: 'error_message' | 'error_code' | 'platform_ids') =>
    sql<string | null>`(SELECT i.${sql.ref(column)} FROM temp.delivery_input i WHERE i.event_id = event_deliveries.event_id)`;
  const changed = Number(
    runQuery(
      db,
      k
        .updateTable('event_deliveries')
        .set({
          status: to,
          attempts: sql`attempts + ${attempt}`,
          synced_at: action === 'mark_sent' ? now : sql`synced_at`,
          last_error: action === 'mark_sent' ? null : action === 'mark_failed' ? sql<string | null>`coalesce(${input('error_message')}, ${note})` : sql<string | null>`last_error`,
          last_error_code: action === 'mark_sent' ? null : action === 'mark_failed' ? input('error_code') : sql<string | null>`last_error_code`,
          batch_id: sql`coalesce(${options.batchId ?? null}, batch_id)`,
          run_id: sql`coalesce(${options.runId ?? null}, run_id)`,
          platform_ids: sql`coalesce(${input('platform_ids')}, platform_ids)`,
          updated_at: now,
        })
        .where('destination', '=', destination)
        .where('event_id', 'in', (eb) => eb.selectFrom('temp.delivery_input as i').select('i.event_id').where('i.touched', '=', 1)),
    ).changes,
  );
  if (changed === 0) return 0;
  if (action === 'unqueue' || action === 'skip' || action === 'retry') leaveOpenBatchesOf(db, destination);
  syncOverall(db, action, attempt, { note: note ?? `${DESTINATION_LABELS[destination]}: ${action}`, batchId: options.batchId ?? null, runId: options.runId ?? null, changeId, now });
  return changed;
}

/** The touched events leave their open batches of this destination (an unqueued delivery must not be marked sent by them). */
function leaveOpenBatchesOf(db: Sqlite, destination: Destination): void {
  const formats = destination === 'meta' ? ['meta'] : ['google-click', 'google-leads'];
  runQuery(
    db,
    k
      .deleteFrom('sync_batch_events')
      .where('batch_id', 'in', (eb) => eb.selectFrom('sync_batches').select('id').where('status', '=', 'exported').where('destination', 'in', formats))
      .where('event_id', 'in', (eb) => eb.selectFrom('temp.delivery_input as i').select('i.event_id').where('i.touched', '=', 1)),
  );
}

/**
 * Brings the touched events' overall state in step with their deliveries: a history row where the
 * status changes, then sync_status = the derived status, sync_attempts + attempt, synced_at (latest
 * delivery's) when sent, sync_error (the failed deliveries' errors) when failed.
 */
function syncOverall(
  db: Sqlite,
  action: SyncAction,
  attempt: number,
  meta: { note: string; batchId: string | null; runId: string | null; changeId: string; now: string },
): void {
  const touchedEvents = k
    .selectFrom('temp.delivery_input as i')
    .innerJoin('conversion_events as e', 'e.id', 'i.event_id')
    .where('i.touched', '=', 1);
  const derived = derivedOf(sql.ref('e.id'));
  runQuery(
    db,
    k
      .insertInto('sync_history')
      .columns(['event_id', 'from_status', 'to_status', 'action', 'note', 'batch_id', 'run_id', 'change_id', 'prev_sync_error', 'prev_synced_at', 'prev_attempts', 'created_at'])
      .expression(
        k
          .selectFrom(
            touchedEvents
              .select(['e.id', 'e.sync_status', 'e.sync_error', 'e.synced_at', 'e.sync_attempts', derived.as('derived')])
              .as('t'),
          )
          .select([
            't.id',
            't.sync_status',
            sql<string>`t.derived`.as('to_status'),
            sql<string>`${action}`.as('action'),
            sql<string>`${meta.note}`.as('note'),
            sql<string | null>`${meta.batchId}`.as('batch_id'),
            sql<string | null>`${meta.runId}`.as('run_id'),
            sql<string>`${meta.changeId}`.as('change_id'),
            't.sync_error',
            't.synced_at',
            't.sync_attempts',
            sql<string>`${meta.now}`.as('created_at'),
          ])
          .where(sql<SqlBool>`t.derived IS NOT t.sync_status`),
      ),
  );
  runQuery(db, overallUpdate(attempt, meta.now).where('id', 'in', (eb) => eb.selectFrom('temp.delivery_input as i').select('i.event_id').where('i.touched', '=', 1)));
}

/** UPDATE conversion_events to its derived overall state (the caller adds the WHERE). */
export function overallUpdate(attempt: number, now: string) {
  const derived = sql`(SELECT ${DERIVED_CASE} FROM event_deliveries x WHERE x.event_id = conversion_events.id)`;
  return k.updateTable('conversion_events').set({
    sync_status: sql`coalesce(${derived}, sync_status)`,
    sync_attempts: sql`sync_attempts + ${attempt}`,
    synced_at: sql`CASE WHEN ${derived} = 'sent' THEN (SELECT max(x.synced_at) FROM event_deliveries x WHERE x.event_id = conversion_events.id) ELSE synced_at END`,
    sync_error: sql`CASE ${derived} WHEN 'sent' THEN NULL
      WHEN 'failed' THEN (SELECT group_concat(CASE x.destination WHEN 'meta' THEN 'Meta' ELSE 'Google Ads' END || ': ' || ifnull(x.last_error, 'failed'), '; ')
                          FROM event_deliveries x WHERE x.event_id = conversion_events.id AND x.status = 'failed')
      ELSE sync_error END`,
    updated_at: now,
  });
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
