import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeGoogle } from '../fakes/google';
import { createTestContext } from '../helpers/context';
import { sendServiceOf } from '../send/helpers';
import { MANAGER_ID, startFake } from './helpers';
import { googleStatusCounts, mapActions, seedGoogle } from './seed';

type Ctx = ReturnType<typeof createTestContext>;
const FAST = { retry: { baseDelayMs: 20, maxDelayMs: 200 } };
const ENV_KEYS = ['CONVDESK_GOOGLE_OAUTH_URL', 'CONVDESK_GOOGLE_ADS_URL', 'CONVDESK_DATAMANAGER_URL', 'CONVDESK_GOOGLE_REQUESTS_PER_MINUTE'];

describe('sending engine → fake Google (Data Manager)', () => {
  let ctx: Ctx;
  let fake: FakeGoogle;

  beforeEach(async () => {
    ctx = createTestContext();
    fake = await startFake();
    Object.assign(process.env, fake.env(), { CONVDESK_GOOGLE_REQUESTS_PER_MINUTE: '60000' });
    mapActions(ctx);
    await sendServiceOf(ctx).google.connectWithRefreshToken({ clientId: fake.clientId, clientSecret: fake.clientSecret, customerId: '1234567890', loginCustomerId: MANAGER_ID, refreshToken: fake.issueRefreshToken() });
  });
  afterEach(async () => {
    await fake.close();
    for (const key of ENV_KEYS) delete process.env[key];
    ctx.cleanup();
  });

  it('sends 5,000 events across 3 conversion actions: each to its own action, once, in requests of ≤ 2,000', async () => {
    seedGoogle(ctx, 2000, { eventName: 'purchase', prefix: 'p' });
    seedGoogle(ctx, 2000, { eventName: 'lead', prefix: 'l', gclid: () => null, email: true });
    seedGoogle(ctx, 1000, { eventName: 'signup', prefix: 's', orderId: () => null });
    const result = await sendServiceOf(ctx).run({ to: 'google_ads' }, FAST);
    expect(result).toMatchObject({ status: 'completed', sent: 5000, failedCount: 0, excludedCount: 0, requests: 3 });
    expect(fake.ingests).toHaveLength(3);
    expect(fake.ingests.every((r) => r.body.events!.length <= 2000 && r.body.encoding === 'HEX' && r.body.validateOnly === false)).toBe(true);
    const byAction = new Map<string, number>();
    for (const c of fake.accepted.values()) byAction.set(c.actionId, (byAction.get(c.actionId) ?? 0) + 1);
    expect(Object.fromEntries(byAction)).toEqual({ '111': 2000, '222': 2000, '333': 1000 });
    expect([...fake.accepted.values()].filter((c) => c.actionId === '222').every((c) => c.transactionId?.startsWith('T-l-'))).toBe(true);
    expect(fake.duplicates()).toHaveLength(0);
    expect(googleStatusCounts(ctx)).toEqual({ sent: 5000 });
    const journal = ctx.db.prepare("SELECT platform_ids FROM send_requests WHERE destination = 'google_ads' AND outcome = 'accepted'").all() as { platform_ids: string }[];
    expect(new Set(journal.map((r) => JSON.parse(r.platform_ids).requestId))).toEqual(new Set(fake.ingests.map((r) => r.requestId)));
  });

  it('the pre-flight catches what Google would reject; nothing of it reaches Google', async () => {
    seedGoogle(ctx, 10, { prefix: 'ok' });
    const [bad] = seedGoogle(ctx, 1, { prefix: 'bad', gclid: () => null, extra: () => ({ gbraid: 'gb-1', wbraid: 'wb-1' }) });
    const [unmapped] = seedGoogle(ctx, 1, { prefix: 'custom', extra: () => ({ conversion_name: 'Website purchase' }) });
    const result = await sendServiceOf(ctx).run({ to: 'google_ads' }, FAST);
    expect(result).toMatchObject({ status: 'completed', sent: 10, excludedCount: 2 });
    expect(result.excluded.map((e) => [e.id === bad ? 'bad' : e.id === unmapped ? 'unmapped' : e.id, e.reason])).toEqual([
      ['bad', expect.stringContaining('both a GBRAID and a WBRAID')],
      ['unmapped', expect.stringContaining('has type WEBPAGE')],
    ]);
    expect(fake.received.flatMap((b) => b.events!).some((e) => e.adIdentifiers?.gbraid || e.transactionId?.startsWith('T-custom'))).toBe(false);
    expect(fake.received.every((b) => b.events!.length === 10)).toBe(true);
  });

  it('a forced whole-request rejection is isolated to its event; the rest go through', async () => {
    const ids = seedGoogle(ctx, 50);
    fake.rejectEvents((e) => e.transactionId === 'T-g-17', 'INVALID_FORMAT');
    const result = await sendServiceOf(ctx).run({ to: 'google_ads' }, FAST);
    expect(result).toMatchObject({ status: 'completed', sent: 49, failedCount: 1 });
    expect(result.failed).toEqual([expect.objectContaining({ id: ids[17], code: 'INVALID_FORMAT', reason: expect.stringContaining('events[17]') })]);
    expect(fake.accepted.size).toBe(49);
  });

  it('without the event index, the engine splits the request until the bad event is alone', async () => {
    const ids = seedGoogle(ctx, 16);
    fake.rejectEvents((e) => e.transactionId === 'T-g-5', 'INVALID_FORMAT', { withIndex: false });
    const result = await sendServiceOf(ctx).run({ to: 'google_ads' }, FAST);
    expect(result).toMatchObject({ status: 'completed', sent: 15, failedCount: 1 });
    expect(result.failed.map((f) => f.id)).toEqual([ids[5]]);
    expect(fake.accepted.size).toBe(15);
  });

  it('a dry run sends validateOnly and changes nothing', async () => {
    seedGoogle(ctx, 30);
    const before = ctx.db.prepare('SELECT * FROM conversion_events ORDER BY id').all();
    const result = await sendServiceOf(ctx).run({ to: 'google_ads', dryRun: true }, FAST);
    expect(result).toMatchObject({ status: 'completed', dryRun: true, sent: 30 });
    expect(fake.received.map((b) => b.validateOnly)).toEqual([true]);
    expect(fake.accepted.size).toBe(0);
    expect(ctx.db.prepare('SELECT * FROM conversion_events ORDER BY id').all()).toEqual(before);
  });

  it('429 RESOURCE_EXHAUSTED, then success', async () => {
    seedGoogle(ctx, 20);
    fake.failNext('ingest', { status: 429, retryDelay: '0.05s' });
    const result = await sendServiceOf(ctx).run({ to: 'google_ads' }, FAST);
    expect(result).toMatchObject({ status: 'completed', sent: 20, retries: 1 });
    expect(fake.calls.ingest).toBe(2);
  });

  it('an access token that expires mid-run is refreshed; invalid_grant stops before anything is sent and asks to reconnect', async () => {
    seedGoogle(ctx, 10);
    fake.expireAccessTokens();
    expect((await sendServiceOf(ctx).run({ to: 'google_ads' }, FAST)).sent).toBe(10);

    seedGoogle(ctx, 5, { prefix: 'later' });
    fake.revokeAllGrants();
    const calls = fake.calls.ingest;
    await expect(sendServiceOf(ctx).run({ to: 'google_ads' }, FAST)).rejects.toThrow(/Reconnect Google/);
    expect(fake.calls.ingest).toBe(calls);
    expect(googleStatusCounts(ctx)).toEqual({ sent: 10, queued: 5 });
    expect(sendServiceOf(ctx).google.view().state).toBe('reconnect_needed');
  });
});
