/**
 * The original API's PATCH (events:updateSync) on an event that has delivery rows: the patch applies
 * to the event's delivery to every destination it is routed to (Settings now, routeOf), with one
 * history row per delivery, so sync_status stays the rule's derivation of its rows (delivery.ts).
 */
import { sql } from 'kysely';
import type { Destination } from '../../shared/domain/delivery';
import type { ConversionSyncStatus } from '../../shared/domain/events';
import { allRows, runQuery, type Sqlite } from '../db/connection';
import { k } from './sql';

export interface DeliveryPatch {
  sync_status?: ConversionSyncStatus;
  sync_error?: string | null;
  synced_at?: string | null;
  sync_attempts?: number;
}

/** True when the event has delivery rows (its deliveries no longer follow sync_status by themselves). */
export function hasDeliveryRows(db: Sqlite, eventId: string): boolean {
  return allRows(db, k.selectFrom('event_deliveries').select('event_id').where('event_id', '=', eventId).limit(1)).length > 0;
}

/** Writes the patch to these destinations' deliveries of one event (history first, with what undo needs). */
export function patchDeliveries(db: Sqlite, eventId: string, destinations: readonly Destination[], patch: DeliveryPatch, now: string): void {
  if (!destinations.length) return;
  runQuery(
    db,
    k
      .insertInto('sync_history')
      .columns(['event_id', 'destination', 'from_status', 'to_status', 'action', 'note', 'prev_sync_error', 'prev_synced_at', 'prev_attempts', 'prev_error_code', 'created_at'])
      .expression(
        k
          .selectFrom('event_deliveries as x')
          .select([
            'x.event_id',
            'x.destination',
            'x.status',
            patch.sync_status ? sql<string>`${patch.sync_status}`.as('to_status') : 'x.status as to_status',
            sql<string>`'patch'`.as('action'),
            sql<string | null>`${patch.sync_error ?? null}`.as('note'),
            'x.last_error',
            'x.synced_at',
            'x.attempts',
            'x.last_error_code',
            sql<string>`${now}`.as('created_at'),
          ])
          .where('x.event_id', '=', eventId)
          .where('x.destination', 'in', [...destinations]),
      ),
  );
  runQuery(
    db,
    k
      .updateTable('event_deliveries')
      .set({
        updated_at: now,
        ...(patch.sync_status !== undefined ? { status: patch.sync_status } : {}),
        ...(patch.sync_error !== undefined ? { last_error: patch.sync_error, last_error_code: null } : {}),
        ...(patch.synced_at !== undefined ? { synced_at: patch.synced_at } : {}),
        ...(patch.sync_attempts !== undefined ? { attempts: patch.sync_attempts } : {}),
      })
      .where('event_id', '=', eventId)
      .where('destination', 'in', [...destinations]),
  );
}
