import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SendProgress } from '../../src/shared/domain/send';
import type { FakeMeta } from '../fakes/meta';
import { markFailed } from '../../src/main/delivery/repo';
import { createTestContext } from '../helpers/context';
import { DATASET, TOKEN, seedEvents, sendServiceOf, startFakeMeta, statusCounts } from './helpers';

type Ctx = ReturnType<typeof createTestContext>;
const FAST = { retry: { baseDelayMs: 20, maxDelayMs: 200 } };

describe('sending engine → fake Meta', () => {
  let ctx: Ctx;
  let fake: FakeMeta;
  const progress: SendProgress[] = [];

  beforeEach(async () => {
    ctx = createTestContext();
    fake = await startFakeMeta();
    progress.length = 0;
    ctx.push.add((event, payload) => {
      if (event === 'send:progress') progress.push(payload as SendProgress);
    });
    await sendServiceOf(ctx).meta.set({ datasetId: DATASET, accessToken: TOKEN });
  });
  afterEach(async () => {
    await fake.stop();
    delete process.env.CONVDESK_META_GRAPH_URL;
    ctx.cleanup();
  });

  it('sends 10,000 queued events in 10 requests, each event once under its own event_id', async () => {
    const { eventIds } = seedEvents(ctx, 10_000);
    const result = await sendServiceOf(ctx).run({ to: 'meta' });
    expect(result).toMatchObject({ status: 'completed', sent: 10_000, failedCount: 0, excludedCount: 0, requests: 10, dryRun: false });
    expect(fake.requests.filter((r) => r.events > 0)).toHaveLength(10);
    expect(fake.requests.every((r) => r.events === 1000 && r.status === 200)).toBe(true);
    expect(fake.accepted).toHaveLength(10_000);
    expect(fake.unique()).toBe(10_000);
    expect(new Set(fake.accepted.map((e) => e.eventId))).toEqual(new Set(eventIds));
    expect(statusCounts(ctx)).toEqual({ sent: 10_000 });
    const sent = ctx.db.prepare("SELECT count(*) AS n FROM conversion_events WHERE sync_attempts = 1 AND synced_at IS NOT NULL AND sync_error IS NULL").get() as { n: number };
    expect(sent.n).toBe(10_000);
    const history = ctx.db.prepare("SELECT count(*) AS n FROM sync_history WHERE destination = 'meta' AND action = 'mark_sent' AND run_id = ? AND note LIKE 'sent to Meta Conversions API (run %'").get(result.runId) as { n: number };
    expect(history.n).toBe(10_000);
    // Delivery per destination: Meta's record says sent, with the run and the request's fbtrace_id.
    const deliveries = ctx.db.prepare("SELECT status, run_id, platform_ids FROM event_deliveries WHERE destination = 'meta'").all() as { status: string; run_id: string; platform_ids: string }[];
    expect(deliveries).toHaveLength(10_000);
    expect(deliveries.every((d) => d.status === 'sent' && d.run_id === result.runId && JSON.parse(d.platform_ids).fbtrace_id)).toBe(true);
    const journal = ctx.db.prepare('SELECT outcome, count(*) AS n, sum(event_count) AS events FROM send_requests GROUP BY outcome').all();
    expect(journal).toEqual([{ outcome: 'accepted', n: 10, events: 10_000 }]);
    expect(ctx.db.prepare("SELECT count(*) AS n FROM send_requests WHERE platform_ids LIKE '%fbtrace_id%'").get()).toEqual({ n: 10 });
    expect(progress.at(-1)).toMatchObject({ phase: 'done', sent: 10_000, total: 10_000 });
  });

  it('isolates 3 bad events among 1,000: 997 sent, 3 failed with their own code and message', async () => {
    const { ids, eventIds } = seedEvents(ctx, 1000, { fbc: (i) => (i === 10 ? 'fbclid-without-prefix' : null) });
    fake.rejectEventIds.set(eventIds[500]!, { subcode: 2804019, message: 'Invalid external_id for this event.' });
    fake.rejectEventIds.set(eventIds[999]!, { subcode: 2804050, message: 'The event does not have enough customer information parameters.', title: 'Missing Customer Information Parameters' });
    const result = await sendServiceOf(ctx).run({ to: 'meta' });
    expect(result.status).toBe('completed');
    expect(result.sent).toBe(997);
    expect(result.failedCount).toBe(3);
    const byEvent = Object.fromEntries(result.failed.map((f) => [f.eventId, f]));
    expect(byEvent[eventIds[10]!]).toMatchObject({ code: '100/2804017', reason: expect.stringContaining('fbc parameter is not in the expected format') });
    expect(byEvent[eventIds[500]!]).toMatchObject({ code: '100/2804019', reason: 'Invalid external_id for this event.' });
    expect(byEvent[eventIds[999]!]).toMatchObject({ code: '100/2804050', reason: 'Missing Customer Information Parameters: The event does not have enough customer information parameters.' });
    // Each failed event carries its own reason in the database, not the first error copied to all.
    const failedRows = ctx.db.prepare("SELECT id, sync_error FROM conversion_events WHERE sync_status = 'failed' ORDER BY rowid").all() as { id: string; sync_error: string }[];
    expect(failedRows.map((r) => r.id)).toEqual([ids[10], ids[500], ids[999]]);
    expect(failedRows[1]!.sync_error).toBe('Meta: Meta Conversions API 100/2804019: Invalid external_id for this event.');
    const delivery = ctx.db.prepare("SELECT status, last_error_code FROM event_deliveries WHERE destination = 'meta' AND event_id = ?").get(ids[500]);
    expect(delivery).toEqual({ status: 'failed', last_error_code: '100/2804019' });
    expect(new Set(failedRows.map((r) => r.sync_error)).size).toBe(3);
    expect(fake.unique()).toBe(997);
    expect(fake.accepted).toHaveLength(997);
    expect(statusCounts(ctx)).toEqual({ sent: 997, failed: 3 });
    const splits = ctx.db.prepare("SELECT count(*) AS n FROM send_requests WHERE outcome = 'split'").get() as { n: number };
    expect(splits.n).toBeGreaterThan(0);
  });

  it('retries after throttling (codes 17 and 613, is_transient) and a 503, then succeeds', async () => {
    seedEvents(ctx, 2500);
    fake.throttleNext(2, 17);
    fake.throttleNext(1, 613);
    fake.failNext(1, { status: 503 });
    const result = await sendServiceOf(ctx).run({ to: 'meta' }, FAST);
    expect(result).toMatchObject({ status: 'completed', sent: 2500, failedCount: 0 });
    expect(result.retries).toBe(4);
    expect(fake.unique()).toBe(2500);
    expect(statusCounts(ctx)).toEqual({ sent: 2500 });
    const retried = ctx.db.prepare("SELECT error_code, error_subcode FROM send_requests WHERE outcome = 'retry' ORDER BY started_at").all();
    expect(retried).toEqual(expect.arrayContaining([{ error_code: '17', error_subcode: '2446079' }, { error_code: '613', error_subcode: '1487742' }, { error_code: null, error_subcode: null }]));
    expect(progress.some((p) => p.retriesWaiting > 0 && p.maxAttempts === 6)).toBe(true);
  });

  it('stops after the retry limit, leaving the unsent events queued', async () => {
    seedEvents(ctx, 10);
    fake.failNext(10, { status: 500 });
    const result = await sendServiceOf(ctx).run({ to: 'meta' }, { retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 } });
    expect(result.status).toBe('stopped');
    expect(result.error).toMatch(/after 3 attempts/);
    expect(statusCounts(ctx)).toEqual({ queued: 10 });
    expect(fake.accepted).toHaveLength(0);
  });

  it('honours a wait Meta asks for (Retry-After) and stops when it is longer than the limit', async () => {
    seedEvents(ctx, 5);
    fake.throttleNext(1, 4, { 'retry-after': '1' });
    const started = Date.now();
    const result = await sendServiceOf(ctx).run({ to: 'meta' }, FAST);
    expect(result.status).toBe('completed');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    fake.reset();
    seedEvents(ctx, 5, { prefix: 'later' });
    fake.throttleNext(1, 80004 as never, { 'x-business-use-case-usage': JSON.stringify({ '123': [{ type: 'ads_management', estimated_time_to_regain_access: 60 }] }) });
    const stopped = await sendServiceOf(ctx).run({ to: 'meta' }, FAST);
    expect(stopped.status).toBe('stopped');
    expect(stopped.error).toMatch(/asked to wait 60 minute/);
    expect(statusCounts(ctx)).toEqual({ sent: 5, queued: 5 });
  });

  it('an expired token stops the run: nothing sent, every event still queued, the fix in the message', async () => {
    seedEvents(ctx, 3000);
    fake.tokens.set(TOKEN, 'expired');
    const result = await sendServiceOf(ctx).run({ to: 'meta' });
    expect(result.status).toBe('stopped');
    expect(result.error).toMatch(/Generate a new one|Generate access token/);
    expect(result.error).toContain('190/463');
    expect(result.error).not.toContain(TOKEN);
    expect(result.sent).toBe(0);
    expect(statusCounts(ctx)).toEqual({ queued: 3000 });
    expect(fake.accepted).toHaveLength(0);
    // Concurrency 2: at most the two requests in flight were tried.
    expect(fake.requests.length).toBeLessThanOrEqual(2);
  });

  it('a dry run with a test event code sends to Meta’s test events and changes no status', async () => {
    await sendServiceOf(ctx).meta.set({ datasetId: DATASET, testEventCode: 'TEST123' });
    const { eventIds } = seedEvents(ctx, 1500, { fbc: (i) => (i === 7 ? 'bad-fbc' : null) });
    const before = ctx.db.prepare('SELECT id, sync_status, sync_attempts, synced_at, sync_error, updated_at FROM conversion_events ORDER BY rowid').all();
    const historyBefore = (ctx.db.prepare('SELECT count(*) AS n FROM sync_history').get() as { n: number }).n;
    const result = await sendServiceOf(ctx).run({ to: 'meta', dryRun: true });
    expect(result).toMatchObject({ dryRun: true, status: 'completed', sent: 1499, failedCount: 1 });
    expect(result.failed[0]).toMatchObject({ eventId: eventIds[7], code: '100/2804017' });
    expect(fake.accepted).toHaveLength(0);
    expect(fake.testEvents).toHaveLength(1499);
    expect(fake.testEvents.every((e) => e.testEventCode === 'TEST123')).toBe(true);
    expect(ctx.db.prepare('SELECT id, sync_status, sync_attempts, synced_at, sync_error, updated_at FROM conversion_events ORDER BY rowid').all()).toEqual(before);
    expect((ctx.db.prepare('SELECT count(*) AS n FROM sync_history').get() as { n: number }).n).toBe(historyBefore);
  });

  it('a dry run without a test event code checks locally and reaches nobody', async () => {
    seedEvents(ctx, 1200);
    const result = await sendServiceOf(ctx).run({ to: 'meta', dryRun: true });
    expect(result).toMatchObject({ dryRun: true, status: 'completed', sent: 1200, requests: 2 });
    expect(fake.requests).toHaveLength(0);
    expect(statusCounts(ctx)).toEqual({ queued: 1200 });
  });

  it('never sends an event that fails the pre-flight; excluded events stay queued with their reason', async () => {
    seedEvents(ctx, 5, { prefix: 'ok' });
    seedEvents(ctx, 2, { prefix: 'old', ageHours: 24 * 10 });
    seedEvents(ctx, 1, { prefix: 'novalue', valueMicros: null });
    const settingsResult = await sendServiceOf(ctx).run({ to: 'meta' });
    // physical_store (the default action source) allows 62 days: the 10-day-old events go.
    expect(settingsResult.sent).toBe(7);
    expect(settingsResult.excluded).toEqual([expect.objectContaining({ eventId: 'novalue-0', code: 'purchase_without_value' })]);
    await sendServiceOf(ctx).meta.set({ datasetId: DATASET, actionSource: 'system_generated' });
    seedEvents(ctx, 2, { prefix: 'old2', ageHours: 24 * 10 });
    const second = await sendServiceOf(ctx).run({ to: 'meta' });
    expect(second.sent).toBe(0);
    expect(second.excluded.map((e) => [e.eventId, e.code]).sort()).toEqual([['novalue-0', 'purchase_without_value'], ['old2-0', 'too_old'], ['old2-1', 'too_old']]);
    expect(fake.accepted.map((e) => e.eventId)).not.toContain('old2-0');
    expect(statusCounts(ctx)).toEqual({ sent: 7, queued: 3 });
  });

  it('resends with the same event ids after a dropped connection, so Meta counts each event once', async () => {
    seedEvents(ctx, 2000);
    fake.dropNext(1, 'after');
    const result = await sendServiceOf(ctx).run({ to: 'meta' }, FAST);
    expect(result).toMatchObject({ status: 'completed', sent: 2000 });
    expect(fake.accepted.length).toBe(3000);
    expect(fake.unique()).toBe(2000);
  });

  it('sends appsecret_proof when an app secret is set, and refuses without it', async () => {
    fake.appSecret = 'app-secret-value-123';
    seedEvents(ctx, 3);
    const refused = await sendServiceOf(ctx).run({ to: 'meta' });
    expect(refused.status).toBe('stopped');
    await sendServiceOf(ctx).meta.set({ datasetId: DATASET, appSecret: 'app-secret-value-123' });
    const result = await sendServiceOf(ctx).run({ to: 'meta' });
    expect(result).toMatchObject({ status: 'completed', sent: 3 });
  });

  it('sends events queued for Meta whatever their overall status: one whose Google delivery failed goes with the queued ones', async () => {
    // 5,000 events (more than one read page), every third one failed at Google (overall `failed`, Meta still queued).
    const { ids, eventIds } = seedEvents(ctx, 5000);
    const googleFailed = ids.filter((_, i) => i % 3 === 0);
    markFailed(ctx.db, 'google_ads', googleFailed.map((eventId) => ({ eventId, code: 'INVALID_GCLID', message: 'The click id is not valid' })));
    expect(statusCounts(ctx)).toEqual({ failed: googleFailed.length, queued: 5000 - googleFailed.length });

    const result = await sendServiceOf(ctx).run({ to: 'meta' });
    expect(result).toMatchObject({ status: 'completed', sent: 5000, requests: 5 });
    expect(fake.unique()).toBe(5000);
    expect(new Set(fake.accepted.map((e) => e.eventId))).toEqual(new Set(eventIds));
    const meta = ctx.db.prepare("SELECT status, count(*) AS n FROM event_deliveries WHERE destination = 'meta' GROUP BY status").all();
    expect(meta).toEqual([{ status: 'sent', n: 5000 }]);
    // The Google failures are untouched: those events stay failed overall; the others (purchases go to
    // Meta only until a Google action is mapped) are sent.
    expect(statusCounts(ctx)).toEqual({ failed: googleFailed.length, sent: 5000 - googleFailed.length });
    // Requests are cut in import order across both kinds: the first request holds the first 1,000 events.
    const first = JSON.parse((ctx.db.prepare('SELECT event_ids FROM send_requests ORDER BY started_at, rowid LIMIT 1').get() as { event_ids: string }).event_ids) as string[];
    expect(first).toEqual(ids.slice(0, 1000));
    // Every request's answer is in the journal, each event marked with its own request's id.
    const journal = ctx.db.prepare('SELECT id FROM send_requests WHERE outcome = ?').all('accepted') as { id: string }[];
    expect(journal).toHaveLength(5);
    const byRequest = ctx.db.prepare("SELECT json_extract(platform_ids, '$.request_id') AS r, count(*) AS n FROM event_deliveries WHERE destination = 'meta' GROUP BY r").all() as { r: string; n: number }[];
    expect(byRequest.map((row) => row.n)).toEqual([1000, 1000, 1000, 1000, 1000]);
    expect(new Set(byRequest.map((row) => row.r))).toEqual(new Set(journal.map((j) => j.id)));
  });
});
