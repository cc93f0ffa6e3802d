/**
 * Kysely as a compiler only (no connection): delivery queries are built with the typed builder,
 * compiled, and run on the caller's better-sqlite3 connection (connection.ts: allRows / runQuery), so
 * they run synchronously inside the caller's transaction — in the window, the jobs worker, the export
 * worker or the sending engine's worker alike. Writes go per chunk of thousands of events, so compiling
 * a statement per chunk costs nothing measurable.
 */
import type { Generated } from 'kysely';
import { k as queryCompiler } from '../db/query';
import type { DB } from '../db/schema';

/**
 * The per-chunk work table of a delivery write: one row per event of the chunk, with what the write
 * needs of the event read once (rowid, status, routing), the platform's answer for it, and the steps'
 * intermediate results.
 */
export interface DeliveryInputTable {
  event_id: string;
  platform_ids: string | null;
  error_code: string | null;
  error_message: string | null;
  /** conversion_events.rowid (NULL: no such event). */
  erowid: number | null;
  /** The event's sync_status, sync_attempts, synced_at, sync_error before the write. */
  prior: string | null;
  prior_attempts: number | null;
  prior_synced_at: string | null;
  prior_error: string | null;
  event_name: string | null;
  conversion_name: string | null;
  /** 1 when the event already has delivery rows. */
  split: Generated<number>;
  routed_google_ads: Generated<number>;
  routed_meta: Generated<number>;
  /** The written destination's delivery status before the write. */
  dstatus: string | null;
  /** 1 when dstatus is one the action moves from. */
  touched: Generated<number>;
  /** The event's overall state after the write (deriveOverallStatus), its latest synced_at and its failed deliveries' errors. */
  derived: string | null;
  derived_synced_at: string | null;
  derived_error: string | null;
}

export const k = queryCompiler.withTables<{ 'temp.delivery_input': DeliveryInputTable }>();
