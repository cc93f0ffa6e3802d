/**
 * The delivery filter's SQL (destination × status on conversion_events), used by filter-sql.ts for the
 * review grid, the exports and the sending engine's selection. No imports from the events feature, so
 * filter-sql.ts can use it without a cycle.
 */
import { FORMAT_DESTINATION, type DeliveryFilter, type Destination } from '../../shared/domain/delivery';
import { EXPORT_FORMATS, type ExportFormat } from '../../shared/domain/exports';
import type { ConversionSyncStatus } from '../../shared/domain/events';

/**
 * The status of an event's delivery to `destination`: its row's, or — no row yet — the event's own
 * sync_status. For a WHERE on conversion_events (unaliased).
 */
export function destinationStatusSql(destination: Destination): string {
  return `coalesce((SELECT d.status FROM event_deliveries d WHERE d.event_id = conversion_events.id AND d.destination = '${destination}'), sync_status)`;
}

const STATUS_RANK: Record<ConversionSyncStatus, number> = { failed: 0, queued: 1, pending: 2, sent: 3, skipped: 4 };

/**
 * WHERE fragment for "delivery to D is in S" on conversion_events. Adds the overall statuses the rule
 * allows (a delivery ranks at most as high as its event), so the (sync_status) index and the facet
 * path narrow first: "Google queued" reads only queued and failed events.
 */
export function deliveryFilterSql(filter: DeliveryFilter): { sql: string; params: unknown[] } {
  const lowest = Math.max(...filter.statuses.map((s) => STATUS_RANK[s]));
  const overall = (Object.keys(STATUS_RANK) as ConversionSyncStatus[]).filter((s) => STATUS_RANK[s] <= lowest);
  const statuses = [...new Set(filter.statuses)];
  return {
    sql: `sync_status IN (${overall.map(() => '?').join(', ')}) AND ${destinationStatusSql(filter.destination)} IN (${statuses.map(() => '?').join(', ')})`,
    params: [...overall, ...statuses],
  };
}

/** The file formats uploaded to a destination (null: the spreadsheet CSV, which goes nowhere). */
export function formatsOfDestination(destination: Destination | null): ExportFormat[] {
  return EXPORT_FORMATS.filter((format) => FORMAT_DESTINATION[format] === destination);
}
