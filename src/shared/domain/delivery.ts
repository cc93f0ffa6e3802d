import { z } from 'zod';
import { DeliveryStateSchema, SYNC_STATUSES, type ConversionEventName, type ConversionSyncStatus } from './events';
import type { ExportFormat } from './exports';
import { googleActionFor, metaEventFor } from './destinations';
import type { AppSettings } from './settings';

/**
 * Delivery per destination (DESIGN.md §4, issue 12 item 0). Each event is delivered to every
 * destination it is routed to independently; each delivery follows the sync state machine on its own
 * (pending → queued → sent / failed / skipped), and the event's `sync_status` is its overall state,
 * derived from its deliveries by `deriveOverallStatus`.
 */
export const DESTINATIONS = ['google_ads', 'meta'] as const;
export const DestinationSchema = z.enum(DESTINATIONS);
export type Destination = z.infer<typeof DestinationSchema>;

export const DESTINATION_LABELS: Record<Destination, string> = { google_ads: 'Google Ads', meta: 'Meta' };
/** Short chip labels for the review grid. */
export const DESTINATION_SHORT: Record<Destination, string> = { google_ads: 'Google', meta: 'Meta' };

/** The destination a file format is uploaded to (google-click / google-leads → Google Ads, meta → Meta, csv → none). */
export const FORMAT_DESTINATION: Record<ExportFormat, Destination | null> = {
  'google-click': 'google_ads',
  'google-leads': 'google_ads',
  meta: 'meta',
  csv: null,
};

/**
 * Priority of a delivery status in the overall state, highest first: what most needs the user's
 * attention wins. `failed` (something to fix) > `queued` (something to send) > `pending` (something
 * to decide) > `sent` (delivered) > `skipped` (nothing wanted).
 */
export const STATUS_PRIORITY: readonly ConversionSyncStatus[] = ['failed', 'queued', 'pending', 'sent', 'skipped'];

/**
 * THE rule (one place; the SQL in delivery/repo.ts and migration 0012 write the same CASE):
 * - `failed` when any destination failed;
 * - else `queued` when any is queued;
 * - else `pending` when any is pending;
 * - else `sent` when any is sent (every destination is sent or skipped: delivered wherever wanted);
 * - else `skipped` (every destination skipped).
 * Property: the overall status ranks at least as high as every delivery's, so an event-level action
 * taken from the overall status (queue, retry, skip…) finds every delivery it should move.
 */
export function deriveOverallStatus(statuses: readonly ConversionSyncStatus[]): ConversionSyncStatus | null {
  if (!statuses.length) return null;
  for (const status of STATUS_PRIORITY) if (statuses.includes(status)) return status;
  return null;
}

/** Which overall statuses an event may have when one of its deliveries is in `status` (from the rule). */
export function overallStatusesFor(status: ConversionSyncStatus): ConversionSyncStatus[] {
  const rank = STATUS_PRIORITY.indexOf(status);
  return STATUS_PRIORITY.slice(0, rank + 1);
}

/** Grid / list filter: events whose delivery to `destination` is in one of `statuses`. */
export const DeliveryFilterSchema = z
  .object({
    destination: DestinationSchema,
    statuses: z.array(z.enum(SYNC_STATUSES)).min(1).max(5),
  })
  .strict();
export type DeliveryFilter = z.infer<typeof DeliveryFilterSchema>;

/**
 * Routing (documented rule): an event goes to each destination the conversion-name resolver
 * (destinations.ts: googleActionFor / metaEventFor — the same resolution the file exports and the
 * senders use) finds a conversion action / Meta event for, so routing is where the event would
 * actually be sent. When it resolves to neither, it stays routed to every destination it is not
 * explicitly kept from (Settings → Conversion names "not sent"), so the exports and the grid list it
 * as "not mapped" instead of it vanishing. Routing is read when an event's deliveries are first
 * written (its rows are created then); later Settings changes do not rewrite rows that exist.
 */
export function routeOf(settings: Pick<AppSettings, 'destinations' | 'conversionNames'>, event: { event_name: string; conversion_name?: string | null }): Record<Destination, boolean> {
  const names = { event_name: event.event_name as ConversionEventName, conversion_name: event.conversion_name ?? null };
  const google = googleActionFor(settings, names);
  const meta = metaEventFor(settings, names);
  if (google.name !== null || meta.name !== null) return { google_ads: google.name !== null, meta: meta.name !== null };
  // Explicitly "not sent to that platform" (a Settings → Conversion names null), as opposed to nothing mapped yet.
  const excluded = (d: typeof google) => d.source === 'conversion-name';
  return { google_ads: !excluded(google), meta: !excluded(meta) };
}

/** One event's delivery to one destination, as the grid and the detail panel show it (schema in events.ts). */
export type DeliveryState = z.infer<typeof DeliveryStateSchema>;
