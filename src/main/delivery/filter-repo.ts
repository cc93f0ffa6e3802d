/**
 * The delivery filter (destination × status on conversion_events), used by the events filter for the
 * review grid, the exports and the sending engine's selection. No imports from the events feature, so
 * the events filter can use it without a cycle.
 */
import { expressionBuilder, sql, type Expression, type SqlBool } from 'kysely';
import { FORMAT_DESTINATION, type DeliveryFilter, type Destination } from '../../shared/domain/delivery';
import type { ConversionSyncStatus } from '../../shared/domain/events';
import { EXPORT_FORMATS, type ExportFormat } from '../../shared/domain/exports';
import type { DB } from '../db/schema';

const eb = expressionBuilder<DB, 'conversion_events'>();

/**
 * The status of an event's delivery to `destination`: its row's, or — no row yet — the event's own
 * sync_status. For a WHERE on conversion_events (unaliased).
 */
export function destinationStatus(destination: Destination): Expression<string> {
  const ofRow = eb
    .selectFrom('event_deliveries as d')
    .select('d.status')
    .whereRef('d.event_id', '=', 'conversion_events.id')
    .where('d.destination', '=', sql.lit(destination));
  return eb.fn.coalesce(ofRow, eb.ref('sync_status'));
}

const STATUS_RANK: Record<ConversionSyncStatus, number> = { failed: 0, queued: 1, pending: 2, sent: 3, skipped: 4 };

/**
 * "Delivery to D is in S" on conversion_events. Adds the overall statuses the rule allows (a delivery
 * ranks at most as high as its event), so the (sync_status) index and the facet path narrow first:
 * "Google queued" reads only queued and failed events.
 */
export function deliveryFilterExpression(filter: DeliveryFilter): Expression<SqlBool> {
  const lowest = Math.max(...filter.statuses.map((s) => STATUS_RANK[s]));
  const overall = (Object.keys(STATUS_RANK) as ConversionSyncStatus[]).filter((s) => STATUS_RANK[s] <= lowest);
  const statuses = [...new Set(filter.statuses)];
  return eb.and([eb('sync_status', 'in', overall), eb(destinationStatus(filter.destination), 'in', statuses)]);
}

/** The file formats uploaded to a destination (null: the spreadsheet CSV, which goes nowhere). */
export function formatsOfDestination(destination: Destination | null): ExportFormat[] {
  return EXPORT_FORMATS.filter((format) => FORMAT_DESTINATION[format] === destination);
}
