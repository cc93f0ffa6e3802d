import { createHash } from 'node:crypto';
import type { AppContext } from '../../src/main/app/context';
import { uuidv7 } from '../../src/main/lib/ids';
import { sendServiceFor, type SendService } from '../../src/main/send/service';
import { FakeMeta } from '../fakes/meta';

export const DATASET = '1234567890';
export const TOKEN = 'EAAtest-valid-token-0000000000000000';

export function sendServiceOf(ctx: AppContext): SendService {
  return sendServiceFor({
    db: ctx.db,
    k: ctx.kysely,
    dbPath: ctx.dbPath,
    secrets: ctx.secrets,
    emitProgress: (progress) => ctx.push.emit('send:progress', progress),
    emitChanged: (reason) => ctx.push.emit('events:changed', { reason }),
  });
}

export const sha = (text: string) => createHash('sha256').update(text).digest('hex');

export interface SeedOptions {
  /** Hours before now (default 24). */
  ageHours?: number;
  eventName?: 'purchase' | 'lead';
  status?: string;
  fbc?: (index: number) => string | null;
  prefix?: string;
  valueMicros?: number | null;
}

/** Inserts `count` queued purchases with a Meta email hash, one transaction (test setup, not the code under test). */
export function seedEvents(ctx: AppContext, count: number, options: SeedOptions = {}): { ids: string[]; eventIds: string[] } {
  const insert = ctx.db.prepare(
    `INSERT INTO conversion_events (id, event_name, event_id, meta_email_hash, event_value_micros, currency, transaction_id, fbc, sync_status, event_time, source_line)
     VALUES (?, ?, ?, ?, ?, 'USD', ?, ?, ?, ?, ?)`,
  );
  const time = new Date(Date.now() - (options.ageHours ?? 24) * 3_600_000).toISOString();
  const ids: string[] = [];
  const eventIds: string[] = [];
  const prefix = options.prefix ?? 'ord';
  ctx.db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const id = uuidv7();
      const eventId = `${prefix}-${i}`;
      insert.run(id, options.eventName ?? 'purchase', eventId, sha(`user${i}@example.com`), options.valueMicros === undefined ? 12_300_000 : options.valueMicros, `T${prefix}${i}`, options.fbc?.(i) ?? null, options.status ?? 'queued', time, i + 2);
      ids.push(id);
      eventIds.push(eventId);
    }
  })();
  return { ids, eventIds };
}

export async function startFakeMeta(options: ConstructorParameters<typeof FakeMeta>[0] = {}): Promise<FakeMeta> {
  const fake = new FakeMeta({ datasets: [DATASET], tokens: { [TOKEN]: 'valid' }, ...options });
  const url = await fake.start();
  process.env.CONVDESK_META_GRAPH_URL = url;
  return fake;
}

export function statusCounts(ctx: AppContext): Record<string, number> {
  const rows = ctx.db.prepare('SELECT sync_status AS s, count(*) AS n FROM conversion_events GROUP BY sync_status').all() as { s: string; n: number }[];
  return Object.fromEntries(rows.map((r) => [r.s, r.n]));
}
