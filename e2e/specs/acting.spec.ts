import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from '../fixtures';
import { ExportPage } from '../pages/export-page';
import { ReviewPage } from '../pages/review-page';
import { seedThroughUi } from '../seed';

/** Creates events through window.api (personal data hashed in main, as everywhere). */
async function createEvents(page: Page, events: Record<string, unknown>[], queue: boolean): Promise<string[]> {
  return page.evaluate(
    async ({ events, queue }) => {
      type Api = Record<string, (input: unknown) => Promise<{ ok: boolean; value?: { id: string } }>>;
      const api = (window as unknown as { api: Api }).api;
      const ids: string[] = [];
      for (const event of events) ids.push((await api['events:create']!(event)).value!.id);
      if (queue) await api['events:transition']!({ action: 'queue', target: { ids } });
      return ids;
    },
    { events, queue },
  );
}

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

test.describe('acting on exclusions and statuses (issue 15 items 4–6)', () => {
  test('an exclusion group links to its events in Review, skips them for its destination with Undo, and lists order id, line, zoned time and one reason per line', async ({ app, harness }) => {
    await app.goto(`${harness.url}#/import`);
    await seedThroughUi(app, 30);
    await createEvents(app, [
      { event_name: 'purchase', gclid: 'Cj0-old-1', event_time: daysAgo(120), transaction_id: 'OLD-1', event_value: '10', currency: 'USD' },
      { event_name: 'purchase', gclid: 'Cj0-old-2', event_time: daysAgo(100), transaction_id: 'OLD-2', event_value: '12', currency: 'USD' },
    ], true);

    const exportPage = new ExportPage(app);
    await exportPage.open(harness.url);
    await exportPage.chooseDestination('google-click');
    const tooOld = app.locator('[data-testid=excluded-group][data-code=too_old]');
    await expect(tooOld).toHaveAttribute('data-count', '2');
    // Rows: the order id and the file line (no row:… hash), the time with its zone named, one reason per line.
    const rows = tooOld.getByTestId('excluded-row');
    await expect(rows).toHaveCount(2);
    await expect(rows.first()).toContainText('OLD-');
    await expect(tooOld.getByTestId('excluded-table')).not.toContainText('row:');
    await expect(tooOld.locator('th').nth(2)).toContainText(/Time \(.+\)/);
    // Purchases have no Google action by default: two problems, two lines, and the event is in both groups.
    await expect(rows.first().getByTestId('excluded-reason')).toHaveCount(2);
    await expect(rows.first().getByTestId('excluded-reason').nth(0)).toContainText('no Google Ads conversion action');
    await expect(rows.first().getByTestId('excluded-reason').nth(1)).toContainText(/conversion time .+ UTC is more than 90 days ago/);
    // Imported rows show their file line.
    const unmapped = app.locator('[data-testid=excluded-group][data-code=no_conversion_action]');
    const unmappedCount = Number(await unmapped.getAttribute('data-count'));
    expect(unmappedCount).toBeGreaterThan(0);
    await unmapped.getByRole('button', { expanded: false }).click().catch(() => undefined);
    await expect(unmapped.getByTestId('excluded-row').first().locator('td').nth(1)).toHaveText(/^\d+$/);

    // "Show in Review" opens Review with a matching filter: the same events.
    await unmapped.getByTestId('excluded-review').click();
    await expect(app).toHaveURL(/problem=unmapped%3Agoogle_ads|problem=unmapped:google_ads/);
    await expect(app.getByTestId('filter-problem')).toHaveValue('unmapped:google_ads');
    await expect(new ReviewPage(app).total()).toContainText(String(unmappedCount));
    await app.goBack();

    await expect(tooOld).toBeVisible();
    await tooOld.getByTestId('excluded-review').click();
    await expect(app.getByTestId('filter-problem')).toHaveValue('too_old:google_ads');
    await expect(new ReviewPage(app).rows()).toHaveCount(2);
    await app.goBack();

    // "Skip these 2": skipped for Google only, Undo puts them back.
    await tooOld.getByTestId('excluded-skip').click();
    await expect(app.getByTestId('skip-outcome')).toContainText('Skipped 2 events for Google Ads');
    await expect(tooOld).toHaveCount(0);
    const google = () => harness.query<{ status: string }>("SELECT d.status FROM event_deliveries d JOIN conversion_events e ON e.id = d.event_id WHERE e.transaction_id LIKE 'OLD-%' AND d.destination = 'google_ads'").map((r) => r.status);
    expect(google()).toEqual(['skipped', 'skipped']);
    expect(harness.query<{ n: number }>("SELECT count(*) AS n FROM event_deliveries d JOIN conversion_events e ON e.id = d.event_id WHERE e.transaction_id LIKE 'OLD-%' AND d.destination = 'meta' AND d.status = 'skipped'")[0]!.n).toBe(0);
    await app.getByTestId('skip-undo').click();
    await expect(app.getByTestId('skip-outcome')).toContainText('Undone');
    await expect(tooOld).toHaveAttribute('data-count', '2');
    expect(google()).toEqual(['queued', 'queued']);
  });

  test('the queue confirmation says how many cannot be uploaded anywhere, and why', async ({ app, harness }) => {
    await app.goto(`${harness.url}#/import`);
    await seedThroughUi(app, 10);
    await createEvents(app, [
      { event_name: 'purchase', event_time: daysAgo(2), transaction_id: 'NOID-1' },
      { event_name: 'purchase', gclid: 'Cj0-ancient', event_time: daysAgo(200), transaction_id: 'ANCIENT-1' },
    ], false);
    const review = new ReviewPage(app);
    await review.open(harness.url, 'status=pending');
    await app.getByTestId('select-all-matching').or(app.getByLabel('Select all loaded rows')).first().click();
    await review.bulkBar().getByRole('button', { name: 'Queue', exact: true }).click();
    const check = review.dialog().getByTestId('queue-check');
    await expect(check).toHaveAttribute('data-cannot', '2');
    await expect(check).toContainText('2 of');
    await expect(check.locator('[data-code=no_identifiers]')).toContainText('1 have no click id');
    await expect(check.locator('[data-code=too_old]')).toContainText('1 are older than every platform');
    await expect(check.locator('[data-code=no_identifiers] a')).toHaveAttribute('href', /problem=no_ids%3Aany|problem=no_ids:any/);
  });

  test('keyboard q / s act at once on the focused row with Undo; re-queuing a queued row is not an error', async ({ app, harness }) => {
    await app.goto(`${harness.url}#/import`);
    await seedThroughUi(app, 10);
    const review = new ReviewPage(app);
    await review.open(harness.url, 'status=pending');
    const row = review.rows().first();
    const orderId = /ORD-\d+/.exec(await row.innerText())![0];
    await row.locator('td, [role=gridcell]').nth(2).click();
    await app.keyboard.press('q');
    await expect(review.dialog()).toHaveCount(0);
    await expect(review.outcome()).toContainText('Queued 1');
    const status = () => harness.query<{ sync_status: string }>('SELECT sync_status FROM conversion_events WHERE transaction_id = ?', orderId)[0]!.sync_status;
    await expect.poll(status).toBe('queued');
    await app.getByTestId('undo-button').click();
    await expect.poll(status).toBe('pending');

    // Queue it, then queue it again: "already queued", not an error.
    await review.open(harness.url, `q=${orderId}`);
    await review.rows().first().locator('td, [role=gridcell]').nth(2).click();
    await app.keyboard.press('q');
    await expect.poll(status).toBe('queued');
    await app.keyboard.press('q');
    await expect(review.outcome()).toContainText('already queued');
    await expect(review.outcome()).not.toHaveClass(/banner--error/);
    await app.keyboard.press('s');
    await expect.poll(status).toBe('skipped');
    await expect(review.dialog()).toHaveCount(0);
  });
});

