import { join } from 'node:path';
import { test, expect } from '../fixtures';
import { AppShell } from '../pages/app-shell';
import { ImportPage } from '../pages/import-page';
import { ReviewPage } from '../pages/review-page';

// A real Shopify order export (test/fixtures/real-world/SOURCES.md): 40 rows, 19 orders, line items on rows of their own.
const SHOPIFY = join(__dirname, '..', '..', 'test', 'fixtures', 'real-world', 'shopify_orders_export_devstore.csv');

test('a real Shopify export: order number, total and currency mapped; warnings apart from errors; the events carry the conversion name', async ({ app, harness }) => {
  const importPage = new ImportPage(app);
  await importPage.dropFile(SHOPIFY);

  await expect(importPage.mapping()).toBeVisible();
  await expect(importPage.fieldFor(0)).toHaveValue('transaction_id'); // Name = the order number (#1001)
  await expect(importPage.fieldFor(7)).toHaveValue('currency'); // Currency
  await expect(importPage.fieldFor(11)).toHaveValue('value'); // Total
  await expect(importPage.fieldFor(15)).toHaveValue('event_time'); // Created at

  // Issue 15 item 1: the preview is spread through the file (its first 7 rows have no email), lines up with
  // its rows, and each column says how full it is; the match estimate per platform follows the mapping.
  const emailColumn = 1;
  await expect(importPage.fieldFor(emailColumn)).toHaveValue('email');
  await expect(app.getByTestId(`valid-rate-${emailColumn}`)).toHaveText('45% valid'); // 18 of 40 rows
  await expect(app.locator(`[data-testid^="preview-${emailColumn}-"]`).filter({ hasText: /\*\*\*@/ }).first()).toBeVisible();
  const rowBox = await app.getByTestId('mapping-row').nth(emailColumn).boundingBox();
  const previewBox = await app.locator(`[data-testid^="preview-${emailColumn}-"]`).first().boundingBox();
  expect(previewBox!.y).toBeGreaterThanOrEqual(rowBox!.y);
  expect(previewBox!.y + previewBox!.height).toBeLessThanOrEqual(rowBox!.y + rowBox!.height);
  await expect(app.getByTestId('mapping-quality')).toContainText('all 40 rows');
  await expect(app.locator('[data-testid="mapping-quality-key"][data-key="email"] [data-platform="google"]')).toContainText('45%');
  await expect(app.getByTestId('mapping-quality-google')).toContainText('18 of 40');
  // Unmapping the email column takes it out of the estimate.
  await importPage.fieldFor(emailColumn).selectOption('ignore');
  await expect(app.locator('[data-testid="mapping-quality-key"][data-key="email"] [data-platform="google"]')).toContainText('0%');
  await importPage.fieldFor(emailColumn).selectOption('email');
  await expect(app.getByTestId('mapping-quality-google')).toContainText('18 of 40');

  await app.getByTestId('event-name-input').fill('Store purchase');
  await importPage.start();
  await importPage.expectReport({ read: 40, imported: 19, invalid: 0, duplicates: 0 });
  await expect(app.getByTestId('report-merged')).toContainText('21');
  // Issue 15 item 2: what happened to every row, in words.
  await expect(app.getByTestId('report-rows')).toHaveText('40 rows → 19 orders (21 line-item rows of the same order merged)');
  await expect(app.getByTestId('report-quality-google')).toContainText('9 of 19');

  // The orders have no email or phone: kept, and the pre-flight says so — as warnings, not errors, grouped by reason.
  await expect(app.getByTestId('report-unmatchable')).toContainText('10 of 19 orders have no email, phone or click id');
  const unmatchable = app.getByTestId('problem-group').filter({ hasText: 'no platform can match this event' });
  await expect(unmatchable).toHaveAttribute('data-count', '10');
  // A short list is shown open, each group folding to its summary.
  await expect(unmatchable.getByTestId('warning-table-row')).toHaveCount(10);
  await expect(unmatchable.getByTestId('warning-table-row').first()).toBeVisible();
  await unmatchable.locator('summary').click();
  await expect(unmatchable.getByTestId('warning-table-row').first()).toBeHidden();
  await unmatchable.locator('summary').click();
  await expect(unmatchable.getByTestId('warning-table-row').first()).toBeVisible();
  await expect(app.getByTestId('error-table')).toHaveCount(0);

  const orders = harness.query<{ transaction_id: string; conversion_name: string; event_name: string; event_value_micros: number; currency: string; source_line: number }>(
    "SELECT transaction_id, conversion_name, event_name, event_value_micros, currency, source_line FROM conversion_events WHERE transaction_id IN ('#1001', '#1002') ORDER BY transaction_id",
  );
  expect(orders).toEqual([
    { transaction_id: '#1001', conversion_name: 'Store purchase', event_name: 'purchase', event_value_micros: 1_659_950_000, currency: 'EUR', source_line: 2 },
    { transaction_id: '#1002', conversion_name: 'Store purchase', event_name: 'purchase', event_value_micros: 1_615_900_000, currency: 'EUR', source_line: 6 },
  ]);
  expect(harness.query<{ n: number }>("SELECT count(*) AS n FROM conversion_events WHERE conversion_name = 'Store purchase'")[0]!.n).toBe(19);
  expect(harness.query('SELECT rows_merged, rows_warned, rows_invalid FROM imports')).toEqual([{ rows_merged: 21, rows_warned: 0, rows_invalid: 0 }]);

  // The review grid shows the file's conversion name (and offers it as a filter).
  await app.getByTestId('review-imported').click();
  await expect(app.getByTestId('cell-conversion-name')).toHaveCount(19);
  await expect(app.getByTestId('cell-conversion-name').first()).toContainText('Store purchase');
  await expect(app.getByTestId('filter-conversion-name')).toContainText('Store purchase');

  // "See them in Review" (from the report): exactly the 10 orders no platform can match.
  await new AppShell(app).open('Import');
  await expect(app.getByTestId('recent-import-row')).toHaveCount(1);
  await app.getByTestId('recent-import-open').click();
  await app.getByTestId('review-unmatchable').click();
  await expect(app.getByTestId('cell-conversion-name')).toHaveCount(10);
  expect(new URL(app.url()).hash).toContain('problem=no_ids%3Aany');
  await expect(app.getByTestId('filter-problem')).toHaveValue('no_ids:any');
  const shown = harness.query<{ n: number }>(
    "SELECT count(*) AS n FROM conversion_events WHERE user_email_hash IS NULL AND user_phone_hash IS NULL AND gclid IS NULL AND meta_email_hash IS NULL",
  )[0]!.n;
  expect(shown).toBe(10);
});

