/**
 * The chunk machinery behind every delivery write (repo.ts documents the API). Per chunk of events:
 *
 *   1. fill temp.delivery_input: the chunk's ids (+ the platform's answer per event), then the event's
 *      rowid, status and names read ONCE by a join (every later step works on the temp table and
 *      reaches conversion_events by rowid);
 *   2. route the events that have no delivery rows yet (Settings, per distinct name) and create their
 *      rows: routed destinations at the event's status (attempts / synced_at / error copied), others
 *      'skipped';
 *   3. read the written destination's status, mark the rows the action moves (touched);
 *   4. history rows for those deliveries, then their UPDATE (status, attempts, synced_at, errors, ids);
 *   5. the derived overall state per touched event, a history row where it changes, and the UPDATE of
 *      conversion_events by rowid.
 *
 * Set-based statements over ≤ DELIVERY_CHUNK rows: the cost per event is a few b-tree seeks, not a
 * statement round trip.
 */
import { sql, type SqlBool } from 'kysely';
import { DESTINATIONS, routeOf, type Destination } from '../../shared/domain/delivery';
import type { ConversionSyncStatus } from '../../shared/domain/events';
import type { AppSettings } from '../../shared/domain/settings';
import { ATTEMPT_ACTIONS, TRANSITIONS, type SyncAction } from '../../shared/domain/sync';
import { allRows, runQuery, type Sqlite } from '../db/connection';
import { k } from './sql';

export const DELIVERY_CHUNK = 10_000;

export interface DeliveryItem {
  /** conversion_events.id */
  eventId: string;
  /** What the platform answered for this event (stored as JSON), e.g. { fbtrace_id }. */
  platformIds?: Record<string, unknown> | null;
  /** The same as JSON text (callers marking many events with one answer serialize it once). */
  platformIdsJson?: string | null;
  /** For failures: the platform's code (e.g. "100/2804003") and message. */
  code?: string | null;
  message?: string | null;
}

export interface ChunkWrite {
  destination: Destination;
  action: SyncAction;
  note: string | null;
  batchId: string | null;
  runId: string | null;
  changeId: string;
  now: string;
  settings: Pick<AppSettings, 'destinations' | 'conversionNames'>;
}

const INPUT = 'temp.delivery_input';

