import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DialogProvider } from '../../src/main/app/context';
import * as events from '../../src/main/events/service';
import { createEventsHandlers } from '../../src/main/events/handlers';
import { createExportsHandlers } from '../../src/main/exports/handlers';
import { dispatch, type Handlers } from '../../src/main/ipc/bind';
import { createSettingsHandlers } from '../../src/main/settings/handlers';
import { getSettings, updateSettings } from '../../src/main/settings/service';
import type { JobProgress } from '../../src/shared/ipc/events';
import type { ChannelName } from '../../src/shared/ipc/contract';
import { type TestContext, useTestContext } from '../helpers/context';
import { addEvent, configureDestinations, exportsOf, NOW, seedGoldenEvents } from './helpers';

let ctx: TestContext;
useTestContext((c) => { ctx = c; }, (c) => exportsOf(c).shutdown());

const IN_BATCH = 'id IN (SELECT l.event_id FROM sync_batch_events l WHERE l.batch_id = ?)';
const eventRow = (eventId: string) =>
  ctx.db.prepare('SELECT id, sync_status, (SELECT max(l.batch_id) FROM sync_batch_events l WHERE l.event_id = conversion_events.id) AS batch_id, sync_attempts, synced_at, sync_error FROM conversion_events WHERE event_id = ?').get(eventId) as {
    id: string; sync_status: string; batch_id: string | null; sync_attempts: number; synced_at: string | null; sync_error: string | null;
  };

/** Purchases and leads routed to Google Ads only (no Meta event mapped), so a Google batch decides their overall status. */
function googleOnly(): void {
  updateSettings(ctx.db, { destinations: { purchase: { metaEventName: null }, lead: { metaEventName: null } } });
}

