import { SYNC_STATUSES, type ConversionSyncStatus } from '../../src/shared/domain/events';
import type { JobProgress } from '../../src/shared/ipc/events';
import type { Sqlite } from '../../src/main/db/connection';
import { prepareInsert, type InsertRow } from '../../src/main/events/repo';
import { uuidv7 } from '../../src/main/lib/ids';
import { createTestContext } from '../helpers/context';

export type TestContext = ReturnType<typeof createTestContext>;

const NAMES = ['purchase', 'lead', 'signup', 'add_to_cart', 'page_view', 'custom'] as const;
const CURRENCIES = ['USD', 'EUR', 'JPY'] as const;

/**
 * Inserts `n` synthetic events with the real schema: names, currencies, values and times cycle
 * deterministically; statuses as given (default all pending). Returns their ids in insert order.
 */
export function seedEvents(db: Sqlite, n: number, options: { status?: (i: number) => ConversionSyncStatus; prefix?: string } = {}): string[] {
  const insert = prepareInsert(db);
  const ids: string[] = [];
  const start = Date.UTC(2026, 0, 1);
  const now = new Date().toISOString();
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const id = uuidv7();
      ids.push(id);
      const row: InsertRow = {
        id,
        event_name: NAMES[i % NAMES.length]!,
        event_id: `${options.prefix ?? 'E'}${i}`,
        user_email_hash: i % 4 === 0 ? null : 'a'.repeat(64),
        user_phone_hash: null,
        user_first_name_hash: null,
        user_last_name_hash: null,
        meta_email_hash: null,
        meta_phone_hash: null,
        meta_first_name_hash: null,
        meta_last_name_hash: null,
        user_ip: null,
        user_agent: null,
        event_value_micros: i % 5 === 0 ? null : ((i * 7919) % 50_000) * 10_000,
        currency: CURRENCIES[i % CURRENCIES.length]!,
        transaction_id: `T${i}`,
        custom_params: null,
        source: null,
        campaign_id: null,
        brand_id: null,
        import_id: null,
        gclid: i % 3 === 0 ? `gclid${i}` : null,
        gbraid: null,
        wbraid: null,
        fbc: null,
        fbp: null,
        consent_ad_user_data: 'unspecified',
        consent_ad_personalization: 'unspecified',
        event_time: new Date(start + ((i * 3_600_000 * 7) % (40 * 86_400_000))).toISOString(),
        created_at: now,
        updated_at: now,
      };
      insert(row);
    }
  })();
  if (options.status) {
    const update = db.prepare('UPDATE conversion_events SET sync_status = ? WHERE id = ?');
    db.transaction(() => ids.forEach((id, i) => update.run(options.status!(i), id)))();
  }
  return ids;
}

export function statusCounts(db: Sqlite): Record<ConversionSyncStatus, number> {
  const counts = Object.fromEntries(SYNC_STATUSES.map((s) => [s, 0])) as Record<ConversionSyncStatus, number>;
  for (const row of db.prepare('SELECT sync_status AS s, count(*) AS n FROM conversion_events GROUP BY 1').all() as { s: ConversionSyncStatus; n: number }[]) counts[row.s] = row.n;
  return counts;
}

/** A snapshot of everything a bulk change may touch, to prove a cancelled/refused job changed nothing. */
export function snapshot(db: Sqlite): string {
  const events = db.prepare('SELECT id, sync_status, sync_attempts, sync_error, synced_at, campaign_id, brand_id, updated_at FROM conversion_events ORDER BY id').all();
  const history = db.prepare('SELECT count(*) AS n, max(id) AS last FROM sync_history').get();
  return JSON.stringify({ events, history });
}

export function collectProgress(ctx: TestContext): { events: (JobProgress & { at: number })[]; stop(): void } {
  const events: (JobProgress & { at: number })[] = [];
  const stop = ctx.push.add((name, payload) => {
    if (name === 'job:progress') events.push({ ...(payload as JobProgress), at: performance.now() });
  });
  return { events, stop };
}

import { createHandlers } from '../../src/main/app/handlers';
import { dispatch, type Handlers } from '../../src/main/ipc/bind';
import { jobServiceForContext } from '../../src/main/jobs/specs';
import type { JobServiceOptions } from '../../src/main/jobs/service';
import type { ChannelInput, ChannelName, ChannelOutput } from '../../src/shared/ipc/contract';
import type { AppErrorShape } from '../../src/shared/ipc/result';

export class CallError extends Error {
  constructor(readonly shape: AppErrorShape) {
    super(shape.message);
  }
  get code() {
    return this.shape.code;
  }
}

/** A test context whose handlers go through the real dispatch (zod parse → handler → Result), with a lowered bulk threshold. */
export function reviewContext(options: JobServiceOptions = {}) {
  const ctx = createTestContext();
  const jobs = jobServiceForContext(ctx, { bulkThreshold: 0, chunkRows: 64, ...options });
  const handlers: Handlers = createHandlers(ctx);
  const sender = { frameUrl: 'http://app/', isMainFrame: true };
  async function call<K extends ChannelName>(name: K, input: ChannelInput<K>): Promise<ChannelOutput<K>> {
    const result = await dispatch(name, handlers, () => true, sender, input, { error: () => undefined });
    if (!result.ok) throw new CallError(result.error);
    return result.value as ChannelOutput<K>;
  }
  return {
    ctx,
    jobs,
    call,
    async cleanup() {
      await jobs.shutdown();
      ctx.cleanup();
    },
  };
}
