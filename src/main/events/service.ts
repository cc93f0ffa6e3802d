import {
  ConversionEventInsertSchema,
  SyncFieldsUpdateSchema,
  type ConversionEvent,
  type ConversionEventInsert,
  type SyncFieldsUpdate,
} from '../../shared/domain/events';
import { EventListInputSchema, type EventFilterParsed, type EventListInput } from '../../shared/domain/filters';
import { decimalToMicros } from '../../shared/domain/money';
import { illegalTransitionReason, TRANSITIONS, type SyncAction } from '../../shared/domain/sync';
import type { EventDetail, EventPage, StatusCounts, TransitionOutcome } from '../../shared/ipc/channels/events';
import { AppError } from '../../shared/ipc/result';
import type { Sqlite } from '../db/connection';
import { hashIdentity } from '../identity';
import { formatIssues } from '../ipc/bind';
import { randomToken, uuidv7 } from '../lib/ids';
import { facetCacheOf } from './facet-cache';
import type { FacetIndex, FacetPageQuery } from './facets';
import { rowidOfEventId } from './facets-repo';
import * as repo from './repo';
import { attachDeliveries, deliveriesOf } from '../delivery/repo';
import { hasDeliveryRows, patchDeliveries } from '../delivery/patch-repo';
import { DESTINATIONS, DESTINATION_LABELS, deriveOverallStatus, routeOf } from '../../shared/domain/delivery';
import { getSettings } from '../settings/service';
import { resolveSearch } from './search-repo';
import { applyTransition, changeExists, statusBreakdown, undoChange } from './transitions-repo';

export type Target = { ids: string[] } | { filter: EventFilterParsed };

const nowIso = () => new Date().toISOString();

/** `<event_name>_<unix ms>_<16 hex from crypto>` — the original plan's shape, without Math.random. */
export function generateEventId(eventName: string, eventTime: string): string {
  return `${eventName}_${Date.parse(eventTime)}_${randomToken(8)}`;
}

