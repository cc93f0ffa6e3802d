import type { ImportMapping, ImportOptions, ImportProblemSeverity, ImportReport, ImportRowError, ImportStatus, ImportSummary, MappingPreset, Preflight } from '../../shared/domain/imports';
import type { Sqlite } from '../db/connection';
import type { ImportsTable } from '../db/schema';
import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import { allRows, createKysely, firstRow, runQuery, type CompiledLike } from '../db/connection';
import { beginImmediate, commit, rollback } from '../db/common-repo';
import { all, get, k as compiler, once, param as named, pluck, prepare, run } from '../db/query';
import type { DB } from '../db/schema';
import { COL, IMPORT_COLUMNS, type ImportColumn } from './columns';
import { uuidv7 } from '../lib/ids';
import { matchKeys, qualityFromRow, qualitySelections } from './quality-repo';
import type { MatchQuality } from '../../shared/domain/match-quality';

/** Invalid rows kept per import for the report (the count is exact beyond that). */
export const MAX_STORED_ERRORS = 10_000;

export function createImportRow(
  db: Sqlite,
  row: { id: string; fileName: string; fileSize: number; filePath: string; mapping: ImportMapping; options: ImportOptions; headers: string[] },
): void {
  run(db, INSERT_IMPORT, {
    id: row.id, file_name: row.fileName, file_size: row.fileSize, file_path: row.filePath,
    mapping: JSON.stringify(row.mapping), options: JSON.stringify(row.options), headers: JSON.stringify(row.headers),
  });
}

const INSERT_IMPORT = once(() =>
  compiler.insertInto('imports').values({
    id: named('id'), file_name: named('file_name'), file_size: named('file_size'), file_path: named('file_path'),
    mapping: named('mapping'), options: named('options'), headers: named('headers'), status: 'running',
  } as never), // the counts and started_at take their defaults
);
const SET_STATUS = once(() => compiler.updateTable('imports').set({ status: named('status') }).where('id', '=', named('id')));
const IMPORT_BY_ID = once(() => compiler.selectFrom('imports').selectAll().where('id', '=', named('id')));
const RECENT_IMPORTS = once(() => compiler.selectFrom('imports').selectAll().orderBy('started_at', 'desc').orderBy('id', 'desc').limit(named('limit')));

export interface ImportCounts {
  rowsRead: number;
  imported: number;
  updated: number;
  duplicates: number;
  invalid: number;
  /** Rows kept with at least one warning. */
  warned: number;
  /** Rows folded into an earlier row of the same file with the same event id. */
  merged: number;
}

export function finishImportRow(db: Sqlite, id: string, status: ImportStatus, counts: ImportCounts | null, error: string | null, sha256: string | null = null, preflight: Preflight | null = null): void {
  const k = createKysely(db);
  const finishedAt = sql<string>`strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`;
  const query = counts
    ? k.updateTable('imports').set((eb) => ({
        status, rows_read: counts.rowsRead, rows_imported: counts.imported, rows_updated: counts.updated, rows_duplicate: counts.duplicates,
        rows_invalid: counts.invalid, rows_warned: counts.warned, rows_merged: counts.merged, error,
        file_sha256: eb.fn.coalesce(eb.val(sha256), eb.ref('file_sha256')), preflight: preflight ? JSON.stringify(preflight) : null, finished_at: finishedAt,
      }))
    : k.updateTable('imports').set({ status, error, finished_at: finishedAt });
  runQuery(db, query.where('id', '=', id));
}

/** The zone the import read its offset-less times in (0019), for re-deriving the times' text. */
export function setImportTimeZone(db: Sqlite, id: string, zone: string | null): void {
  runQuery(db, createKysely(db).updateTable('imports').set({ time_zone: zone }).where('id', '=', id));
}