export function createInputTable(db: Sqlite): void {
  runQuery(
    db,
    k.schema
      .createTable(INPUT)
      .ifNotExists()
      .addColumn('event_id', 'text', (c) => c.primaryKey().notNull())
      .addColumn('platform_ids', 'text')
      .addColumn('error_code', 'text')
      .addColumn('error_message', 'text')
      .addColumn('erowid', 'integer')
      .addColumn('prior', 'text')
      .addColumn('prior_attempts', 'integer')
      .addColumn('prior_synced_at', 'text')
      .addColumn('prior_error', 'text')
      .addColumn('event_name', 'text')
      .addColumn('conversion_name', 'text')
      .addColumn('split', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('routed_google_ads', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('routed_meta', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('dstatus', 'text')
      .addColumn('touched', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('derived', 'text')
      .addColumn('derived_synced_at', 'text')
      .addColumn('derived_error', 'text')
      .modifyEnd(sql`WITHOUT ROWID`),
  );
  clearInput(db);
}

export function clearInput(db: Sqlite): void {
  runQuery(db, k.deleteFrom(INPUT));
}

/** Step 1 for a list of items (one statement: the chunk travels as one JSON array). Returns how many rows the chunk has. */
export function fillFromItems(db: Sqlite, items: readonly DeliveryItem[]): number {
  clearInput(db);
  const rows = JSON.stringify(items.map((item) => [item.eventId, item.platformIdsJson ?? (item.platformIds == null ? null : JSON.stringify(item.platformIds)), item.code ?? null, item.message ?? null]));
  runQuery(
    db,
    k
      .insertInto(INPUT)
      .columns(['event_id', 'platform_ids', 'error_code', 'error_message'])
      .expression(
        k
          .selectFrom(sql<{ value: string }>`json_each(${rows})`.as('j'))
          .select([sql<string>`j.value ->> 0`.as('event_id'), sql<string>`j.value ->> 1`.as('p'), sql<string>`j.value ->> 2`.as('c'), sql<string>`j.value ->> 3`.as('m')])
          .where(sql<SqlBool>`true`),
      )
      .onConflict((oc) => oc.column('event_id').doNothing()),
  );
  readEvents(db);
  return items.length;
}

/** Step 1 for the events linked to a file batch, `limit` at a time after `afterEventId` (keyset). */
export function fillFromBatch(db: Sqlite, batchId: string, afterEventId: string, limit: number): { filled: number; last: string | null } {
  clearInput(db);
  const filled = Number(
    runQuery(
      db,
      k
        .insertInto(INPUT)
        .columns(['event_id'])
        .expression(k.selectFrom('sync_batch_events').select('event_id').where('batch_id', '=', batchId).where('event_id', '>', afterEventId).orderBy('event_id').limit(limit)),
    ).changes,
  );
  if (filled) readEvents(db);
  const last = filled ? allRows<{ last: string }>(db, k.selectFrom(INPUT).select((eb) => eb.fn.max('event_id').as('last')))[0]!.last : null;
  return { filled, last };
}

function readEvents(db: Sqlite): void {
  runQuery(
    db,
    k
      .updateTable(INPUT)
      .from('conversion_events as e')
      .set({
        erowid: sql`e.rowid`,
        prior: sql`e.sync_status`,
        prior_attempts: sql`e.sync_attempts`,
        prior_synced_at: sql`e.synced_at`,
        prior_error: sql`e.sync_error`,
        event_name: sql`e.event_name`,
        conversion_name: sql`e.conversion_name`,
      })
      .whereRef('e.id', '=', `${INPUT}.event_id`),
  );
  runQuery(
    db,
    k.updateTable(INPUT).set({
      split: (eb) => eb.cast<number>(eb.exists(eb.selectFrom('event_deliveries as x').select('x.event_id').whereRef('x.event_id', '=', `${INPUT}.event_id`)), 'integer'),
    }),
  );
}

/** Ids of the chunk that are not events. */
export function missingOfChunk(db: Sqlite): string[] {
  return allRows<{ event_id: string }>(db, k.selectFrom(INPUT).select('event_id').where('erowid', 'is', null)).map((r) => r.event_id);
}

/** Routes the chunk's events that have no delivery rows yet (Settings, per distinct conversion / category name). */
function route(db: Sqlite, write: ChunkWrite): void {
  const unsplit = allRows<{ event_name: string; conversion_name: string | null }>(
    db,
    k.selectFrom(INPUT).select(['event_name', 'conversion_name']).distinct().where('split', '=', 0).where('erowid', 'is not', null),
  );
  for (const event of unsplit) {
    const route = routeOf(write.settings, event);
    // A write to a destination the mapping does not route to still counts for it (the user sent it there).
    const routed = (destination: Destination) => (route[destination] || destination === write.destination ? 1 : 0);
    if (routed('google_ads') && routed('meta')) continue; // the column defaults
    runQuery(
      db,
      k
        .updateTable(INPUT)
        .set({ routed_google_ads: routed('google_ads'), routed_meta: routed('meta') })
        .where('split', '=', 0)
        .where('event_name', '=', event.event_name)
        .where('conversion_name', 'is', event.conversion_name),
    );
  }
}

/**
 * Creates the delivery rows of the chunk's events that had none: the written destination's row
 * already in its new state when the action applies to it (no insert-then-update), the other routed
 * destinations at the event's prior status, the unrouted ones 'skipped'.
 */
function materialize(db: Sqlite, write: ChunkWrite, attempt: number): void {
  const { action, now } = write;
  const to = TRANSITIONS[action].to;
  const routedOf = sql<number>`CASE dd.destination WHEN 'meta' THEN i.routed_meta ELSE i.routed_google_ads END`;
  const written = sql<SqlBool>`(dd.destination = ${write.destination} AND i.touched = 1)`;
  const destinations = sql<{ destination: string }>`(${sql.join(
    DESTINATIONS.map((d, n) => (n === 0 ? sql`SELECT ${d} AS destination` : sql`SELECT ${d}`)),
    sql` UNION ALL `,
  )})`;
  const writtenError =
    action === 'mark_sent' ? sql`NULL` : action === 'mark_failed' ? sql`coalesce(i.error_message, ${write.note})` : sql`i.prior_error`;
  const writtenCode = action === 'mark_failed' ? sql`i.error_code` : sql`NULL`;
  runQuery(
    db,
    k
      .insertInto('event_deliveries')
      .columns(['event_id', 'destination', 'status', 'attempts', 'last_error', 'last_error_code', 'synced_at', 'batch_id', 'run_id', 'platform_ids', 'updated_at'])
      .expression(
        k
          .selectFrom(`${INPUT} as i`)
          .innerJoin(destinations.as('dd'), (join) => join.onTrue())
          .select([
            'i.event_id',
            sql<string>`dd.destination`.as('destination'),
            sql<string>`CASE WHEN ${written} THEN ${to} WHEN ${routedOf} THEN i.prior ELSE 'skipped' END`.as('status'),
            sql<number>`CASE WHEN ${written} THEN i.prior_attempts + ${attempt} WHEN ${routedOf} THEN i.prior_attempts ELSE 0 END`.as('attempts'),
            sql<string | null>`CASE WHEN ${written} THEN ${writtenError} WHEN ${routedOf} THEN i.prior_error
              ELSE 'not routed: no ' || CASE dd.destination WHEN 'meta' THEN 'Meta event' ELSE 'Google Ads conversion action' END || ' is mapped for this event' END`.as('last_error'),
            sql<string | null>`CASE WHEN ${written} THEN ${writtenCode} END`.as('last_error_code'),
            sql<string | null>`CASE WHEN ${written} THEN ${action === 'mark_sent' ? now : sql`i.prior_synced_at`} WHEN ${routedOf} THEN i.prior_synced_at END`.as('synced_at'),
            sql<string | null>`CASE WHEN ${written} THEN ${write.batchId} END`.as('batch_id'),
            sql<string | null>`CASE WHEN ${written} THEN ${write.runId} END`.as('run_id'),
            sql<string | null>`CASE WHEN ${written} THEN i.platform_ids END`.as('platform_ids'),
            sql<string>`${now}`.as('updated_at'),
          ])
          .where('i.split', '=', 0)
          .where('i.erowid', 'is not', null)
          .orderBy('i.event_id')
          .orderBy(sql`dd.destination`),
      ),
  );
}

/** Steps 2–5 for the chunk in the temp table. Adds the destination statuses seen to `byStatus`; returns deliveries changed. */
export function writeChunk(db: Sqlite, write: ChunkWrite, byStatus: Map<ConversionSyncStatus, number>): number {
  const { destination, action, now } = write;
  const { from, to } = TRANSITIONS[action];
  const attempt = ATTEMPT_ACTIONS.includes(action) ? 1 : 0;
  route(db, write);

  // The written destination's status now: its row's, or (no rows yet) the event's.
  runQuery(
    db,
    k
      .updateTable(INPUT)
      .set({
        dstatus: (eb) => eb.selectFrom('event_deliveries as x').select('x.status').whereRef('x.event_id', '=', `${INPUT}.event_id`).where('x.destination', '=', destination),
      })
      .where('split', '=', 1),
  );
  runQuery(db, k.updateTable(INPUT).set({ dstatus: sql`prior` }).where('split', '=', 0));
  runQuery(db, k.updateTable(INPUT).set({ touched: 1 }).where('dstatus', 'in', [...from]));
  for (const row of allRows<{ dstatus: ConversionSyncStatus; n: number }>(
    db,
    k.selectFrom(INPUT).select(['dstatus', (eb) => eb.fn.countAll<number>().as('n')]).where('dstatus', 'is not', null).groupBy('dstatus'),
  )) {
    byStatus.set(row.dstatus, (byStatus.get(row.dstatus) ?? 0) + row.n);
  }

  // One history row per delivery that changes, with what an undo needs to put back.
  const historyColumns = ['event_id', 'destination', 'from_status', 'to_status', 'action', 'note', 'batch_id', 'run_id', 'change_id', 'prev_sync_error', 'prev_synced_at', 'prev_attempts', 'prev_error_code', 'created_at'] as const;
  const constants = [
    sql<string>`${to}`.as('to_status'),
    sql<string>`${action}`.as('action'),
    sql<string | null>`coalesce(i.error_message, ${write.note})`.as('note'),
    sql<string | null>`${write.batchId}`.as('batch_id'),
    sql<string | null>`${write.runId}`.as('run_id'),
    sql<string>`${write.changeId}`.as('change_id'),
  ];
  runQuery(
    db,
    k
      .insertInto('sync_history')
      .columns([...historyColumns])
      .expression(
        k
          .selectFrom(`${INPUT} as i`)
          // CROSS JOIN keeps SQLite's join order: the chunk first, one key probe each (an inner join
          // let it scan every delivery of the destination per chunk, quadratic over a long send).
          .crossJoin('event_deliveries as x')
          .whereRef('x.event_id', '=', 'i.event_id')
          .where('x.destination', '=', destination)
          .where('i.touched', '=', 1)
          .where('i.split', '=', 1)
          .select(['x.event_id', 'x.destination', 'x.status', ...constants, 'x.last_error', 'x.synced_at', 'x.attempts', 'x.last_error_code', sql<string>`${now}`.as('created_at')]),
      ),
  );
  runQuery(
    db,
    k
      .insertInto('sync_history')
      .columns([...historyColumns])
      .expression(
        k
          .selectFrom(`${INPUT} as i`)
          .where('i.touched', '=', 1)
          .where('i.split', '=', 0)
          .select([
            'i.event_id',
            sql<string>`${destination}`.as('destination'),
            'i.prior',
            ...constants,
            'i.prior_error',
            'i.prior_synced_at',
            'i.prior_attempts',
            sql<string | null>`NULL`.as('prev_error_code'),
            sql<string>`${now}`.as('created_at'),
          ]),
      ),
  );
  // Rows that exist move in place (the chunk's keys drive the lookups: a row-value IN on the primary key).
  let changed = Number(
    runQuery(
      db,
      k
        .updateTable('event_deliveries')
        .set({
          status: to,
          attempts: sql`attempts + ${attempt}`,
          synced_at: action === 'mark_sent' ? now : sql`synced_at`,
          last_error: action === 'mark_sent' ? null : action === 'mark_failed' ? sql<string | null>`coalesce(${fromInput('error_message')}, ${write.note})` : sql<string | null>`last_error`,
          last_error_code: action === 'mark_sent' ? null : action === 'mark_failed' ? fromInput('error_code') : sql<string | null>`last_error_code`,
          batch_id: sql`coalesce(${write.batchId}, batch_id)`,
          run_id: sql`coalesce(${write.runId}, run_id)`,
          platform_ids: sql`coalesce(${fromInput('platform_ids')}, platform_ids)`,
          updated_at: now,
        })
        .where(sql<SqlBool>`(event_id, destination) IN (SELECT i.event_id, ${destination} FROM temp.delivery_input i WHERE i.touched = 1 AND i.split = 1)`),
    ).changes,
  );
  materialize(db, write, attempt);
  changed += allRows<{ n: number }>(db, k.selectFrom(INPUT).select((eb) => eb.fn.countAll<number>().as('n')).where('touched', '=', 1).where('split', '=', 0))[0]!.n;
  if (changed === 0) return 0;
  if (action === 'unqueue' || action === 'skip' || action === 'retry') leaveOpenBatchesOf(db, destination);
  syncOverall(db, write, attempt);
  return changed;
}

/** The chunk's value for the row being updated in event_deliveries (one primary-key seek in the temp table). */
function fromInput(column: 'error_message' | 'error_code' | 'platform_ids') {
  return sql<string | null>`(SELECT i.${sql.ref(column)} FROM temp.delivery_input i WHERE i.event_id = event_deliveries.event_id)`;
}

/** The touched events leave their open batches of this destination (an unqueued delivery must not be marked sent by them). */
function leaveOpenBatchesOf(db: Sqlite, destination: Destination): void {
  const formats = destination === 'meta' ? ['meta'] : ['google-click', 'google-leads'];
  runQuery(
    db,
    k
      .deleteFrom('sync_batch_events')
      .where('batch_id', 'in', (eb) => eb.selectFrom('sync_batches').select('id').where('status', '=', 'exported').where('destination', 'in', formats))
      .where('event_id', 'in', (eb) => eb.selectFrom(INPUT).select('event_id').where('touched', '=', 1)),
  );
}

/** deriveOverallStatus in SQL over the deliveries `x` of one event (shared/domain/delivery.ts has the rule). */
export const DERIVED_CASE = sql<string>`CASE WHEN max(x.status = 'failed') THEN 'failed' WHEN max(x.status = 'queued') THEN 'queued'
  WHEN max(x.status = 'pending') THEN 'pending' WHEN max(x.status = 'sent') THEN 'sent' ELSE 'skipped' END`;
const FAILED_ERRORS = sql<string | null>`group_concat(CASE WHEN x.status = 'failed' THEN
  CASE x.destination WHEN 'meta' THEN 'Meta' ELSE 'Google Ads' END || ': ' || ifnull(x.last_error, 'failed') END, '; ')`;

/**
 * Step 5: the touched events' derived overall state; a history row where sync_status changes; then
 * sync_status, sync_attempts (+1 per send attempt), synced_at (the latest delivery's, when sent) and
 * sync_error (the failed deliveries' errors, when failed; cleared when sent).
 */
function syncOverall(db: Sqlite, write: ChunkWrite, attempt: number): void {
  // One pass over each touched event's rows for the three derived values (a row-value assignment;
  // three correlated subqueries cost three times as much).
  const derived = sql`UPDATE temp.delivery_input SET (derived, derived_synced_at, derived_error) =
    (SELECT ${DERIVED_CASE}, max(x.synced_at), ${FAILED_ERRORS} FROM event_deliveries x WHERE x.event_id = temp.delivery_input.event_id)
    WHERE touched = 1`.compile(k);
  db.prepare(derived.sql).run(...(derived.parameters as unknown[]));
  runQuery(
    db,
    k
      .insertInto('sync_history')
      .columns(['event_id', 'from_status', 'to_status', 'action', 'note', 'batch_id', 'run_id', 'change_id', 'prev_sync_error', 'prev_synced_at', 'prev_attempts', 'created_at'])
      .expression(
        k
          .selectFrom(INPUT)
          .select([
            'event_id',
            'prior',
            'derived',
            sql<string>`${write.action}`.as('action'),
            sql<string | null>`coalesce(error_message, ${write.note})`.as('note'),
            sql<string | null>`${write.batchId}`.as('batch_id'),
            sql<string | null>`${write.runId}`.as('run_id'),
            sql<string>`${write.changeId}`.as('change_id'),
            'prior_error',
            'prior_synced_at',
            'prior_attempts',
            sql<string>`${write.now}`.as('created_at'),
          ])
          .where('touched', '=', 1)
          .where(sql<SqlBool>`derived IS NOT prior`),
      ),
  );
  runQuery(
    db,
    k
      .updateTable('conversion_events')
      .from(`${INPUT} as i`)
      .set({
        sync_status: sql`i.derived`,
        sync_attempts: sql`sync_attempts + ${attempt}`,
        synced_at: sql`CASE WHEN i.derived = 'sent' THEN i.derived_synced_at ELSE conversion_events.synced_at END`,
        sync_error: sql`CASE i.derived WHEN 'sent' THEN NULL WHEN 'failed' THEN i.derived_error ELSE conversion_events.sync_error END`,
        updated_at: write.now,
      })
      .where(sql<SqlBool>`conversion_events.rowid = i.erowid`)
      .where('i.touched', '=', 1),
  );
}
