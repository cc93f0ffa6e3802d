/**
 * Kysely as a compiler only (no connection): delivery queries are built with the typed builder,
 * compiled, and run on the caller's better-sqlite3 connection (connection.ts: allRows / runQuery), so
 * they run synchronously inside the caller's transaction — in the window, the jobs worker, the export
 * worker or the sending engine's worker alike. Writes go per chunk of thousands of events, so compiling
 * a statement per chunk costs nothing measurable.
 */
import { DummyDriver, Kysely, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler } from 'kysely';
import type { DB } from '../db/schema';

/** The per-chunk input table of a delivery write (one row per event of the chunk). */
export interface DeliveryInputTable {
  event_id: string;
  platform_ids: string | null;
  error_code: string | null;
  error_message: string | null;
  /** 1 once the event's delivery to the written destination is in a status the action moves from. */
  touched: number;
}
export type DeliveryDB = DB & { 'temp.delivery_input': DeliveryInputTable };

export const k = new Kysely<DeliveryDB>({
  dialect: {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  },
});
