/**
 * What the engine needs from the events' delivery state, for one destination: read the events
 * queued for it, mark some sent or failed (with history). Today an event has one sync_status for
 * every destination; issue 12 item 0 moves delivery to per-destination records, and this adapter is
 * the one place the engine touches it.
 */
import { sql, type ExpressionBuilder, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { EventFilterParsed } from '../../shared/domain/filters';
import type { Sqlite } from '../db/connection';
import type { DB } from '../db/schema';
import { filterToWhere, type SqlFragment } from '../events/filter-sql';
import type { SendRow } from './destination';
import { prepareOnce, slot } from './prepared';

/** A legacy filter fragment (`a = ? AND b IN (?, ?)`) as a Kysely expression with the same parameters. */
function fragment(where: SqlFragment): RawBuilder<SqlBool> {
  const pieces = where.sql.split('?');
  return sql<SqlBool>(Object.assign([...pieces], { raw: pieces }) as unknown as TemplateStringsArray, ...where.params);
}

export interface MarkInfo {
  runId: string;
  requestId: string;
  destinationLabel: string;
  now: string;
}

export interface DeliveryRepo {
  /** Up to `limit` events queued for the destination that match the filter, with rowid > `afterRowid`, in rowid order. */
  queuedPage(afterRowid: number, limit: number): SendRow[];
  /** How many events are queued for the destination and match the filter. */
  countQueued(): number;
  /** These events (by conversion_events.id) if still queued for the destination, in rowid order. */
  queuedByIds(ids: readonly string[]): SendRow[];
  /** queued → sent (attempts +1, synced_at, history). Returns how many changed. */
  markSent(ids: readonly string[], info: MarkInfo): number;
  /** queued → failed with each event's own reason (attempts +1, history). */
  markFailed(failures: readonly { id: string; reason: string }[], info: MarkInfo): number;
}

/** `id IN (SELECT value FROM json_each(:ids))` — a list of ids as one parameter. */
function idsIn(eb: ExpressionBuilder<DB, 'conversion_events'>) {
  return eb.selectFrom(sql<{ value: string }>`json_each(${slot('ids')})`.as('j')).select(sql.ref<string>('j.value').as('value'));
}

const HISTORY_COLUMNS = ['event_id', 'from_status', 'to_status', 'action', 'note', 'change_id', 'prev_sync_error', 'prev_synced_at', 'prev_attempts', 'created_at'] as const;

export function createDeliveryRepo(db: Sqlite, k: Kysely<DB>, filter: EventFilterParsed, columns: readonly string[]): DeliveryRepo {
  // Only queued events are ever sent, whatever statuses the filter names.
  const where = fragment(filterToWhere({ ...filter, statuses: undefined }));
  const selectList = ['rowid', 'id', 'event_id', ...columns.filter((c) => c !== 'id' && c !== 'event_id' && c !== 'rowid')];
  const select = () => k.selectFrom('conversion_events').select(selectList.map((c) => sql.ref(c).as(c)));
  const page = prepareOnce(
    db,
    select().where(where).where('sync_status', '=', 'queued').where(sql.ref('rowid'), '>', slot('after')).orderBy(sql.ref('rowid')).limit(sql<number>`${slot('limit')}`),
  );
  const count = prepareOnce(
    db,
    k.selectFrom('conversion_events').select((eb) => eb.fn.countAll<number>().as('n')).where(where).where('sync_status', '=', 'queued'),
  );
  const byIds = prepareOnce(db, select().where('id', 'in', idsIn).where('sync_status', '=', 'queued').orderBy(sql.ref('rowid')));

  // History first (it reads the state before), then the update; both only for events still queued.
  const history = (to: 'sent' | 'failed', target: 'ids' | 'id') =>
    prepareOnce(
      db,
      k
        .insertInto('sync_history')
        .columns([...HISTORY_COLUMNS])
        .expression((eb) =>
          eb
            .selectFrom('conversion_events')
            .select([
              'id',
              'sync_status',
              sql.lit(to).as('to_status'),
              sql.lit(to === 'sent' ? 'mark_sent' : 'mark_failed').as('action'),
              sql<string>`${slot('note')}`.as('note'),
              sql<string>`${slot('change')}`.as('change_id'),
              'sync_error',
              'synced_at',
              'sync_attempts',
              sql<string>`${slot('now')}`.as('created_at'),
            ])
            .where((inner) => (target === 'ids' ? inner('id', 'in', idsIn(inner as never)) : inner('id', '=', slot('id'))))
            .where('sync_status', '=', 'queued'),
        ),
    );
  const historySent = history('sent', 'ids');
  const historyFailed = history('failed', 'id');
  const updateSent = prepareOnce(
    db,
    k
      .updateTable('conversion_events')
      .set({ sync_status: 'sent', sync_attempts: sql`sync_attempts + 1`, synced_at: slot('now'), sync_error: null, updated_at: slot('now') })
      .where('id', 'in', (eb) => idsIn(eb as never))
      .where('sync_status', '=', 'queued'),
  );
  const updateFailed = prepareOnce(
    db,
    k
      .updateTable('conversion_events')
      .set({ sync_status: 'failed', sync_attempts: sql`sync_attempts + 1`, sync_error: slot('reason'), updated_at: slot('now') })
      .where('id', '=', slot('id'))
      .where('sync_status', '=', 'queued'),
  );

  return {
    queuedPage(afterRowid, limit) {
      return page.stmt.all(...page.params({ after: afterRowid, limit })) as SendRow[];
    },
    countQueued() {
      return (count.stmt.get(...count.params({})) as { n: number }).n;
    },
    queuedByIds(ids) {
      return byIds.stmt.all(...byIds.params({ ids: JSON.stringify(ids) })) as SendRow[];
    },
    markSent(ids, info) {
      const values = { ids: JSON.stringify(ids), now: info.now, change: `send_${info.requestId}`, note: `sent to ${info.destinationLabel} (run ${info.runId}, request ${info.requestId})` };
      historySent.stmt.run(...historySent.params(values));
      return updateSent.stmt.run(...updateSent.params(values)).changes;
    },
    markFailed(failures, info) {
      let changed = 0;
      for (const failure of failures) {
        const values = { id: failure.id, now: info.now, change: `send_${info.requestId}`, note: failure.reason, reason: failure.reason };
        historyFailed.stmt.run(...historyFailed.params(values));
        changed += updateFailed.stmt.run(...updateFailed.params(values)).changes;
      }
      return changed;
    },
  };
}
