// Test setup for the Google send tests (not the code under test).
import type { AppContext } from '../../src/main/app/context';
import { uuidv7 } from '../../src/main/lib/ids';
import { updateSettings } from '../../src/main/settings/service';
import { sha } from '../send/helpers';

type Ctx = Pick<AppContext, 'db'>;

export interface GoogleSeed {
  eventName?: 'purchase' | 'lead' | 'signup';
  /** Click id per index (default gclid-<prefix>-<i>); null = none. */
  gclid?: (i: number) => string | null;
  email?: boolean;
  orderId?: (i: number) => string | null;
  prefix?: string;
  extra?: (i: number) => Record<string, unknown>;
}

/** Inserts queued events (test setup, not the code under test). */
export function seedGoogle(ctx: Ctx, count: number, options: GoogleSeed = {}): string[] {
  const prefix = options.prefix ?? 'g';
  const time = new Date(Date.now() - 24 * 3_600_000).toISOString();
  const ids: string[] = [];
  ctx.db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const row: Record<string, unknown> = {
        id: uuidv7(),
        event_name: options.eventName ?? 'purchase',
        event_id: `${prefix}-${i}`,
        user_email_hash: options.email ? sha(`user${i}@example.com`) : null,
        event_value_micros: 12_300_000,
        currency: 'USD',
        transaction_id: options.orderId ? options.orderId(i) : `T-${prefix}-${i}`,
        gclid: options.gclid ? options.gclid(i) : `gclid-${prefix}-${i}`,
        sync_status: 'queued',
        event_time: time,
        source_line: i + 2,
        ...options.extra?.(i),
      };
      const columns = Object.keys(row);
      ctx.db.prepare(`INSERT INTO conversion_events (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`).run(...Object.values(row));
      ids.push(row.id as string);
    }
  })();
  return ids;
}

/** Delivery to Google Ads by status (events routed to Meta too keep an overall `queued` until Meta has them). */
export function googleStatusCounts(ctx: Ctx): Record<string, number> {
  const rows = ctx.db
    .prepare(
      `SELECT coalesce(d.status, e.sync_status) AS s, count(*) AS n FROM conversion_events e
       LEFT JOIN event_deliveries d ON d.event_id = e.id AND d.destination = 'google_ads' GROUP BY s`,
    )
    .all() as { s: string; n: number }[];
  return Object.fromEntries(rows.map((r) => [r.s, r.n]));
}

export function mapActions(ctx: Ctx): void {
  updateSettings(ctx.db, {
    destinations: {
      purchase: { googleConversionName: 'Offline purchase' },
      lead: { googleConversionName: 'Qualified lead' },
      signup: { googleConversionName: 'Sign-up' },
    },
  });
}

