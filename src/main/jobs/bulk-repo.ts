/**
 * The statements of the jobs worker's bulk changes (bulk.ts): the write transaction, the chunks of a
 * target (rowid ranges read NOT INDEXED for a filter, a temp table of ids for an id list), the counts
 * and the chunk-wise assign and delete.
 */
import { expressionBuilder, sql, type Expression, type SqlBool } from 'kysely';
import { fillIdTable, withIndexHint } from '../db/common-repo';
export { beginImmediate, commit, rollback } from '../db/common-repo';
import type { Sqlite } from '../db/connection';
import { get, k, once, param, preparePluck, run, type Compilable } from '../db/query';
import type { ConversionEventsTable, DB } from '../db/schema';
import { filterExpression } from '../events/filter-repo';
import type { EventFilterParsed } from '../../shared/domain/filters';

export interface Chunk {
  where: Expression<SqlBool>;
  notIndexed: boolean;
  /** How far through the table this chunk ends (0–1), for filter targets' progress. */
  fraction?: number;
}

const eb = expressionBuilder<DB, 'conversion_events'>();
const rowid = sql.ref<number>('rowid');
const JOB_IDS: Expression<SqlBool> = eb('id', 'in', k.selectFrom('temp.job_ids').select('id'));

/** Chunks of an id list: each chunk's ids in temp.job_ids while it is processed. */
export function* idChunks(db: Sqlite, ids: readonly string[], size: number): Generator<Chunk> {
  for (let i = 0; i < ids.length; i += size) {
    fillIdTable(db, 'job_ids', ids.slice(i, i + size));
    yield { where: JOB_IDS, notIndexed: false };
  }
  fillIdTable(db, 'job_ids', []);
}

const NEXT_ROWID_BOUND = once(() =>
  k
    .selectFrom('conversion_events')
    .select(sql.ref<number>('rowid').as('rowid'))
    .where(sql.ref('rowid'), '>', param('after'))
    .orderBy(sql.ref('rowid'))
    .limit(1)
    .offset(param('skip')),
);
const ROWID_RANGE = once(() =>
  k.selectFrom('conversion_events').select((b) => [b.fn.min<number | null>(rowid).as('lo'), b.fn.max<number | null>(rowid).as('hi')]),
);

/** Chunks of a filter: rowid ranges of `size` rows (NOT INDEXED), each with the filter's condition. */
export function* filterChunks(db: Sqlite, filter: EventFilterParsed, size: number): Generator<Chunk> {
  const where = filterExpression(filter);
  const nextBound = preparePluck<number>(db, NEXT_ROWID_BOUND);
  const { lo, hi } = get<{ lo: number | null; hi: number | null }>(db, ROWID_RANGE)!;
  if (lo === null || hi === null) return;
  let after = Number.MIN_SAFE_INTEGER;
  for (;;) {
    let upTo = nextBound.get({ after, skip: size - 1 });
    let last = false;
    if (upTo === undefined) {
      if (hi <= after) return;
      upTo = hi;
      last = true;
    }
    const fraction = hi === lo ? 1 : (upTo - lo) / (hi - lo);
    const range = eb.and([eb(rowid, '>', after), eb(rowid, '<=', upTo), where]);
    yield { where: range, notIndexed: true, fraction };
    if (last) return;
    after = upTo;
  }
}

const ID_EXISTS = once(() => k.selectFrom('conversion_events').select(sql.lit(1).as('one')).where('id', '=', param('id')));

/** The ids (of those given) that are not events. */
export function missingIds(db: Sqlite, ids: readonly string[]): string[] {
  const exists = preparePluck(db, ID_EXISTS);
  return ids.filter((id) => exists.get({ id }) === undefined);
}

export function countFilter(db: Sqlite, filter: EventFilterParsed): number {
  return get<{ n: number }>(db, k.selectFrom('conversion_events').select((eb) => eb.fn.countAll<number>().as('n')).where(filterExpression(filter)))!.n;
}

const HISTORY_OF_CHANGE = once(() => k.selectFrom('sync_history').select((eb) => eb.fn.countAll<number>().as('n')).where('change_id', '=', param('changeId')));
const NEXT_HISTORY_BOUND = once(() =>
  k
    .selectFrom('sync_history')
    .select('id')
    .where('change_id', '=', param('changeId'))
    .where('id', '>', param('after'))
    .orderBy('id')
    .limit(1)
    .offset(param('skip')),
);
const LAST_HISTORY_OF_CHANGE = once(() => k.selectFrom('sync_history').select((eb) => eb.fn.max('id').as('id')).where('change_id', '=', param('changeId')));

/** How many history rows one change wrote. */
export function historyRowsOfChange(db: Sqlite, changeId: string): number {
  return get<{ n: number }>(db, HISTORY_OF_CHANGE, { changeId })!.n;
}

/** The history id ranges of one change, `size` rows each: [after, upTo] pairs, the last one flagged. */
export function* historyChunks(db: Sqlite, changeId: string, size: number): Generator<{ after: number; upTo: number; last: boolean }> {
  const nextBound = preparePluck<number>(db, NEXT_HISTORY_BOUND);
  const maxId = preparePluck<number>(db, LAST_HISTORY_OF_CHANGE);
  let after = 0;
  for (;;) {
    let upTo = nextBound.get({ changeId, after, skip: size - 1 });
    const last = upTo === undefined;
    if (last) upTo = maxId.get({ changeId })!;
    if (upTo! <= after) return;
    yield { after, upTo: upTo!, last };
    if (last) return;
    after = upTo!;
  }
}

const hinted = (query: Compilable, chunk: Chunk): Compilable => (chunk.notIndexed ? withIndexHint(query, 'conversion_events', 'not indexed') : query);

/** Sets campaign and/or brand on a chunk's events; returns how many changed. */
export function assignChunk(db: Sqlite, chunk: Chunk, fields: { campaign_id?: string | null; brand_id?: string | null }, now: string): number {
  const set: Partial<Pick<ConversionEventsTable, 'campaign_id' | 'brand_id' | 'updated_at'>> = { updated_at: now };
  if (fields.campaign_id !== undefined) set.campaign_id = fields.campaign_id;
  if (fields.brand_id !== undefined) set.brand_id = fields.brand_id;
  return run(db, hinted(k.updateTable('conversion_events').set(set).where(chunk.where), chunk)).changes;
}

/** Deletes a chunk's events except the sent ones (kept as the record of what a platform received). */
export function deleteUnsentChunk(db: Sqlite, chunk: Chunk): { deleted: number; sent: number } {
  const sent = get<{ n: number }>(
    db,
    hinted(k.selectFrom('conversion_events').select((eb) => eb.fn.countAll<number>().as('n')).where(chunk.where).where('sync_status', '=', 'sent'), chunk),
  )!.n;
  const deleted = run(db, hinted(k.deleteFrom('conversion_events').where(chunk.where).where('sync_status', '<>', 'sent'), chunk)).changes;
  return { deleted, sent };
}