test('a Meta offline file with bad phones: rows kept for their emails, each dropped phone a warning with its masked value', async ({ app, harness }) => {
  const importPage = new ImportPage(app);
  await importPage.dropText(
    'meta-offline-bad-phones.csv',
    'email,phone,event_name,event_time,value,currency\n' +
      'ana@example.com,12,InitiateCheckout,1715302704,10.00,USD\n' +
      'ben@example.com,+14155550102,Purchase,1715302714,20.00,USD\n' +
      'not-an-email,,Purchase,1715302724,30.00,USD\n',
  );
  await expect(importPage.mapping()).toBeVisible();
  await importPage.start();
  await importPage.expectReport({ read: 3, imported: 2, invalid: 1 });
  await expect(app.getByTestId('report-warned')).toContainText('1');
  const line2 = app.locator('[data-testid="warning-table-row"][data-row="2"]');
  await expect(line2).toContainText('phone');
  await expect(line2).toContainText('***'); // masked: "12" never on screen as such
  await expect(line2).toContainText('dropped from this row');
  expect(await importPage.errorLines()).toEqual([4]);
  const noIdentifier = app.getByTestId('problem-group').filter({ has: app.locator('summary', { hasText: 'no usable identifier left' }) });
  await expect(noIdentifier).toHaveAttribute('data-count', '1');
  await expect(noIdentifier.getByTestId('error-row')).toContainText('not a valid email'); // the line's other reason, read whole
  expect(harness.query("SELECT conversion_name, event_name FROM conversion_events ORDER BY source_line")).toEqual([
    { conversion_name: 'InitiateCheckout', event_name: 'custom' },
    { conversion_name: 'Purchase', event_name: 'purchase' },
  ]);
});

test('issue 15 item 8: the detail shows the time as the file gave it, beside UTC and the account zone, each zone named', async ({ app, harness }) => {
  await app.goto(`${harness.url}#/import`);
  await app.evaluate(async () => {
    const api = (window as unknown as { api: Record<string, (input: unknown) => Promise<unknown>> }).api;
    await api['settings:update']!({ patch: { timeZone: 'Asia/Tokyo' } });
  });
  const importPage = new ImportPage(app);
  await importPage.dropFile(SHOPIFY);
  await expect(importPage.fieldFor(15)).toHaveValue('event_time'); // Created at: "2025-05-11 09:55:16 -0400" for #1001
  await app.getByTestId('event-name-input').fill('Store purchase');
  await importPage.start();
  await importPage.expectReport({ read: 40, imported: 19, invalid: 0 });
  await app.getByTestId('review-imported').click();
  const review = new ReviewPage(app);
  await review.row('#1001').locator('[role=gridcell]').nth(2).click();
  const times = review.detail().getByTestId('detail-times');
  await expect(times.locator('[data-zone="file"]')).toContainText('2025-05-11 09:55:16 -0400');
  await expect(times.locator('[data-zone="file"]')).toContainText('as in the file (with its own offset)');
  await expect(times.locator('[data-zone="UTC"]')).toContainText('2025-05-11T13:55:16.000Z');
  await expect(times.locator('[data-zone="Asia/Tokyo (account)"]')).toContainText('2025-05-11 22:55:16 UTC+09:00');
  expect(harness.query("SELECT source_time FROM conversion_events WHERE transaction_id = '#1001'")).toEqual([{ source_time: '2025-05-11 09:55:16 -0400' }]);

  // A file without offsets, read in its Parameters:TimeZone: the wall time is shown with the zone it was read in.
  await new AppShell(app).open('Import');
  await importPage.dropText('google-template.csv', 'Parameters:TimeZone=America/New_York\nGoogle Click ID,Conversion Name,Conversion Time,Order ID\nCj0-plain-1,Store purchase,2026-07-04 12:00:00,NY-1\n');
  await importPage.start();
  await importPage.expectReport({ read: 1, imported: 1, invalid: 0 });
  await review.open(harness.url);
  await review.row('NY-1').locator('[role=gridcell]').nth(2).click();
  await expect(times.locator('[data-zone="file"]')).toContainText('2026-07-04 12:00:00');
  await expect(times.locator('[data-zone="file"]')).toContainText('as in the file, read in America/New_York');
  await expect(times.locator('[data-zone="UTC"]')).toContainText('2026-07-04T16:00:00.000Z');
  await expect(times.locator('[data-zone="Asia/Tokyo (account)"]')).toContainText('2026-07-05 01:00:00 UTC+09:00');
});
