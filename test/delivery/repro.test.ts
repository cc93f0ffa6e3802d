/**
 * Issue 12's repro: a Google leads file and a Meta file for the same 9 orders; marking the Meta batch
 * uploaded must not mark them sent for Google — the next Google export still includes them. On main
 * before delivery per destination, 7 of them turned `sent` and the next Google export dropped them.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deliveriesOf } from '../../src/main/delivery/repo';
import * as events from '../../src/main/events/service';
import { type TestContext, useTestContext } from '../helpers/context';
import { addEvent, configureDestinations, exportsOf, NOW } from '../exports/helpers';

let ctx: TestContext;
useTestContext((c) => { ctx = c; }, (c) => exportsOf(c).shutdown());

const statusOf = (id: string) => events.getEvent(ctx.db, id).sync_status;

describe('delivery per destination (issue 12 repro)', () => {
  it('marking the Meta batch uploaded leaves the orders queued for Google, and the next Google export includes them', async () => {
    configureDestinations(ctx);
    const ids: string[] = [];
    for (let i = 1; i <= 9; i++) {
      // 7 orders with an email (both platforms take them), 2 with a click id only (Meta excludes them: no customer information).
      const email = i <= 7 ? { email: `buyer${i}@example.com` } : { gclid: `Cj0-order-${i}` };
      ids.push(addEvent(ctx, { event_name: 'purchase', event_id: `order-${i}`, transaction_id: `ORD-${i}`, event_time: '2026-11-24T10:00:00Z', event_value: '10', currency: 'USD', ...email }));
    }
    const google = await exportsOf(ctx).run({ format: 'google-leads' }, join(ctx.dataDir, 'leads.csv'), { now: NOW });
    expect(google.exported).toBe(7);
    const meta = await exportsOf(ctx).run({ format: 'meta' }, join(ctx.dataDir, 'meta.csv'), { now: NOW });
    expect(meta.exported).toBe(7);
    // The Meta file does not take the orders out of the open Google batch.
    expect(meta.warnings.map((w) => w.code)).not.toContain('in_other_batch');
    expect(exportsOf(ctx).getBatch(google.batchId).byStatus.queued).toBe(7);

    const { outcome } = await exportsOf(ctx).markUploaded(meta.batchId);
    expect(outcome.changed).toBe(7);
    for (const id of ids.slice(0, 7)) {
      const byDestination = Object.fromEntries(deliveriesOf(ctx.db, [id]).map((d) => [d.destination, d.status]));
      expect(byDestination).toEqual({ meta: 'sent', google_ads: 'queued' });
      expect(statusOf(id)).toBe('queued'); // not delivered everywhere yet
    }

    // The next Google export still has all of them (the 7 with an email), and Meta's has none of them.
    const next = await exportsOf(ctx).preview({ format: 'google-leads' }, { now: NOW });
    expect(next.exported).toBe(7);
    const nextMeta = await exportsOf(ctx).preview({ format: 'meta' }, { now: NOW });
    expect(nextMeta.matched).toBe(2); // the two click-only orders, still queued for Meta (and excluded there)

    // Marking the Google batch uploaded completes them: sent everywhere they are routed.
    await exportsOf(ctx).markUploaded(google.batchId);
    for (const id of ids.slice(0, 7)) expect(statusOf(id)).toBe('sent');
    expect(events.countEvents(ctx.db, { delivery: { destination: 'google_ads', statuses: ['sent'] } }).total).toBe(7);
    expect(events.countEvents(ctx.db, { delivery: { destination: 'meta', statuses: ['queued'] } }).total).toBe(2);
  });
});
