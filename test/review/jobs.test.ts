import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { SYNC_STATUSES, type ConversionSyncStatus } from '../../src/shared/domain/events';
import { SYNC_ACTIONS, TRANSITIONS } from '../../src/shared/domain/sync';
import * as events from '../../src/main/events/service';
import { collectProgress, reviewContext, seedEvents, snapshot, statusCounts } from './helpers';

let env: ReturnType<typeof reviewContext>;
afterEach(async () => env?.cleanup());

const MIX: ConversionSyncStatus[] = ['pending', 'pending', 'queued', 'failed', 'sent', 'skipped', 'pending'];

describe('state machine through the jobs worker (threshold 0: every change is a job)', () => {
  for (const action of SYNC_ACTIONS) {
    for (const from of SYNC_STATUSES) {
      const legal = TRANSITIONS[action].from.includes(from);
      it(`${action} from ${from} is ${legal ? 'applied' : 'refused'}`, async () => {
        env = reviewContext();
        const [id] = seedEvents(env.ctx.db, 1, { status: () => from });
        const reason = action === 'mark_failed' ? 'EXPIRED_EVENT' : undefined;
        const before = snapshot(env.ctx.db);
        if (legal) {
          const outcome = await env.call('events:transition', { action, target: { ids: [id!] }, reason });
          expect(outcome).toMatchObject({ changed: 1, refused: [], missing: [], undoToken: expect.stringMatching(/^chg_/) });
          const detail = events.getEventDetail(env.ctx.db, id!);
          expect(detail.event.sync_status).toBe(TRANSITIONS[action].to);
          expect(detail.history).toEqual([expect.objectContaining({ from_status: from, to_status: TRANSITIONS[action].to, action })]);
          expect(detail.event.sync_attempts).toBe(action === 'mark_sent' || action === 'mark_failed' ? 1 : 0);
          if (action === 'mark_sent') expect([detail.event.synced_at !== null, detail.event.sync_error]).toEqual([true, null]);
          if (action === 'mark_failed') expect(detail.event.sync_error).toBe('EXPIRED_EVENT');
        } else {
          await expect(env.call('events:transition', { action, target: { ids: [id!] }, reason })).rejects.toMatchObject({
            code: 'illegal_transition',
            shape: { details: { changed: 0, refused: [{ status: from, count: 1 }] } },
          });
          expect(snapshot(env.ctx.db)).toBe(before);
        }
        // It really went through a job.
        expect(env.jobs.list()[0]).toMatchObject({ op: 'transition', state: legal ? 'done' : 'failed' });
      });
    }
  }

  it('needs a reason to mark failed (checked before any job starts)', async () => {
    env = reviewContext();
    const [id] = seedEvents(env.ctx.db, 1, { status: () => 'queued' });
    await expect(env.call('events:transition', { action: 'mark_failed', target: { ids: [id!] } })).rejects.toMatchObject({ code: 'validation' });
    expect(env.jobs.list()).toEqual([]);
  });

  it('reports ids that do not exist as missing', async () => {
    env = reviewContext();
    const ids = seedEvents(env.ctx.db, 3);
    const ghost = '01900000-0000-7000-8000-000000000000';
    const outcome = await env.call('events:transition', { action: 'queue', target: { ids: [...ids, ghost] } });
    expect(outcome).toMatchObject({ changed: 3, missing: [ghost] });
  });
});