/** An event's time as its file gave it, and the zone an offset-less text was read in; null when not known (not imported, or before 0019). */
export function findSourceTime(db: Sqlite, eventId: string): { source_time: string | null; event_time: string; time_zone: string | null } | undefined {
  return firstRow(
    db,
    createKysely(db)
      .selectFrom('conversion_events as e')
      .leftJoin('imports as i', 'i.id', 'e.import_id')
      .select(['e.source_time', 'e.event_time', 'i.time_zone'])
      .where('e.id', '=', eventId),
  );
}

export function setImportStatus(db: Sqlite, id: string, status: ImportStatus): void {
  run(db, SET_STATUS, { status, id });
}

export function findImport(db: Sqlite, id: string): ImportsTable | undefined {
  return get<ImportsTable>(db, IMPORT_BY_ID, { id });
}

export function toSummary(row: ImportsTable): ImportSummary {
  return {
    id: row.id,
    fileName: row.file_name,
    fileSize: row.file_size,
    fileSha256: row.file_sha256,
    status: row.status as ImportStatus,
    rowsRead: row.rows_read,
    imported: row.rows_imported,
    updated: row.rows_updated,
    duplicates: row.rows_duplicate,
    invalid: row.rows_invalid,
    warned: row.rows_warned,
    merged: row.rows_merged,
    error: row.error,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

export function listImports(db: Sqlite, limit: number): ImportSummary[] {
  return all<ImportsTable>(db, RECENT_IMPORTS, { limit }).map(toSummary);
}

export function importReport(db: Sqlite, row: ImportsTable, errorLimit = MAX_STORED_ERRORS): ImportReport {
  const k = createKysely(db);
  const errors = allRows<{ line: number; column_name: string | null; masked_value: string | null; reason: string; severity: string; related_event_id: string | null }>(
    db,
    k.selectFrom('import_errors').select(['line', 'column_name', 'masked_value', 'reason', 'severity', 'related_event_id']).where('import_id', '=', row.id).orderBy('line').orderBy('id').limit(errorLimit),
  ).map(
    (e): ImportRowError => ({
      row: e.line,
      severity: e.severity as ImportProblemSeverity,
      column: e.column_name,
      value: e.masked_value,
      reason: e.reason,
      ...(e.related_event_id ? { relatedEventId: e.related_event_id } : {}),
    }),
  );
  const refusedLines = new Set(errors.filter((e) => e.severity === 'error').map((e) => e.row)).size;
  return {
    ...toSummary(row),
    mapping: row.mapping ? (JSON.parse(row.mapping) as ImportMapping) : null,
    headers: row.headers ? (JSON.parse(row.headers) as string[]) : [],
    options: row.options ? (JSON.parse(row.options) as ImportOptions) : null,
    errors,
    errorsTruncated: errors.length >= errorLimit || row.rows_invalid > refusedLines,
    preflight: row.preflight ? (JSON.parse(row.preflight) as Preflight) : null,
  };
}

/** Refused rows' reasons by line (the "save error rows" file); warnings and duplicates are not errors. */
export function errorLines(db: Sqlite, importId: string): Map<number, string> {
  const rows = allRows<{ line: number; column_name: string | null; reason: string }>(
    db,
    createKysely(db).selectFrom('import_errors').select(['line', 'column_name', 'reason']).where('import_id', '=', importId).where('severity', '=', 'error').orderBy('line').orderBy('id'),
  );
  const map = new Map<number, string>();
  for (const row of rows) {
    const reason = row.column_name ? `${row.column_name}: ${row.reason}` : row.reason;
    map.set(row.line, map.has(row.line) ? `${map.get(row.line)}; ${reason}` : reason);
  }
  return map;
}

type Param = { readonly column: ImportColumn | 'currency_given' | 'name_given' };
const param = (column: Param['column']): Param => ({ column });

/**
 * Compiles a Kysely query built with `param(column)` placeholders once, and returns a function that
 * binds a row's values (IMPORT_COLUMNS order) in the compiled parameter order.
 */
function bindable(db: Sqlite, query: { compile(): CompiledLike }) {
  const compiled = query.compile();
  const statement = db.prepare(compiled.sql);
  // Each compiled parameter is a row value (its IMPORT_COLUMNS index), a flag, or a constant of the query.
  const slots = compiled.parameters.map((p): { at: number } | { flag: 'currency_given' | 'name_given' } | { constant: unknown } => {
    if (p === null || typeof p !== 'object' || !('column' in p)) return { constant: p };
    const column = (p as Param).column;
    if (column === 'currency_given' || column === 'name_given') return { flag: column };
    const at = COL[column];
    if (at === undefined) throw new Error(`unbound import parameter ${String(column)}`);
    return { at };
  });
  return (values: readonly unknown[], flags: { currency_given: boolean; name_given: boolean }) =>
    statement.run(slots.map((slot) => ('at' in slot ? values[slot.at] : 'flag' in slot ? (flags[slot.flag] ? 1 : 0) : slot.constant)));
}

/** Columns a later row may fill (merge) or a re-import may change (update); ids, import and line stay the first row's. */
const FILLABLE = IMPORT_COLUMNS.filter(
  (c) => !['id', 'event_id', 'import_id', 'created_at', 'updated_at', 'source_line', 'event_name', 'conversion_name', 'currency', 'event_value_micros', 'custom_params', 'consent_ad_user_data', 'consent_ad_personalization', 'event_time', 'source_time'].includes(c),
) as Exclude<ImportColumn, 'id'>[];

/** Prepared statements the pipeline runs per row (inside its one transaction). */
export function prepareImportStatements(db: Sqlite, k: Kysely<DB>) {
  const insert = insertOf(db, k, IMPORT_COLUMNS);
  const narrowInsert = narrowInsertFor(db, k);
  // Placeholders bound per row by bindable(): typed `any` because a column's value and a flag share them.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const ref = (c: ImportColumn) => sql.ref<any>(`conversion_events.${c}`);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const v = (c: Param['column']) => sql.val<any>(param(c));
  // A later row of the same file: fills what the first row left blank, never blanks or replaces it.
  // Value and currency are one fact: when the value is filled, the currency of that row comes with it.
  const merge = bindable(
    db,
    k
      .updateTable('conversion_events')
      .set((eb) => ({
        ...Object.fromEntries(FILLABLE.map((c) => [c, eb.fn.coalesce(ref(c), v(c))])),
        currency: eb.case().when(eb.and([eb('event_value_micros', 'is', null), eb(v('event_value_micros'), 'is not', null), eb(v('currency_given'), '=', 1)])).then(v('currency')).else(ref('currency')).end(),
        event_value_micros: eb.fn.coalesce(ref('event_value_micros'), v('event_value_micros')),
        custom_params: eb.case().when(v('custom_params'), 'is', null).then(ref('custom_params')).when(ref('custom_params'), 'is', null).then(v('custom_params'))
          .else(eb.fn('json_patch', [v('custom_params'), ref('custom_params')])).end(),
        consent_ad_user_data: eb.case().when(ref('consent_ad_user_data'), '=', 'unspecified').then(v('consent_ad_user_data')).else(ref('consent_ad_user_data')).end(),
        consent_ad_personalization: eb.case().when(ref('consent_ad_personalization'), '=', 'unspecified').then(v('consent_ad_personalization')).else(ref('consent_ad_personalization')).end(),
      }))
      .where('event_id', '=', v('event_id')),
  );
  // An event stored by an earlier import: the new row's non-blank cells win; a blank cell, the import's
  // default currency or its default conversion name never replace what is stored. A sent event is never changed.
  const update = bindable(
    db,
    k
      .updateTable('conversion_events')
      .set((eb) => ({
        ...Object.fromEntries(FILLABLE.map((c) => [c, eb.fn.coalesce(v(c), ref(c))])),
        event_time: v('event_time'),
        // The time and its text are one fact (the caller gives the text in full: the event keeps its first import's zone).
        source_time: v('source_time'),
        event_value_micros: eb.fn.coalesce(v('event_value_micros'), ref('event_value_micros')),
        currency: eb.case().when(v('currency_given'), '=', 1).then(v('currency')).else(ref('currency')).end(),
        conversion_name: eb.case().when(v('name_given'), '=', 1).then(v('conversion_name')).else(ref('conversion_name')).end(),
        event_name: eb.case().when(v('name_given'), '=', 1).then(v('event_name')).else(ref('event_name')).end(),
        custom_params: eb.case().when(v('custom_params'), 'is', null).then(ref('custom_params')).when(ref('custom_params'), 'is', null).then(v('custom_params'))
          .else(eb.fn('json_patch', [ref('custom_params'), v('custom_params')])).end(),
        consent_ad_user_data: eb.case().when(v('consent_ad_user_data'), '=', 'unspecified').then(ref('consent_ad_user_data')).else(v('consent_ad_user_data')).end(),
        consent_ad_personalization: eb.case().when(v('consent_ad_personalization'), '=', 'unspecified').then(ref('consent_ad_personalization')).else(v('consent_ad_personalization')).end(),
        updated_at: v('updated_at'),
      }))
      .where('event_id', '=', v('event_id'))
      .where('sync_status', '<>', 'sent'),
  );
  const existingQuery = k
    .selectFrom('conversion_events')
    .select(['id', 'import_id', 'sync_status', 'updated_at', 'source_line', ...CONFLICT_COLUMNS])
    .where('event_id', '=', '')
    .compile();
  const existing = db.prepare(existingQuery.sql);
  const errorQuery = k
    .insertInto('import_errors')
    // id is the INTEGER PRIMARY KEY (a rowid alias), assigned by SQLite.
    .values({ import_id: '', line: 0, column_name: null, masked_value: null, reason: '', severity: 'error', related_event_id: null } as never)
    .compile();
  const error = db.prepare(errorQuery.sql);
  return {
    /** Values in IMPORT_COLUMNS order. True when inserted, false when the event_id already exists. */
    insert(values: unknown[]): boolean {
      const narrow = narrowInsert(values);
      return (narrow ?? insert.run(values)).changes === 1;
    },
    /** Fills the blanks of an event stored earlier in this import. */
    merge(values: unknown[], flags: { currency_given: boolean; name_given: boolean }): void {
      merge(values, flags);
    },
    /** True when updated; false when the existing event was already sent. */
    update(values: unknown[], flags: { currency_given: boolean; name_given: boolean }): boolean {
      return update(values, flags).changes === 1;
    },
    existing(eventId: string): ExistingEvent | undefined {
      return existing.get(eventId) as ExistingEvent | undefined;
    },
    error(importId: string, e: ImportRowError): void {
      error.run(importId, e.row, e.column, e.value, e.reason, e.severity ?? 'error', e.relatedEventId ?? null);
    },
  };
}

/** Columns of conversion_events whose default is NULL (pragma_table_info: no builder form). */
const NULL_BY_DEFAULT = once(() =>
  compiler
    .selectFrom(sql<{ name: string; dflt_value: unknown }>`pragma_table_info(${'conversion_events'})`.as('t'))
    .select('t.name')
    .where('t.dflt_value', 'is', null),
);

/** INSERT … ON CONFLICT (event_id) DO NOTHING of these columns, compiled once; `slots[i]` = the IMPORT_COLUMNS index of the i-th value it binds. */
function insertStatement(db: Sqlite, k: Kysely<DB>, columns: readonly ImportColumn[]) {
  const compiled = k
    .insertInto('conversion_events')
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    .values(Object.fromEntries(columns.map((c) => [c, sql.val<any>(param(c))])) as never)
    .onConflict((oc) => oc.column('event_id').doNothing())
    .compile();
  const slots = compiled.parameters.map((p) => {
    const at = COL[(p as Param).column as ImportColumn];
    if (at === undefined) throw new Error(`unbound import parameter ${String(p)}`);
    return at;
  });
  return { statement: db.prepare(compiled.sql), slots };
}

/** The full INSERT, bound straight from a row's values (IMPORT_COLUMNS order) when the compiled order is that order. */
function insertOf(db: Sqlite, k: Kysely<DB>, columns: readonly ImportColumn[]) {
  const { statement, slots } = insertStatement(db, k, columns);
  const inOrder = slots.length === IMPORT_COLUMNS.length && slots.every((at, i) => at === i);
  const bound = new Array<unknown>(slots.length);
  return {
    run(values: readonly unknown[]) {
      if (inOrder) return statement.run(values as unknown[]);
      for (let i = 0; i < slots.length; i++) bound[i] = values[slots[i]!];
      return statement.run(bound);
    },
  };
}

/**
 * An import's rows leave most of IMPORT_COLUMNS null (a file has an email or not, address fields or
 * not), and binding ~20 nulls into a 45-column INSERT costs the pipeline thread ~1–2 µs a row (of
 * ~11–13 µs per insert with the bulk load; docs/benchmarks.md). This INSERT leaves out the columns
 * that are null in the import's first row and whose default is NULL, so the same row is stored. A
 * row with a value in a left-out column (or any undefined value) is not run here: the caller runs
 * the full INSERT. Returns the run's result, or null when the caller must run the full INSERT.
 */
function narrowInsertFor(db: Sqlite, k: Kysely<DB>) {
  const nullByDefault = new Set(pluck<string>(db, NULL_BY_DEFAULT));
  let narrow: { run(values: unknown[]): { changes: number }; slots: number[]; omitted: number[]; bound: unknown[] } | null = null;
  return (values: readonly unknown[]): { changes: number } | null => {
    if (narrow === null) {
      const kept = IMPORT_COLUMNS.filter((c, i) => values[i] !== null || !nullByDefault.has(c));
      const { statement, slots } = insertStatement(db, k, kept);
      narrow = {
        run: (bound) => statement.run(bound),
        slots,
        omitted: IMPORT_COLUMNS.map((_, i) => i).filter((i) => !slots.includes(i)),
        bound: new Array<unknown>(slots.length),
      };
    }
    const { slots, omitted, bound } = narrow;
    for (const at of omitted) if (values[at] !== null) return null;
    for (let i = 0; i < slots.length; i++) {
      const value = values[slots[i]!];
      if (value === undefined) return null;
      bound[i] = value;
    }
    return narrow.run(bound);
  };
}

/** What makes two rows with one event id two different events when both give it (a merge then tells the user). */
export const CONFLICT_COLUMNS = ['event_time', 'event_value_micros', 'user_email_hash', 'meta_email_hash', 'user_phone_hash', 'meta_phone_hash'] as const;

export type ExistingEvent = {
  id: string;
  import_id: string | null;
  sync_status: string;
  updated_at: string;
  source_line: number | null;
} & Record<(typeof CONFLICT_COLUMNS)[number], unknown>;

const FIND_BRAND = once(() => compiler.selectFrom('brands').select('id').where('name', '=', named('name')));
const ADD_BRAND = once(() => compiler.insertInto('brands').values({ id: named('id'), name: named('name') } as never)); // created_at: its default
const FIND_CAMPAIGN = once(() => compiler.selectFrom('campaigns').select('id').where('name', '=', named('name')).orderBy('created_at').limit(1));
const ADD_CAMPAIGN = once(() => compiler.insertInto('campaigns').values({ id: named('id'), name: named('name') } as never)); // created_at: its default

/** Resolves campaign/brand names to ids, creating missing ones (inside the import's transaction). */
export function catalogLookups(db: Sqlite) {
  const findBrand = prepare<{ id: string }>(db, FIND_BRAND);
  const addBrand = prepare(db, ADD_BRAND);
  const findCampaign = prepare<{ id: string }>(db, FIND_CAMPAIGN);
  const addCampaign = prepare(db, ADD_CAMPAIGN);
  const brands = new Map<string, string>();
  const campaigns = new Map<string, string>();
  const resolve = (cache: Map<string, string>, find: typeof findBrand, add: typeof addBrand, name: string) => {
    let id = cache.get(name);
    if (id) return id;
    id = find.get({ name })?.id;
    if (!id) {
      id = uuidv7();
      add.run({ id, name });
    }
    cache.set(name, id);
    return id;
  };
  return {
    brandId: (name: string) => resolve(brands, findBrand, addBrand, name),
    campaignId: (name: string) => resolve(campaigns, findCampaign, addCampaign, name),
  };
}

const SENT_COUNT = once(() =>
  compiler.selectFrom('conversion_events').select((eb) => eb.fn.countAll<number>().as('n')).where('import_id', '=', named('importId')).where('sync_status', '=', 'sent'),
);
const DELETE_CHUNK = once(() =>
  compiler
    .deleteFrom('conversion_events')
    .where(sql<number>`rowid`, 'in', compiler.selectFrom('conversion_events').select(sql<number>`rowid`.as('rowid')).where('import_id', '=', named('importId')).limit(named('limit'))),
);
const RUNNING_IMPORTS = once(() => compiler.selectFrom('imports').select('id').where('status', '=', 'running'));
const DELETE_IMPORT_EVENTS = once(() => compiler.deleteFrom('conversion_events').where('import_id', '=', named('importId')));

export function sentEventCount(db: Sqlite, importId: string): number {
  return get<{ n: number }>(db, SENT_COUNT, { importId })!.n;
}

/** Deletes up to `limit` events of an import; returns how many were deleted. */
export function deleteImportEventsChunk(db: Sqlite, importId: string, limit: number): number {
  return run(db, DELETE_CHUNK, { importId, limit }).changes;
}

/**
 * A leftover 'running' import (the app or CLI died mid-import) becomes 'failed', and any events it
 * left are removed. The pipeline commits once at the end, so normally there are none. A live import
 * holds the write lock for its whole run: when the lock is taken, another process is importing right
 * now, so nothing is touched (and opening the app or CLI does not wait for it).
 */
export function recoverInterruptedImports(db: Sqlite): number {
  const running = all<{ id: string }>(db, RUNNING_IMPORTS);
  if (running.length === 0) return 0;
  const timeout = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma('busy_timeout = 0');
  try {
    beginImmediate(db);
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_BUSY') return 0;
    throw error;
  } finally {
    db.pragma(`busy_timeout = ${timeout}`);
  }
  try {
    for (const { id } of running) {
      run(db, DELETE_IMPORT_EVENTS, { importId: id });
      finishImportRow(db, id, 'failed', null, 'The import was interrupted (the app closed or crashed); nothing from it was kept.');
    }
    commit(db);
  } catch (error) {
    if (db.inTransaction) rollback(db);
    throw error;
  }
  return running.length;
}

// ---- mapping presets ----

export function listPresets(db: Sqlite): MappingPreset[] {
  return all<PresetRow>(db, ALL_PRESETS).map(toPreset);
}

type PresetRow = { id: string; name: string; mapping: string; created_at: string };
const PRESET_COLUMNS = ['id', 'name', 'mapping', 'created_at'] as const;
const ALL_PRESETS = once(() => compiler.selectFrom('mapping_presets').select(PRESET_COLUMNS).orderBy('name'));
const PRESET_BY_KEY = once(() => compiler.selectFrom('mapping_presets').select(PRESET_COLUMNS).where('header_key', '=', named('key')).orderBy('created_at', 'desc').limit(1));
const PRESET_BY_NAME = once(() => compiler.selectFrom('mapping_presets').select(PRESET_COLUMNS).where('name', '=', named('name')));
const UPDATE_PRESET = once(() => compiler.updateTable('mapping_presets').set({ header_key: named('key'), mapping: named('mapping') }).where('id', '=', named('id')));
const INSERT_PRESET = once(() => compiler.insertInto('mapping_presets').values({ id: named('id'), name: named('name'), header_key: named('key'), mapping: named('mapping') } as never)); // created_at: its default
const DELETE_PRESET = once(() => compiler.deleteFrom('mapping_presets').where('id', '=', named('id')));

function toPreset(row: PresetRow): MappingPreset {
  const stored = JSON.parse(row.mapping) as { headers: string[]; mapping: ImportMapping };
  return { id: row.id, name: row.name, headers: stored.headers, mapping: stored.mapping, createdAt: row.created_at };
}

export function findPresetByHeaderKey(db: Sqlite, key: string): MappingPreset | undefined {
  const row = get<PresetRow>(db, PRESET_BY_KEY, { key });
  return row ? toPreset(row) : undefined;
}

export function findPresetByName(db: Sqlite, name: string): MappingPreset | undefined {
  const row = get<PresetRow>(db, PRESET_BY_NAME, { name });
  return row ? toPreset(row) : undefined;
}

/** Saves (or replaces, by name) a preset. */
export function upsertPreset(db: Sqlite, name: string, key: string, headers: string[], mapping: ImportMapping): string {
  const existing = get<PresetRow>(db, PRESET_BY_NAME, { name });
  const json = JSON.stringify({ headers, mapping });
  if (existing) {
    run(db, UPDATE_PRESET, { key, mapping: json, id: existing.id });
    return existing.id;
  }
  const id = uuidv7();
  run(db, INSERT_PRESET, { id, name, key, mapping: json });
  return id;
}

export function deletePreset(db: Sqlite, id: string): boolean {
  return run(db, DELETE_PRESET, { id }).changes === 1;
}

// ---- pre-flight ----

export interface PreflightCounts {
  unmatchable: number;
  googleCannot: number;
  metaCannot: number;
  quality: MatchQuality;
}

/** How many of an import's events no platform / not Google / not Meta can match. */
export function preflightCounts(db: Sqlite, importId: string): PreflightCounts {
  const k = createKysely(db);
  // One scan of the import's events for the pre-flight counts and the report's fill rates.
  const row = firstRow<Record<string, number | null>>(
    db,
    k
      .selectFrom('conversion_events')
      .select((eb) => {
        const { google, meta } = matchKeys(eb);
        const count = (condition: Expression<SqlBool>) => eb.fn.sum<number>(eb.case().when(condition).then(1).else(0).end());
        return [count(eb.and([eb.not(google), eb.not(meta)])).as('unmatchable'), count(eb.not(google)).as('googleCannot'), count(eb.not(meta)).as('metaCannot'), ...qualitySelections(eb)];
      })
      .where('import_id', '=', importId),
  );
  return { unmatchable: row?.unmatchable ?? 0, googleCannot: row?.googleCannot ?? 0, metaCannot: row?.metaCannot ?? 0, quality: qualityFromRow(row ?? {}) };
}

/** The first `limit` events of an import that some platform cannot match, with which. */
export function preflightEvents(db: Sqlite, importId: string, limit: number): { id: string; line: number | null; google: number; meta: number }[] {
  const k = createKysely(db);
  return allRows(
    db,
    k
      .selectFrom('conversion_events')
      .select((eb) => {
        const { google, meta } = matchKeys(eb);
        return ['id', 'source_line as line', eb.case().when(google).then(1).else(0).end().as('google'), eb.case().when(meta).then(1).else(0).end().as('meta')];
      })
      .where('import_id', '=', importId)
      .where((eb) => {
        const { google, meta } = matchKeys(eb);
        return eb.or([eb.not(google), eb.not(meta)]);
      })
      .orderBy('source_line')
      .limit(limit),
  );
}

/** Deletes every event of an import (a failed or cancelled one leaves nothing behind). */
export function deleteImportEvents(db: Sqlite, importId: string): number {
  return Number(runQuery(db, createKysely(db).deleteFrom('conversion_events').where('import_id', '=', importId)).changes);
}
