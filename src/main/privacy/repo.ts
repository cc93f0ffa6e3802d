import type { ExpressionBuilder } from 'kysely';
import { allRows, createKysely, firstRow, runQuery, type Sqlite } from '../db/connection';
import type { DB, ErasureLogTable } from '../db/schema';

/** A query builder only (compiles; never connects): the statements run on the connection passed in. */
const builder = createKysely(null as unknown as Sqlite);

/** Which events an erasure deletes: a where-clause over conversion_events. */
export type EventScope = (eb: ExpressionBuilder<DB, 'conversion_events'>) => ReturnType<ExpressionBuilder<DB, 'conversion_events'>['and']>;

/** Events holding any of these hashes in any platform's column of that identifier. */
export function identifierScope(kind: 'email' | 'phone', hashes: readonly string[]): EventScope {
  const [google, meta] = kind === 'email' ? (['user_email_hash', 'meta_email_hash'] as const) : (['user_phone_hash', 'meta_phone_hash'] as const);
  return (eb) => eb.and([eb.or([eb(google, 'in', [...hashes]), eb(meta, 'in', [...hashes])])]);
}

/** Events sent (every destination done) before `cutoff` (ISO). */
export function sentBeforeScope(cutoff: string): EventScope {
  return (eb) => eb.and([eb('sync_status', '=', 'sent'), eb('synced_at', '<', cutoff)]);
}

const idsIn = (scope: EventScope) => builder.selectFrom('conversion_events').select('id').where(scope);

export interface ErasureCounts {
  events: number;
  history: number;
  batchLinks: number;
  deliveries: number;
}

/** What deleting the scope's events removes (history cascades by foreign key, links and deliveries by trigger). */
export function countScope(db: Sqlite, scope: EventScope): ErasureCounts {
  const count = (n: number | undefined) => Number(n ?? 0);
  return {
    events: count(firstRow<{ n: number }>(db, builder.selectFrom('conversion_events').select((eb) => eb.fn.countAll<number>().as('n')).where(scope))?.n),
    history: count(firstRow<{ n: number }>(db, builder.selectFrom('sync_history').select((eb) => eb.fn.countAll<number>().as('n')).where('event_id', 'in', idsIn(scope)))?.n),
    batchLinks: count(firstRow<{ n: number }>(db, builder.selectFrom('sync_batch_events').select((eb) => eb.fn.countAll<number>().as('n')).where('event_id', 'in', idsIn(scope)))?.n),
    deliveries: count(firstRow<{ n: number }>(db, builder.selectFrom('event_deliveries').select((eb) => eb.fn.countAll<number>().as('n')).where('event_id', 'in', idsIn(scope)))?.n),
  };
}

/** Deletes up to `limit` of the scope's events; returns how many. */
export function deleteScope(db: Sqlite, scope: EventScope, limit: number): number {
  return Number(runQuery(db, builder.deleteFrom('conversion_events').where('id', 'in', idsIn(scope).limit(limit))).changes);
}

/** Rows of import_errors that point at a deleted event keep no link to it. */
export function unlinkImportErrors(db: Sqlite): void {
  runQuery(
    db,
    builder
      .updateTable('import_errors')
      .set({ related_event_id: null })
      .where('related_event_id', 'is not', null)
      .where('related_event_id', 'not in', builder.selectFrom('conversion_events').select('id')),
  );
}

export function insertErasure(db: Sqlite, row: ErasureLogTable): void {
  runQuery(db, builder.insertInto('erasure_log').values(row));
}

export function listErasures(db: Sqlite, limit: number): ErasureLogTable[] {
  return allRows<ErasureLogTable>(db, builder.selectFrom('erasure_log').selectAll().orderBy('created_at', 'desc').limit(limit));
}

export function readSetting(db: Sqlite, key: string): string | undefined {
  return firstRow<{ value: string }>(db, builder.selectFrom('settings').select('value').where('key', '=', key))?.value;
}

export function writeSetting(db: Sqlite, key: string, value: string): void {
  runQuery(db, builder.insertInto('settings').values({ key, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })));
}