describe('export run and sync batches', () => {
  it('creates a batch with the file hash, links only exported queued events, and keeps them queued', async () => {
    configureDestinations(ctx);
    seedGoldenEvents(ctx);
    const path = join(ctx.dataDir, 'click.csv');
    const result = await exportsOf(ctx).run({ format: 'google-click' }, path, { now: NOW });
    const bytes = readFileSync(path);
    expect(result.fileSha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(result.bytes).toBe(bytes.length);
    expect(result.linked).toBe(7);
    expect(readdirSync(ctx.dataDir).filter((f) => f.endsWith('.part'))).toEqual([]);
    const [batch] = exportsOf(ctx).listBatches();
    expect(batch).toMatchObject({ id: result.batchId, destination: 'google-click', filePath: path, fileSha256: result.fileSha256, eventCount: 7, status: 'exported', byStatus: { queued: 7, sent: 0, failed: 0, other: 0 } });
    expect(eventRow('ny-edt-0130')).toMatchObject({ sync_status: 'queued', batch_id: result.batchId });
    expect(eventRow('too-old')).toMatchObject({ sync_status: 'queued', batch_id: null });
    expect(eventRow('pending-one').batch_id).toBeNull();
    // "in batch N" is visible through the review filter
    expect(events.countEvents(ctx.db, { batchId: result.batchId }).total).toBe(7);
    expect(result.warnings).toEqual([
      { code: 'no_order_id', count: 1, message: '1 event(s) have no order id: if this file is uploaded twice, they count twice' },
      { code: 'consent_unspecified', count: 5, message: expect.stringContaining('consent unspecified') },
    ]);
    // Exporting the same events again for the same destination moves them to the new batch, with a warning…
    const again = await exportsOf(ctx).preview({ format: 'google-click', filter: { batchId: result.batchId } }, { now: NOW });
    expect(again.warnings).toContainEqual({ code: 'in_other_batch', count: 7, message: '7 event(s) were in another open batch; they move to this export’s batch' });
    // …for another destination (or a spreadsheet) it leaves them in their Google batch: delivery is per destination.
    for (const format of ['meta', 'csv'] as const) {
      const other = await exportsOf(ctx).preview({ format, filter: { batchId: result.batchId } }, { now: NOW });
      expect(other.warnings.map((w) => w.code)).not.toContain('in_other_batch');
    }
  });

  it('mark uploaded: queued → sent with attempts, synced_at and history carrying the batch id; a second close is refused', async () => {
    configureDestinations(ctx);
    googleOnly();
    seedGoldenEvents(ctx);
    const result = await exportsOf(ctx).run({ format: 'google-click' }, join(ctx.dataDir, 'a.csv'), { now: NOW });
    const failedOne = eventRow('ny-est-0130').id;
    await exportsOf(ctx).markFailed(result.batchId, 'UNPARSEABLE_GCLID', [failedOne]);
    expect(eventRow('ny-est-0130')).toMatchObject({ sync_status: 'failed', sync_error: 'Google Ads: UNPARSEABLE_GCLID', sync_attempts: 1 });
    expect(exportsOf(ctx).getBatch(result.batchId).status).toBe('exported');

    const { batch, outcome } = await exportsOf(ctx).markUploaded(result.batchId);
    expect(outcome.changed).toBe(6);
    expect(outcome.refused).toEqual([{ status: 'failed', count: 1, reason: expect.stringContaining('cannot mark sent an event that is failed') }]);
    expect(batch).toMatchObject({ status: 'uploaded', closedAt: expect.any(String), byStatus: { sent: 6, failed: 1, queued: 0 } });
    const sent = eventRow('ny-edt-0130');
    expect(sent).toMatchObject({ sync_status: 'sent', sync_attempts: 1, sync_error: null, batch_id: result.batchId });
    expect(sent.synced_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    const history = events.getEventDetail(ctx.db, sent.id).history;
    expect(history.at(-1)).toMatchObject({ from_status: 'queued', to_status: 'sent', action: 'mark_sent', batch_id: result.batchId });
    expect(events.getEventDetail(ctx.db, failedOne).history.at(-1)).toMatchObject({ to_status: 'failed', action: 'mark_failed', note: 'UNPARSEABLE_GCLID', batch_id: result.batchId });

    await expect(exportsOf(ctx).markUploaded(result.batchId)).rejects.toMatchObject({ code: 'conflict' });
    await expect(exportsOf(ctx).markFailed(result.batchId, 'late')).rejects.toMatchObject({ code: 'conflict' });
  });

  it('mark failed: the whole batch → failed with the reason; retry puts events back in the queue, the closed batch keeps them as history', async () => {
    configureDestinations(ctx);
    googleOnly();
    seedGoldenEvents(ctx);
    const result = await exportsOf(ctx).run({ format: 'google-click' }, join(ctx.dataDir, 'a.csv'), { now: NOW });
    const { batch, outcome } = await exportsOf(ctx).markFailed(result.batchId, 'File rejected: wrong time zone');
    expect(outcome.changed).toBe(7);
    expect(batch).toMatchObject({ status: 'failed', error: 'File rejected: wrong time zone', byStatus: { failed: 7 } });
    expect(eventRow('berlin-cest-0230')).toMatchObject({ sync_status: 'failed', sync_error: 'Google Ads: File rejected: wrong time zone', sync_attempts: 1 });
    events.transitionEvents(ctx.db, 'retry', { filter: { batchId: result.batchId } });
    expect(eventRow('berlin-cest-0230')).toMatchObject({ sync_status: 'queued', batch_id: result.batchId });
    // The next export picks them up again, in a new batch (no "other open batch" warning: that one is closed).
    const again = await exportsOf(ctx).run({ format: 'google-click' }, join(ctx.dataDir, 'b.csv'), { now: NOW });
    expect(again.linked).toBe(7);
    expect(again.batchId).not.toBe(result.batchId);
    expect(again.warnings.map((w) => w.code)).not.toContain('in_other_batch');
    expect(eventRow('berlin-cest-0230').batch_id).toBe(again.batchId);
    expect(ctx.db.prepare(`SELECT count(*) AS n FROM conversion_events WHERE ${IN_BATCH}`).get(result.batchId)).toEqual({ n: 7 });
  });

  it('rows failed one by one and retried leave their open batch, so marking it uploaded does not mark them sent', async () => {
    configureDestinations(ctx);
    seedGoldenEvents(ctx);
    const result = await exportsOf(ctx).run({ format: 'google-click' }, join(ctx.dataDir, 'a.csv'), { now: NOW });
    const rejected = eventRow('berlin-cest-0230').id;
    await exportsOf(ctx).markFailed(result.batchId, 'UNPARSEABLE_GCLID', [rejected]);
    events.transitionEvents(ctx.db, 'retry', { ids: [rejected] });
    expect(eventRow('berlin-cest-0230')).toMatchObject({ sync_status: 'queued', batch_id: null });
    const unqueued = eventRow('ny-edt-0130').id;
    events.transitionEvents(ctx.db, 'unqueue', { ids: [unqueued] });
    expect(eventRow('ny-edt-0130')).toMatchObject({ sync_status: 'pending', batch_id: null });
    const { outcome, batch } = await exportsOf(ctx).markUploaded(result.batchId);
    expect(outcome.changed).toBe(5);
    expect(batch.byStatus).toEqual({ queued: 0, sent: 5, failed: 0, other: 0 });
    expect(eventRow('berlin-cest-0230').sync_status).toBe('queued');
  });

  it('refuses rows that are not in the batch, unknown batches and an empty reason', async () => {
    configureDestinations(ctx);
    seedGoldenEvents(ctx);
    const result = await exportsOf(ctx).run({ format: 'google-click' }, join(ctx.dataDir, 'a.csv'), { now: NOW });
    await expect(exportsOf(ctx).markFailed(result.batchId, 'x', [eventRow('too-old').id])).rejects.toMatchObject({ code: 'validation' });
    expect(eventRow('too-old').sync_status).toBe('queued');
    await expect(exportsOf(ctx).markUploaded('nope')).rejects.toMatchObject({ code: 'not_found' });
    await expect(exportsOf(ctx).markFailed(result.batchId, '  ')).rejects.toMatchObject({ code: 'validation' });
  });

  it('previews without writing anything; a filter can pick other statuses', async () => {
    configureDestinations(ctx);
    seedGoldenEvents(ctx);
    const preview = await exportsOf(ctx).preview({ format: 'google-click' }, { now: NOW, excludedLimit: 2 });
    expect(preview).toMatchObject({ matched: 14, exported: 7, excludedCount: 7, excludedTruncated: true });
    expect(preview.excluded).toHaveLength(2);
    expect(exportsOf(ctx).listBatches()).toEqual([]);
    const pending = await exportsOf(ctx).preview({ format: 'google-click', filter: { statuses: ['pending', 'sent'] } }, { now: NOW });
    expect(pending).toMatchObject({ matched: 2, exported: 2 });
    const csv = await exportsOf(ctx).run({ format: 'csv', filter: { statuses: ['pending', 'sent'] } }, join(ctx.dataDir, 'c.csv'), { now: NOW });
    expect(csv).toMatchObject({ exported: 2, linked: 0 });
  });

  it('reports progress on job:progress and can be cancelled (two-thread export), leaving no file, no batch and no links', { timeout: 240_000 }, async () => {
    configureDestinations(ctx);
    const insert = ctx.db.prepare(
      "INSERT INTO conversion_events (id, event_name, event_id, gclid, event_time, sync_status, currency) VALUES (?, 'purchase', ?, ?, ?, 'queued', 'USD')",
    );
    ctx.db.transaction(() => {
      for (let i = 0; i < 200_000; i++) insert.run(`id-${String(i).padStart(7, '0')}`, `e-${i}`, i % 1000 === 7 ? null : `G${i}`, new Date(NOW.getTime() - 86_400_000 - i * 1000).toISOString());
    })();
    const progress: JobProgress[] = [];
    ctx.push.add((name, payload) => {
      if (name === 'job:progress') progress.push(payload as JobProgress);
    });
    const path = join(ctx.dataDir, 'big.csv');
    const running = exportsOf(ctx).run({ format: 'google-click' }, path, { now: NOW, jobId: 'job-1' });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(exportsOf(ctx).cancel('job-1')).toEqual({ cancelled: true });
    await expect(running).rejects.toMatchObject({ code: 'cancelled' });
    expect(progress.at(-1)).toMatchObject({ jobId: 'job-1', kind: 'export', phase: 'cancelled' });
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(ctx.dataDir).filter((f) => f.endsWith('.part'))).toEqual([]);
    expect(exportsOf(ctx).listBatches()).toEqual([]);
    expect((ctx.db.prepare('SELECT count(*) AS n FROM sync_batch_events').get() as { n: number }).n).toBe(0);

    progress.length = 0;
    const done = await exportsOf(ctx).run({ format: 'google-click' }, path, { now: NOW, jobId: 'job-2' });
    // Large exports link in rowid chunks: exactly the exported events, none of the excluded.
    expect(done).toMatchObject({ exported: 199_800, excludedCount: 200, linked: 199_800 });
    const linkedRows = ctx.db.prepare(`SELECT count(*) AS n, sum(gclid IS NULL) AS bad FROM conversion_events WHERE ${IN_BATCH}`).get(done.batchId);
    expect(linkedRows).toEqual({ n: 199_800, bad: 0 });
    expect(progress[0]).toMatchObject({ jobId: 'job-2', phase: 'running', total: 200_000 });
    expect(progress.at(-1)).toMatchObject({ jobId: 'job-2', phase: 'done', done: 200_000, total: 200_000 });
    expect(exportsOf(ctx).cancel('job-2')).toEqual({ cancelled: false });

    // The single-thread path (rowid-range linking) gives the same file and links.
    const single = await exportsOf(ctx).run({ format: 'google-click' }, join(ctx.dataDir, 'single.csv'), { now: NOW, parallelMinRows: Number.MAX_SAFE_INTEGER });
    expect(single).toMatchObject({ exported: 199_800, linked: 199_800, fileSha256: done.fileSha256, warnings: expect.arrayContaining([expect.objectContaining({ code: 'in_other_batch', count: 199_800 })]) });
    expect(exportsOf(ctx).getBatch(done.batchId).byStatus.queued).toBe(0);

    // A batch this large is closed in the worker (off the main thread), with the same effects.
    const closed = await exportsOf(ctx).markUploaded(single.batchId);
    expect(closed).toMatchObject({ batch: { status: 'uploaded', byStatus: { sent: 199_800, queued: 0 } }, outcome: { changed: 199_800, refused: [] } });
    expect(ctx.db.prepare("SELECT count(*) AS n FROM sync_history WHERE action = 'mark_sent' AND batch_id = ?").get(single.batchId)).toEqual({ n: 199_800 });
    expect(ctx.db.prepare("SELECT count(*) AS n FROM conversion_events WHERE id NOT IN (SELECT event_id FROM sync_batch_events) AND sync_status = 'queued'").get()).toEqual({ n: 200 });
  });

  it('the two-thread export writes the same file and links the same events as the single-thread one', async () => {
    configureDestinations(ctx);
    seedGoldenEvents(ctx);
    const single = await exportsOf(ctx).run({ format: 'google-click' }, join(ctx.dataDir, 'single.csv'), { now: NOW });
    const singleLinks = ctx.db.prepare(`SELECT id FROM conversion_events WHERE ${IN_BATCH} ORDER BY id`).all(single.batchId);
    const parallel = await exportsOf(ctx).run({ format: 'google-click' }, join(ctx.dataDir, 'parallel.csv'), { now: NOW, parallelMinRows: 1 });
    expect(readFileSync(join(ctx.dataDir, 'parallel.csv'), 'utf8')).toBe(readFileSync(join(ctx.dataDir, 'single.csv'), 'utf8'));
    expect(parallel).toMatchObject({ exported: single.exported, excludedCount: single.excludedCount, linked: single.linked, fileSha256: single.fileSha256, excluded: single.excluded });
    expect(ctx.db.prepare(`SELECT id FROM conversion_events WHERE ${IN_BATCH} ORDER BY id`).all(parallel.batchId)).toEqual(singleLinks);
    expect(exportsOf(ctx).getBatch(parallel.batchId)).toMatchObject({ eventCount: 7, fileSha256: single.fileSha256, byStatus: { queued: 7 } });
    expect(exportsOf(ctx).getBatch(single.batchId).byStatus.queued).toBe(0);
    expect(readdirSync(ctx.dataDir).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it.each(['google-click', 'google-leads', 'meta', 'csv'] as const)('%s: two reader threads (each half of the rows) give the same file, preview and links as one thread', async (format) => {
    configureDestinations(ctx);
    seedGoldenEvents(ctx);
    const linksOf = (batchId: string) => ctx.db.prepare(`SELECT id FROM conversion_events WHERE ${IN_BATCH} ORDER BY id`).all(batchId);
    const single = await exportsOf(ctx).run({ format }, join(ctx.dataDir, 'single.csv'), { now: NOW, parallelMinRows: Number.MAX_SAFE_INTEGER });
    const singleLinks = linksOf(single.batchId);
    ctx.db.prepare('DELETE FROM sync_batches WHERE id = ?').run(single.batchId); // its links go with it: the events are unbatched again
    const split = await exportsOf(ctx).run({ format }, join(ctx.dataDir, 'split.csv'), { now: NOW, parallelMinRows: 1, splitMinRows: 2 });
    expect(exportsOf(ctx).lastTimings?.readers).toBe(2);
    expect(readFileSync(join(ctx.dataDir, 'split.csv'), 'utf8')).toBe(readFileSync(join(ctx.dataDir, 'single.csv'), 'utf8'));
    const { batchId: _a, path: _b, durationMs: _c, ...singleRest } = single;
    const { batchId: _d, path: _e, durationMs: _f, ...splitRest } = split;
    expect(splitRest).toEqual(singleRest);
    expect(linksOf(split.batchId)).toEqual(singleLinks);
    expect(readdirSync(ctx.dataDir).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it('writes no file and opens no batch when nothing can be exported, and says why', async () => {
    configureDestinations(ctx);
    addEvent(ctx, { event_name: 'purchase', event_id: 'no-click', email: 'a@b.co', event_time: '2026-11-24T00:00:00Z' });
    const path = join(ctx.dataDir, 'empty.csv');
    await expect(exportsOf(ctx).run({ format: 'google-click' }, path, { now: NOW })).rejects.toMatchObject({
      code: 'validation',
      message: 'Nothing to export: all 1 matching event(s) are excluded (1 no_click_id).',
      details: { preview: { excluded: [{ eventId: 'no-click', code: 'no_click_id' }] } },
    });
    await expect(exportsOf(ctx).run({ format: 'meta', filter: { statuses: ['sent'] } }, path, { now: NOW, parallelMinRows: 0 })).rejects.toMatchObject({
      code: 'validation',
      message: expect.stringContaining('no events match'),
    });
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(ctx.dataDir).filter((f) => f.endsWith('.part'))).toEqual([]);
    expect(exportsOf(ctx).listBatches()).toEqual([]);
  });

  it('refuses a relative path or a missing folder', async () => {
    await expect(exportsOf(ctx).run({ format: 'csv' }, 'relative.csv')).rejects.toMatchObject({ code: 'validation' });
    await expect(exportsOf(ctx).run({ format: 'csv' }, join(ctx.dataDir, 'missing', 'x.csv'))).rejects.toMatchObject({ code: 'io' });
  });

  it('escapes formula-looking cells in the spreadsheet CSV (single- and multi-line)', async () => {
    addEvent(ctx, {
      event_name: 'purchase',
      event_id: 'evil',
      transaction_id: '=HYPERLINK("http://evil.example","x")',
      source: 'line one\n=cmd|\' /C calc\'!A0',
      user_agent: '@SUM(1+1)',
      custom_params: { note: '+1' },
      event_time: '2026-11-24T00:00:00Z',
    });
    const path = join(ctx.dataDir, 'all.csv');
    await exportsOf(ctx).run({ format: 'csv' }, path, { now: NOW });
    const text = readFileSync(path, 'utf8');
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    expect(text).toContain(`"'line one\n=cmd|' /C calc'!A0"`);
    expect(text).toContain(`"'@SUM(1+1)"`);
    expect(text).toContain('"{""note"":""+1""}"');
  });
});

describe('settings', () => {
  it('defaults, partial updates per event name, validation, JSON export/import', () => {
    const defaults = getSettings(ctx.db);
    expect(defaults).toMatchObject({ timeZone: 'UTC', consentDefaults: { adUserData: 'unspecified' }, meta: { actionSource: 'physical_store' } });
    expect(defaults.destinations.purchase).toEqual({ googleConversionName: null, metaEventName: 'Purchase' });
    const updated = updateSettings(ctx.db, { timeZone: 'Europe/Berlin', destinations: { lead: { googleConversionName: 'Qualified lead' } } });
    expect(updated.destinations.lead).toEqual({ googleConversionName: 'Qualified lead', metaEventName: 'Lead' });
    expect(updated.destinations.purchase.metaEventName).toBe('Purchase');
    expect(() => updateSettings(ctx.db, { timeZone: 'Mars/Olympus' })).toThrowError(expect.objectContaining({ code: 'validation', message: expect.stringContaining('IANA time zone') }));
    expect(() => updateSettings(ctx.db, { google: { requiredCurrency: 'XXY' } })).toThrowError(expect.objectContaining({ code: 'validation' }));
    expect(getSettings(ctx.db).timeZone).toBe('Europe/Berlin');
    // A cleared field means "not mapped".
    expect(updateSettings(ctx.db, { destinations: { lead: { googleConversionName: '  ' } }, google: { requiredCurrency: '' } })).toMatchObject({
      destinations: { lead: { googleConversionName: null, metaEventName: 'Lead' } },
      google: { requiredCurrency: null },
    });
  });

  it('over the IPC binding: get / update / exportJson / importJson, and a bad document changes nothing', async () => {
    const handlers = { ...createSettingsHandlers(ctx), ...createExportsHandlers(ctx), ...createEventsHandlers(ctx) } as Handlers;
    const call = (name: ChannelName, input: unknown) => dispatch(name, handlers, () => true, { frameUrl: 'app://index.html', isMainFrame: true }, input);
    expect(await call('settings:update', { patch: { timeZone: 'Asia/Tokyo', consentDefaults: { adPersonalization: 'denied' } } })).toMatchObject({ ok: true, value: { timeZone: 'Asia/Tokyo' } });
    const exported = (await call('settings:exportJson', {})) as { ok: true; value: { json: string } };
    expect(JSON.parse(exported.value.json).convdeskSettings.consentDefaults.adPersonalization).toBe('denied');
    await call('settings:update', { patch: { timeZone: 'UTC' } });
    expect(await call('settings:importJson', { json: exported.value.json })).toMatchObject({ ok: true, value: { timeZone: 'Asia/Tokyo' } });
    expect(await call('settings:importJson', { json: '{"timeZone": 5}' })).toMatchObject({ ok: false, error: { code: 'validation' } });
    expect(await call('settings:importJson', { json: 'not json' })).toMatchObject({ ok: false, error: { code: 'validation' } });
    expect(await call('settings:get', {})).toMatchObject({ ok: true, value: { timeZone: 'Asia/Tokyo' } });
  });
});

describe('exports over the IPC binding', () => {
  it('preview → save dialog → run → batches:list → markUploaded; a cancelled dialog writes nothing', async () => {
    const answers: { save: string | null } = { save: null };
    const dialogs: DialogProvider = { openFile: async () => null, saveFile: async () => answers.save };
    ctx.dialogs = dialogs;
    const handlers = { ...createSettingsHandlers(ctx), ...createExportsHandlers(ctx), ...createEventsHandlers(ctx) } as Handlers;
    const call = (name: ChannelName, input: unknown) => dispatch(name, handlers, () => true, { frameUrl: 'app://index.html', isMainFrame: true }, input);
    configureDestinations(ctx);
    addEvent(ctx, { event_name: 'purchase', event_id: 'p1', gclid: 'G1', event_time: new Date(Date.now() - 3_600_000).toISOString(), event_value: '5', currency: 'USD' });
    addEvent(ctx, { event_name: 'purchase', event_id: 'p2', event_time: new Date(Date.now() - 3_600_000).toISOString() });

    expect(await call('exports:preview', { format: 'google-click' })).toMatchObject({ ok: true, value: { exported: 1, excludedCount: 1, excluded: [{ eventId: 'p2', code: 'no_click_id' }] } });
    expect(await call('exports:preview', { format: 'tiktok' })).toMatchObject({ ok: false, error: { code: 'validation' } });
    const progress: unknown[] = [];
    ctx.push.add((name, payload) => {
      if (name === 'job:progress') progress.push(payload);
    });
    const jobId = '01900000-0000-7000-8000-00000000abcd';
    expect(await call('exports:preview', { format: 'google-click', jobId })).toMatchObject({ ok: true, value: { exported: 1 } });
    expect(progress.at(-1)).toMatchObject({ jobId, kind: 'export', phase: 'done' });
    expect(await call('exports:run', { format: 'google-click', filter: {} })).toEqual({ ok: true, value: null });
    answers.save = join(ctx.dataDir, 'out.csv');
    const run = (await call('exports:run', { format: 'google-click', filter: {} })) as { ok: true; value: { batchId: string; exported: number } };
    expect(run).toMatchObject({ ok: true, value: { exported: 1, linked: 1 } });
    expect(await call('batches:list', {})).toMatchObject({ ok: true, value: [{ id: run.value.batchId, status: 'exported', eventCount: 1 }] });
    expect(await call('batches:markFailed', { batchId: run.value.batchId, reason: '' })).toMatchObject({ ok: false, error: { code: 'validation' } });
    expect(await call('batches:markUploaded', { batchId: run.value.batchId })).toMatchObject({ ok: true, value: { batch: { status: 'uploaded' }, outcome: { changed: 1 } } });
    ctx.dialogs = null;
    const noDialog = { ...createExportsHandlers(ctx) } as Handlers;
    expect(await dispatch('exports:run', noDialog, () => true, { frameUrl: 'app://index.html', isMainFrame: true }, { format: 'csv', filter: {} })).toMatchObject({ ok: false, error: { code: 'unsupported' } });
  });
});