export function parseOrThrow<T>(schema: { safeParse(input: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, input: unknown, what: string): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new AppError('validation', `Invalid ${what}: ${formatIssues(parsed.error.issues)}`);
  return parsed.data;
}

/**
 * A single event entered by hand is all-or-nothing: any identifier a platform cannot use (including a pre-hashed value,
 * whose platform the form cannot say) refuses the event with the field, the platform and the reason.
 */
function identityHashes(data: { email?: string | null; phone?: string | null; first_name?: string | null; last_name?: string | null; default_country?: string }) {
  const { columns, problems } = hashIdentity({ email: data.email, phone: data.phone, firstName: data.first_name, lastName: data.last_name }, { defaultCountry: data.default_country });
  const problem = problems[0];
  if (problem) {
    const where = problem.platform === 'both' ? '' : ` for ${problem.platform === 'google' ? 'Google' : 'Meta'}`;
    throw new AppError('validation', `Invalid ${problem.field}${where}: ${problem.reason}`, { field: problem.field });
  }
  return {
    user_email_hash: columns.user_email_hash,
    user_phone_hash: columns.user_phone_hash,
    user_first_name_hash: columns.user_first_name_hash,
    user_last_name_hash: columns.user_last_name_hash,
    meta_email_hash: columns.meta_email_hash,
    meta_phone_hash: columns.meta_phone_hash,
    meta_first_name_hash: columns.meta_first_name_hash,
    meta_last_name_hash: columns.meta_last_name_hash,
  };
}

export function createEvent(db: Sqlite, input: ConversionEventInsert): ConversionEvent {
  const data = parseOrThrow(ConversionEventInsertSchema, input, 'event');
  const hashes = identityHashes(data);
  const now = nowIso();
  const eventTime = data.event_time ?? now;
  const eventId = data.event_id ?? generateEventId(data.event_name, eventTime);
  const existing = repo.findEventByEventId(db, eventId);
  if (existing) {
    throw new AppError('duplicate', `An event with event_id "${eventId}" already exists (id ${existing.id})`, { existingId: existing.id });
  }
  const row: repo.InsertRow = {
    id: uuidv7(),
    event_name: data.event_name,
    event_id: eventId,
    ...hashes,
    user_ip: data.user_ip ?? null,
    user_agent: data.user_agent ?? null,
    event_value_micros: data.event_value == null ? null : decimalToMicros(data.event_value),
    currency: data.currency ?? 'USD',
    transaction_id: data.transaction_id ?? null,
    custom_params: data.custom_params == null ? null : JSON.stringify(data.custom_params),
    source: data.source ?? null,
    campaign_id: data.campaign_id ?? null,
    brand_id: data.brand_id ?? null,
    import_id: null,
    gclid: data.gclid ?? null,
    gbraid: data.gbraid ?? null,
    wbraid: data.wbraid ?? null,
    fbc: data.fbc ?? null,
    fbp: data.fbp ?? null,
    consent_ad_user_data: data.consent_ad_user_data ?? 'unspecified',
    consent_ad_personalization: data.consent_ad_personalization ?? 'unspecified',
    event_time: eventTime,
    created_at: now,
    updated_at: now,
  };
  try {
    repo.prepareInsert(db)(row);
  } catch (error) {
    const message = String((error as Error).message);
    if (message.includes('FOREIGN KEY')) throw new AppError('not_found', 'The campaign or brand does not exist');
    throw error;
  }
  return getEvent(db, row.id);
}

export function getEvent(db: Sqlite, id: string): ConversionEvent {
  const row = repo.findEventById(db, id);
  if (!row) throw new AppError('not_found', `No event with id ${id}`);
  return attachDeliveries(db, [repo.rowToEvent(row)])[0]!;
}

export function getEventDetail(db: Sqlite, id: string): EventDetail {
  const event = getEvent(db, id);
  return { event, history: repo.listHistory(db, id), importName: event.import_id ? repo.findImportName(db, event.import_id) : null };
}

function encodeCursor(key: string | number, id: string | number): string {
  return Buffer.from(JSON.stringify([key, id])).toString('base64url');
}
function decodeCursor(cursor: string): { key: string | number; id: string | number } {
  try {
    const [key, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    if ((typeof key === 'string' || typeof key === 'number') && (typeof id === 'string' || (typeof id === 'number' && Number.isSafeInteger(id)))) return { key, id };
  } catch {
    /* fall through */
  }
  throw new AppError('validation', 'Invalid cursor: it did not come from a previous page of this list');
}

/**
 * A page's rows chosen by the facet index (then read by rowid), or null when the index cannot answer
 * this query (search or batch filter, OFFSET paging, a cursor row that no longer exists).
 */
function listFromFacets(db: Sqlite, index: FacetIndex, query: repo.ListQuery): repo.ListRows | null {
  if (!index.supports(query.filter) || query.offset) return null;
  let after: FacetPageQuery['after'];
  if (query.after) {
    const { key, id } = query.after;
    if (query.sort.field === 'sync_status') after = { key, tie: id };
    else {
      const rowid = typeof id === 'string' ? rowidOfEventId(db, id) : null;
      if (rowid === null) return null;
      after = { key, tie: id, tiePosition: index.positionOfRowid(rowid) };
    }
  }
  const rowids = index.pageRowids({ filter: query.filter, sort: query.sort, limit: query.limit, after });
  if (!rowids) return null;
  const rows = repo.eventRowsByRowid(db, rowids, query.sort.field);
  // A row the snapshot had but the table no longer has: the index is stale after all.
  return rows.length === rowids.length ? { rows } : null;
}

export function listEvents(db: Sqlite, input: EventListInput): EventPage {
  const parsed = parseOrThrow(EventListInputSchema, input, 'list request');
  const query = { ...parsed, filter: resolveSearch(db, parsed.filter) };
  const listQuery: repo.ListQuery = {
    filter: query.filter,
    sort: query.sort,
    limit: query.limit,
    after: query.cursor ? decodeCursor(query.cursor) : undefined,
    offset: query.offset,
  };
  const facets = facetCacheOf(db)?.current();
  const result = (facets && listFromFacets(db, facets, listQuery)) || repo.listEventRows(db, listQuery);
  const last = result.rows[result.rows.length - 1];
  return {
    events: attachDeliveries(db, result.rows.map((row) => repo.rowToEvent(row))),
    total: query.withTotal ? countEvents(db, query.filter).total : null,
    nextCursor: last && result.rows.length === query.limit ? encodeCursor(last.sort_key, last.sort_tie) : null,
  };
}

export function countsFrom(byStatus: StatusCounts): { total: number; byStatus: StatusCounts } {
  return { total: Object.values(byStatus).reduce((sum, n) => sum + n, 0), byStatus };
}

/** The conversion names a filter can pick from (the facet index's dictionary when current, else SQL). */
export function listConversionNames(db: Sqlite, limit = 1000): { names: string[]; truncated: boolean } {
  const fromIndex = facetCacheOf(db)?.current()?.conversionNames();
  const names = fromIndex ?? repo.distinctConversionNames(db, limit + 1);
  return { names: names.slice(0, limit), truncated: names.length > limit };
}

/** Exact counts by status: from the facet index when it is current, else from SQL. */
export function countEvents(db: Sqlite, unresolved: EventFilterParsed): { total: number; byStatus: StatusCounts } {
  const filter = resolveSearch(db, unresolved);
  const facets = facetCacheOf(db)?.current();
  return countsFrom(facets?.supports(filter) ? facets.countByStatus(filter) : repo.countByStatus(db, filter));
}

/**
 * The original API's PATCH: sync fields only (whitelist enforced by a strict schema). On an event
 * whose deliveries were already written per destination, the patch applies to its delivery to every
 * destination it is routed to (so sync_status stays derived from them); when a delivery it is not
 * routed to keeps the event from having the asked status, the patch is refused (conflict, with the
 * destination) and nothing changes.
 */
export function updateSyncFields(db: Sqlite, id: string, patch: SyncFieldsUpdate): ConversionEvent {
  const data = parseOrThrow(SyncFieldsUpdateSchema, patch, 'sync update');
  const before = getEvent(db, id);
  const now = nowIso();
  db.transaction(() => {
    if (hasDeliveryRows(db, id)) {
      const route = routeOf(getSettings(db), before);
      const routed = DESTINATIONS.filter((d) => route[d]);
      patchDeliveries(db, id, routed, data, now);
      const rows = deliveriesOf(db, [id]);
      const derived = deriveOverallStatus(rows.map((r) => r.status));
      if (data.sync_status && derived !== data.sync_status) {
        const other = rows.find((r) => !routed.includes(r.destination) && r.status !== 'skipped');
        throw new AppError(
          'conflict',
          `Cannot set this event to ${data.sync_status}: its delivery to ${other ? DESTINATION_LABELS[other.destination] : 'another destination'} is ${other?.status ?? derived} and it is not routed there by the current Settings, so the event would stay ${derived}. Change that delivery from the review grid instead.`,
          { reason: 'delivery_disagrees', destination: other?.destination ?? null, status: other?.status ?? derived },
        );
      }
    }
    repo.updateSyncFields(db, id, data, now);
    if (data.sync_status && data.sync_status !== before.sync_status) {
      repo.insertHistory(db, { event_id: id, from_status: before.sync_status, to_status: data.sync_status, action: 'patch', note: data.sync_error ?? null });
    }
  })();
  return getEvent(db, id);
}

/**
 * Runs a state-machine action on events chosen by ids or by filter. Events that may not make the
 * transition are counted as refused and left unchanged; when everything is refused, nothing is
 * written and an `illegal_transition` error explains why.
 */
export function transitionEvents(db: Sqlite, action: SyncAction, target: Target, reason?: string, batchId?: string | null): TransitionOutcome {
  if (action === 'mark_failed' && !reason?.trim()) {
    throw new AppError('validation', 'Marking events failed needs a reason (what the platform said)');
  }
  const changeId = `chg_${uuidv7()}`;
  const outcome = db.transaction((): TransitionOutcome => {
    const where = repo.targetWhere(db, target);
    const missing = 'ids' in target ? target.ids.filter((id) => !repo.existingIds(db, [id]).has(id)) : [];
    const breakdown = statusBreakdown(db, where);
    const allowed = TRANSITIONS[action].from;
    const refused = breakdown
      .filter((entry) => !allowed.includes(entry.status))
      .map((entry) => ({ ...entry, reason: illegalTransitionReason(action, entry.status) }));
    const changed = applyTransition(db, { action, where, note: reason?.trim() || null, changeId, now: nowIso(), batchId });
    return { changed, refused, missing, undoToken: changed > 0 ? changeId : null };
  })();
  if (outcome.changed === 0 && (outcome.refused.length > 0 || outcome.missing.length > 0)) {
    const parts = outcome.refused.map((r) => `${r.count} ${r.reason}`);
    if (outcome.missing.length) parts.push(`${outcome.missing.length} not found`);
    throw new AppError('illegal_transition', `Nothing changed: ${parts.join('; ')}`, outcome);
  }
  return outcome;
}

export function undoTransition(db: Sqlite, undoToken: string): { restored: number } {
  if (!changeExists(db, undoToken)) throw new AppError('not_found', 'That change cannot be undone (unknown undo token)');
  const restored = db.transaction(() => undoChange(db, undoToken, `chg_${uuidv7()}`, nowIso()))();
  return { restored };
}

export function deleteEvents(db: Sqlite, target: Target): { deleted: number; refused: number; reason: string | null } {
  return db.transaction(() => {
    const where = repo.targetWhere(db, target);
    const { deleted, sent } = repo.deleteUnsent(db, where);
    return { deleted, refused: sent, reason: sent ? `${sent} sent event(s) kept: sent conversions are the record of what the platform received` : null };
  })();
}

export function assignEvents(db: Sqlite, target: Target, fields: { campaignId?: string | null; brandId?: string | null }): { changed: number } {
  return db.transaction(() => {
    const where = repo.targetWhere(db, target);
    try {
      return { changed: repo.assignWhere(db, where, { campaign_id: fields.campaignId, brand_id: fields.brandId }, nowIso()) };
    } catch (error) {
      if (String((error as Error).message).includes('FOREIGN KEY')) throw new AppError('not_found', 'The campaign or brand does not exist');
      throw error;
    }
  })();
}
