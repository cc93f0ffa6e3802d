/**
 * What the app keeps about the Google connection, in the settings table: the OAuth client id, the
 * customer and manager ids, whether the grant still works, and the last listing of conversion
 * actions. Never a secret: the client secret and the refresh token live in the SecretStore.
 */
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { firstRow, runQuery, type Sqlite } from '../db/connection';
import type { DB } from '../db/schema';

const CONNECTION_KEY = 'google.connection';
const ACTIONS_KEY = 'google.conversionActions';

export const GoogleConnectionRecordSchema = z.object({
  clientId: z.string(),
  customerId: z.string().regex(/^\d{10}$/),
  loginCustomerId: z.string().regex(/^\d{10}$/).nullable(),
  /** `reconnect_needed` after Google answered invalid_grant: nothing is sent until the user connects again. */
  state: z.enum(['connected', 'reconnect_needed']),
  connectedAt: z.string(),
  lastError: z.string().nullable(),
});
export type GoogleConnectionRecord = z.infer<typeof GoogleConnectionRecordSchema>;

export const StoredActionsSchema = z.object({
  customerId: z.string(),
  fetchedAt: z.string(),
  actions: z.array(z.object({ id: z.string(), name: z.string(), type: z.string(), status: z.string() })),
});
export type StoredActions = z.infer<typeof StoredActionsSchema>;

function read<T>(db: Sqlite, k: Kysely<DB>, key: string, schema: z.ZodType<T>): T | null {
  const row = firstRow<{ value: string }>(db, k.selectFrom('settings').select('value').where('key', '=', key));
  if (!row) return null;
  const parsed = schema.safeParse(JSON.parse(row.value));
  return parsed.success ? parsed.data : null;
}

function write(db: Sqlite, k: Kysely<DB>, key: string, value: unknown): void {
  const json = JSON.stringify(value);
  runQuery(db, k.insertInto('settings').values({ key, value: json }).onConflict((oc) => oc.column('key').doUpdateSet({ value: json })));
}

export function readConnection(db: Sqlite, k: Kysely<DB>): GoogleConnectionRecord | null {
  return read(db, k, CONNECTION_KEY, GoogleConnectionRecordSchema);
}

export function writeConnection(db: Sqlite, k: Kysely<DB>, record: GoogleConnectionRecord): void {
  write(db, k, CONNECTION_KEY, GoogleConnectionRecordSchema.parse(record));
}

export function deleteConnection(db: Sqlite, k: Kysely<DB>): void {
  runQuery(db, k.deleteFrom('settings').where('key', 'in', [CONNECTION_KEY, ACTIONS_KEY]));
}

export function readActions(db: Sqlite, k: Kysely<DB>): StoredActions | null {
  return read(db, k, ACTIONS_KEY, StoredActionsSchema);
}

export function writeActions(db: Sqlite, k: Kysely<DB>, value: StoredActions): void {
  write(db, k, ACTIONS_KEY, value);
}