test('Save file reflects the saved batch and warns before saving the same events again; Mark uploaded on an emptied batch says so; Mark failed takes Google’s results file', async ({ app, harness }) => {
  await app.goto(`${harness.url}#/import`);
  await seedThroughUi(app, 12);
  const exportPage = new ExportPage(app);
  await exportPage.setGoogleConversionAction(harness.url, 'purchase', 'Offline purchase');
  await exportPage.open(harness.url);
  await exportPage.chooseDestination('google-click');
  const save = app.getByTestId('save-export');
  await save.click();
  await expect(app.getByTestId('export-result')).toBeVisible();
  await expect(save).toHaveText(/Saved · Save again/);
  const firstBatch = (await app.getByTestId('export-result').getAttribute('data-batch-id'))!;
  await expect(save).toHaveAttribute('data-saved-batch', firstBatch);

  // A second click warns: the same events are already in an open batch.
  await save.click();
  const again = app.getByTestId('save-again-dialog');
  await expect(again).toContainText('already in a batch that is waiting for upload');
  await again.getByRole('button', { name: 'Save again' }).click();
  await expect(app.getByTestId('export-result')).not.toHaveAttribute('data-batch-id', firstBatch);
  const secondBatch = (await app.getByTestId('export-result').getAttribute('data-batch-id'))!;
  const path = (await app.getByTestId('export-path').textContent())!.trim();

  // The first batch lost its events to the second: "Mark uploaded" says nothing was left.
  const older = app.locator(`[data-testid=batch-row][data-batch-id="${firstBatch}"]`);
  await older.getByTestId('mark-uploaded').click();
  await expect(app.getByTestId('batch-outcome')).toContainText('Nothing was marked uploaded');
  await expect(app.getByTestId('batch-outcome')).not.toContainText('0 events marked sent');

  // Google's results file: the saved file plus its Errors column, one row refused.
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  const refused = lines[2]!;
  const orderId = refused.split(',')[5]!;
  const results = lines.map((line, i) => (i === 0 ? line : i === 1 ? `${line},Errors` : `${line},${i === 2 ? '"The click is too old (EXPIRED_CLICK)"' : ''}`)).join('\n');
  const resultsPath = join(harness.dataDir, 'google-upload-results.csv');
  writeFileSync(resultsPath, results);
  await harness.queueDialogAnswers({ open: [resultsPath] });
  const newer = app.locator(`[data-testid=batch-row][data-batch-id="${secondBatch}"]`);
  await newer.getByTestId('mark-failed').click();
  await app.getByTestId('load-results').click();
  await expect(app.getByTestId('batch-outcome')).toContainText('1 event marked failed with the platform’s messages');
  const google = harness.query<{ status: string; last_error: string | null }>(
    "SELECT d.status, d.last_error FROM event_deliveries d JOIN conversion_events e ON e.id = d.event_id WHERE e.transaction_id = ? AND d.destination = 'google_ads'",
    orderId,
  )[0];
  expect(google).toEqual({ status: 'failed', last_error: 'The click is too old (EXPIRED_CLICK)' });
  expect(harness.query<{ n: number }>("SELECT count(*) AS n FROM event_deliveries WHERE destination = 'google_ads' AND status = 'failed' AND batch_id = ?", secondBatch)[0]!.n).toBe(1);
  await expect(newer).toHaveAttribute('data-status', 'exported');
});

