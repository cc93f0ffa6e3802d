import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { READER_MIN_EVENTS } from '../../src/main/send/engine';
import type { FakeMeta } from '../fakes/meta';
import { createTestContext } from '../helpers/context';
import { DATASET, TOKEN, seedEvents, sendServiceOf, startFakeMeta, statusCounts } from './helpers';

// Sends of READER_MIN_EVENTS or more read and pre-flight on a reader thread (send/source.ts, reader.ts).
describe('sending engine with its reader thread → fake Meta', () => {
  let ctx: ReturnType<typeof createTestContext>;
  let fake: FakeMeta;
  beforeEach(async () => {
    ctx = createTestContext();
    fake = await startFakeMeta();
    await sendServiceOf(ctx).meta.set({ datasetId: DATASET, accessToken: TOKEN });
  });
  afterEach(async () => {
    await fake.stop();
    delete process.env.CONVDESK_META_GRAPH_URL;
    ctx.cleanup();
  });

  it('sends every queued event once and records the pre-flight exclusions found between them', async () => {
    const half = READER_MIN_EVENTS / 2 + 500;
    seedEvents(ctx, half, { prefix: 'a' });
    seedEvents(ctx, 2, { prefix: 'novalue', valueMicros: null });
    seedEvents(ctx, half, { prefix: 'b' });
    seedEvents(ctx, 1, { prefix: 'last-novalue', valueMicros: null });
    const total = 2 * half + 3;
    expect(total).toBeGreaterThanOrEqual(READER_MIN_EVENTS);

    const result = await sendServiceOf(ctx).run({ to: 'meta' });
    expect(result).toMatchObject({ status: 'completed', sent: 2 * half, failedCount: 0, excludedCount: 3 });
    expect(result.excluded.map((e) => [e.eventId, e.code]).sort()).toEqual([
      ['last-novalue-0', 'purchase_without_value'],
      ['novalue-0', 'purchase_without_value'],
      ['novalue-1', 'purchase_without_value'],
    ]);
    expect(fake.accepted.length).toBe(2 * half);
    expect(fake.unique()).toBe(2 * half);
    expect(statusCounts(ctx)).toEqual({ sent: 2 * half, queued: 3 });
    // Nothing left in flight, and a second send finds only the excluded events.
    const again = await sendServiceOf(ctx).run({ to: 'meta' });
    expect(again).toMatchObject({ sent: 0, excludedCount: 3 });
  });
});