describe('bulk by filter in the worker', () => {
  it('gives the same answer, rows and history as the in-thread path', async () => {
    env = reviewContext({ chunkRows: 37 });
    const inline = reviewContext({ bulkThreshold: 1_000_000 });
    try {
      for (const e of [env, inline]) seedEvents(e.ctx.db, 700, { status: (i) => MIX[i % MIX.length]! });
      const filter = { eventNames: ['purchase', 'lead', 'signup'] as ('purchase' | 'lead' | 'signup')[] };
      const progress = collectProgress(env.ctx);
      const viaJob = await env.call('events:transition', { action: 'skip', target: { filter } });
      const inThread = await inline.call('events:transition', { action: 'skip', target: { filter } });
      progress.stop();
      expect(inline.jobs.list()).toEqual([]);
      expect(env.jobs.list()).toHaveLength(1);
      const sortRefused = (o: typeof viaJob) => ({ ...o, undoToken: o.undoToken ? 'token' : null, refused: [...o.refused].sort((a, b) => a.status.localeCompare(b.status)) });
      expect(sortRefused(viaJob)).toEqual(sortRefused(inThread));
      expect(viaJob.changed).toBeGreaterThan(200);
      expect(viaJob.refused.map((r) => r.status).sort()).toEqual(['sent', 'skipped']);
      expect(statusCounts(env.ctx.db)).toEqual(statusCounts(inline.ctx.db));
      const history = env.ctx.db.prepare('SELECT count(*) AS n, count(DISTINCT change_id) AS changes, min(change_id) AS id FROM sync_history').get() as { n: number; changes: number; id: string };
      expect(history).toEqual({ n: viaJob.changed, changes: 1, id: viaJob.undoToken });
      // progress: counted total first, monotonic, ends with done = total
      const job = env.jobs.list()[0]!;
      const mine = progress.events.filter((p) => p.jobId === job.jobId);
      expect(mine.at(-1)).toMatchObject({ phase: 'done', kind: 'bulk', done: 351, total: 351 });
      const dones = mine.map((p) => p.done);
      expect(dones).toEqual([...dones].sort((a, b) => a - b));
    } finally {
      await inline.cleanup();
    }
  });

  it('refuses everything when nothing may move, and changes nothing', async () => {
    env = reviewContext();
    seedEvents(env.ctx.db, 200, { status: (i) => (i % 2 ? 'sent' : 'skipped') });
    const before = snapshot(env.ctx.db);
    await expect(env.call('events:transition', { action: 'mark_sent', target: { filter: {} } })).rejects.toMatchObject({ code: 'illegal_transition' });
    expect(snapshot(env.ctx.db)).toBe(before);
  });

  it('undoes a big change in the worker, with undo history rows', async () => {
    env = reviewContext({ chunkRows: 50 });
    const ids = seedEvents(env.ctx.db, 500, { status: (i) => (i % 5 === 0 ? 'failed' : 'queued') });
    const failed = await env.call('events:transition', { action: 'mark_failed', target: { filter: { statuses: ['queued'] } }, reason: 'UNPARSEABLE_GCLID' });
    expect(failed.changed).toBe(400);
    expect(statusCounts(env.ctx.db)).toMatchObject({ failed: 500, queued: 0 });
    // One event moves on after the change: undo leaves it alone.
    events.transitionEvents(env.ctx.db, 'retry', { ids: [ids[1]!] });
    const { restored } = await env.call('events:undoTransition', { undoToken: failed.undoToken! });
    expect(restored).toBe(399);
    expect(statusCounts(env.ctx.db)).toMatchObject({ queued: 400, failed: 100 });
    const back = events.getEvent(env.ctx.db, ids[2]!);
    expect([back.sync_status, back.sync_attempts, back.sync_error]).toEqual(['queued', 0, null]);
    const undoRows = env.ctx.db.prepare("SELECT count(*) AS n FROM sync_history WHERE action = 'undo'").get() as { n: number };
    expect(undoRows.n).toBe(399);
    expect(env.jobs.list().map((j) => j.op)).toEqual(['undo', 'transition']);
    await expect(env.call('events:undoTransition', { undoToken: 'chg_nope' })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('assigns and deletes in the worker; delete keeps sent events and their history', async () => {
    env = reviewContext({ chunkRows: 40 });
    seedEvents(env.ctx.db, 300, { status: (i) => (i % 10 === 0 ? 'sent' : 'pending') });
    const campaign = await env.call('campaigns:create', { name: 'Spring' });
    const assigned = await env.call('events:assign', { target: { filter: { eventNames: ['lead'] } }, campaignId: campaign.id });
    expect(assigned).toEqual({ changed: 50 });
    expect((env.ctx.db.prepare('SELECT count(*) AS n FROM conversion_events WHERE campaign_id = ?').get(campaign.id) as { n: number }).n).toBe(50);
    await expect(env.call('events:assign', { target: { filter: {} }, campaignId: '01900000-0000-7000-8000-000000000000' })).rejects.toMatchObject({ code: 'not_found' });
    expect((env.ctx.db.prepare('SELECT count(*) AS n FROM conversion_events WHERE campaign_id IS NOT NULL').get() as { n: number }).n).toBe(50);

    await env.call('events:transition', { action: 'skip', target: { filter: { statuses: ['pending'] } } });
    const deleted = await env.call('events:delete', { target: { filter: {} } });
    expect(deleted).toMatchObject({ deleted: 270, refused: 30, reason: expect.stringContaining('30 sent') });
    expect(statusCounts(env.ctx.db)).toMatchObject({ sent: 30, skipped: 0, pending: 0 });
    expect((env.ctx.db.prepare('SELECT count(*) AS n FROM sync_history').get() as { n: number }).n).toBe(0);
  });
});

describe('job lifecycle', () => {
  it('emits progress at least every 250 ms, and events:changed once when done', async () => {
    env = reviewContext({ chunkRows: 200 });
    seedEvents(env.ctx.db, 30_000);
    const progress = collectProgress(env.ctx);
    const changes: string[] = [];
    env.ctx.push.add((name, payload) => name === 'events:changed' && changes.push((payload as { reason: string }).reason));
    // The heartbeat is a main-thread timer: it cannot fire before the event loop lets it, so the allowed
    // gap is the 250 ms period plus the worst timer lateness seen during the job (load on the machine).
    const lateness = monitorEventLoopDelay({ resolution: 10 });
    lateness.enable();
    const started = performance.now();
    const job = await env.call('events:bulkJob', { op: 'transition', action: 'queue', target: { filter: {} } });
    expect(job).toMatchObject({ state: 'running', op: 'transition', kind: 'bulk' });
    const finished = await env.call('jobs:wait', { jobId: job.jobId });
    progress.stop();
    lateness.disable();
    expect(finished).toMatchObject({ state: 'done', done: 30_000, total: 30_000, result: { op: 'transition', outcome: { changed: 30_000 } } });
    const times = [started, ...progress.events.map((p) => p.at)];
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(Math.max(...gaps)).toBeLessThan(250 + 50 + lateness.max / 1e6);
    expect(progress.events.at(-1)).toMatchObject({ phase: 'done', done: 30_000 });
    expect(changes).toEqual(['bulk-transition']);
    expect(await env.call('jobs:get', { jobId: job.jobId })).toMatchObject({ state: 'done' });
  });

  it('cancel rolls everything back: rows, history, nothing changed', async () => {
    env = reviewContext({ chunkRows: 100 });
    seedEvents(env.ctx.db, 40_000, { status: (i) => (i % 2 ? 'queued' : 'pending') });
    const before = snapshot(env.ctx.db);
    const progress = collectProgress(env.ctx);
    const job = await env.call('events:bulkJob', { op: 'transition', action: 'skip', target: { filter: {} } });
    // wait until the worker has done some chunks inside its transaction
    while (!progress.events.some((p) => p.jobId === job.jobId && p.done > 1000)) await new Promise((r) => setTimeout(r, 5));
    expect(await env.call('jobs:cancel', { jobId: job.jobId })).toEqual({ cancelled: true });
    const finished = await env.call('jobs:wait', { jobId: job.jobId });
    progress.stop();
    expect(finished).toMatchObject({ state: 'cancelled', result: null, error: { code: 'cancelled' } });
    expect(progress.events.at(-1)).toMatchObject({ phase: 'cancelled' });
    expect(snapshot(env.ctx.db)).toBe(before);
    expect(await env.call('jobs:cancel', { jobId: job.jobId })).toEqual({ cancelled: false });
  });

  it('a direct call on a cancelled big target answers cancelled', async () => {
    env = reviewContext({ chunkRows: 100 });
    seedEvents(env.ctx.db, 30_000);
    const pending = env.call('events:transition', { action: 'queue', target: { filter: {} } });
    while (env.jobs.list().length === 0 || env.jobs.list()[0]!.done === 0) await new Promise((r) => setTimeout(r, 5));
    env.jobs.cancel(env.jobs.list()[0]!.jobId);
    await expect(pending).rejects.toMatchObject({ code: 'cancelled' });
    expect(statusCounts(env.ctx.db).pending).toBe(30_000);
  });

  it('jobs started together serialize on the write lock inside their workers', async () => {
    env = reviewContext({ chunkRows: 500 });
    seedEvents(env.ctx.db, 20_000);
    const a = await env.call('events:bulkJob', { op: 'transition', action: 'queue', target: { filter: {} } });
    const b = await env.call('events:bulkJob', { op: 'transition', action: 'mark_sent', target: { filter: { statuses: ['queued'] } } });
    expect((await env.call('jobs:list', {})).filter((j) => j.state === 'running').length).toBeGreaterThan(0);
    const [ja, jb] = await Promise.all([env.call('jobs:wait', { jobId: a.jobId }), env.call('jobs:wait', { jobId: b.jobId })]);
    // Whichever took the lock first, the end state is consistent with that order.
    expect(ja.state).toBe('done');
    expect(jb.state).toBe('done');
    const sentByB = jb.result?.op === 'transition' ? jb.result.outcome.changed : -1;
    // b either ran after a (marks all 20,000 sent) or before it (nothing queued yet: 0 changed).
    if (sentByB === 0) expect(statusCounts(env.ctx.db).queued).toBe(20_000);
    else expect([sentByB, statusCounts(env.ctx.db).sent]).toEqual([20_000, 20_000]);
  });

  it('unknown jobs are not_found; input is validated', async () => {
    env = reviewContext();
    await expect(env.call('jobs:get', { jobId: 'job_x' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(env.call('jobs:cancel', { jobId: 'job_x' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(env.call('events:bulkJob', { op: 'transition', action: 'fly' } as never)).rejects.toMatchObject({ code: 'validation' });
    await expect(env.call('events:bulkJob', { op: 'undo', undoToken: 'chg_missing' })).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('threshold', () => {
  it('small targets stay in-thread, targets over the threshold become jobs', async () => {
    env = reviewContext({ bulkThreshold: 100 });
    seedEvents(env.ctx.db, 150);
    await env.call('events:transition', { action: 'queue', target: { filter: { eventNames: ['lead'] } } }); // 25 rows
    expect(env.jobs.list()).toEqual([]);
    await env.call('events:transition', { action: 'queue', target: { filter: {} } }); // 125 more
    expect(env.jobs.list()).toHaveLength(1);
    expect(statusCounts(env.ctx.db).queued).toBe(150);
  });
});

describe('while a job runs', () => {
  it('a small change goes through a job too (it waits for the lock in a worker, not on the window thread)', async () => {
    env = reviewContext({ bulkThreshold: 1000, chunkRows: 200 });
    const ids = seedEvents(env.ctx.db, 20_000);
    const big = await env.call('events:bulkJob', { op: 'transition', action: 'skip', target: { filter: { eventNames: ['lead', 'signup'] } } });
    const small = await env.call('events:transition', { action: 'queue', target: { ids: [ids[0]!] } });
    expect(small.changed).toBe(1);
    expect(env.jobs.list().filter((j) => j.op === 'transition')).toHaveLength(2);
    const finished = await env.call('jobs:wait', { jobId: big.jobId });
    expect(finished).toMatchObject({ state: 'done', timings: { lockMs: expect.any(Number), chunksMs: expect.any(Number), commitMs: expect.any(Number) } });
    // after the job, small changes are in-thread again
    await env.call('events:transition', { action: 'queue', target: { ids: [ids[5]!] } });
    expect(env.jobs.list().filter((j) => j.op === 'transition')).toHaveLength(2);
  });

  it('the default threshold keeps in-thread changes small', async () => {
    const { DEFAULT_BULK_THRESHOLD, defaultBulkThreshold } = await import('../../src/main/jobs/service');
    expect(DEFAULT_BULK_THRESHOLD).toBeLessThanOrEqual(100_000);
    expect(defaultBulkThreshold()).toBe(Number(process.env.CONVDESK_BULK_THRESHOLD ?? DEFAULT_BULK_THRESHOLD));
  });
});