test('times are labelled with their zone: the account zone by default, switchable to this computer’s; the detail shows UTC and the account zone', async ({ app, harness }) => {
  await app.goto(`${harness.url}#/import`);
  await app.evaluate(async () => {
    type Api = Record<string, (input: unknown) => Promise<unknown>>;
    const api = (window as unknown as { api: Api }).api;
    await api['settings:update']!({ patch: { timeZone: 'Asia/Tokyo' } });
    await api['events:create']!({ event_name: 'purchase', gclid: 'Cj0-tokyo', event_time: '2026-11-20T15:30:00Z', transaction_id: 'TOKYO-1' });
  });
  const computer = await app.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
  const review = new ReviewPage(app);
  await review.open(harness.url);
  await expect(app.getByTestId('grid-zone')).toHaveText('Tokyo');
  await expect(review.row('TOKYO-1')).toContainText('2026-11-21 00:30');
  await review.row('TOKYO-1').locator('[role=gridcell]').nth(2).click();
  const times = review.detail().getByTestId('detail-times');
  await expect(times.locator('[data-zone="Asia/Tokyo (account)"]')).toContainText('2026-11-21 00:30:00 UTC+09:00');
  await expect(times.locator('[data-zone="UTC"]')).toContainText('2026-11-20T15:30:00.000Z');

  await app.getByTestId('zone-choice').selectOption('computer');
  const expected = await app.evaluate(() => new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date('2026-11-20T15:30:00Z')).replace(',', ''));
  await expect(review.row('TOKYO-1')).toContainText(expected);
  await expect(app.getByTestId('grid-zone')).toHaveText(computer === 'UTC' || computer === 'Etc/UTC' ? 'UTC' : computer.split('/').pop()!.replace(/_/g, ' '));
  // The choice is kept
  await review.open(harness.url);
  await expect(app.getByTestId('zone-choice')).toHaveValue('computer');
});
