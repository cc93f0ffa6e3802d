import { readFileSync } from 'node:fs';
import { test, expect } from '../fixtures';
import { ExportPage } from '../pages/export-page';
import { ImportPage } from '../pages/import-page';
import { ReviewPage } from '../pages/review-page';

/** A Meta offline-events file with standard events other than Purchase, dated yesterday (inside Meta's window). */
function metaFile(): string {
  const at = new Date(Date.now() - 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return [
    'email,event_time,event_name,value,currency,order_id',
    `ana@example.com,${at},InitiateCheckout,,,ORD-7001`,
    `ben@example.com,${at},Search,,,ORD-7002`,
    `cy@example.com,${at},Purchase,49.90,EUR,ORD-7003`,
    `dee@example.com,${at},Purchase,,,ORD-7004`,
  ].join('\n');
}

test('conversion names survive import → review → Meta export: InitiateCheckout stays InitiateCheckout', async ({ app, harness }) => {
  const importPage = new ImportPage(app);
  await importPage.dropText('meta-events.csv', metaFile());
  await importPage.start();
  await importPage.expectReport({ imported: 4 });

  // The grid shows the file's own names beside their categories; the filter narrows by name.
  const review = new ReviewPage(app);
  await review.open(harness.url);
  await expect(review.rows()).toHaveCount(4);
  await expect(review.row('ORD-7001').getByTestId('cell-conversion-name')).toHaveText('InitiateCheckout');
  await expect(review.row('ORD-7002').getByTestId('cell-conversion-name')).toHaveText('Search');
  await app.getByTestId('filter-conversion-name').selectOption('InitiateCheckout');
  await expect(review.rows()).toHaveCount(1);
  await expect(review.rows().first()).toContainText('ORD-7001');
  await app.getByTestId('filter-conversion-name').selectOption('');
  await expect(review.rows()).toHaveCount(4);

  await app.getByTestId('select-all-matching').or(app.getByLabel('Select all loaded rows')).first().click();
  await review.bulk('Queue');
  await expect.poll(() => harness.query<{ n: number }>("SELECT count(*) AS n FROM conversion_events WHERE sync_status = 'queued'")[0]!.n).toBe(4);
  expect(harness.query<{ conversion_name: string; event_name: string }>("SELECT conversion_name, event_name FROM conversion_events WHERE transaction_id = 'ORD-7001'")).toEqual([
    { conversion_name: 'InitiateCheckout', event_name: 'custom' },
  ]);

  const exportPage = new ExportPage(app);
  await exportPage.open(harness.url);
  await exportPage.chooseDestination('meta');
  // The Purchase without a value is left out with Meta's reason (defect 11); the others go.
  await expect(exportPage.preflight()).toHaveAttribute('data-exported', '3');
  await expect(exportPage.preflight()).toHaveAttribute('data-excluded', '1');
  await expect(app.getByTestId('excluded-group')).toContainText(/Purchase without value/i);

  await app.getByTestId('save-export').click();
  await expect(app.getByTestId('export-result')).toBeVisible();
  const path = (await app.getByTestId('export-path').textContent())!.trim();
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const columns = header!.split(',');
  const rows = lines.map((line) => Object.fromEntries(line.split(',').map((value, i) => [columns[i], value])));
  expect(rows.map((row) => [row.order_id, row.event_name]).sort()).toEqual([
    ['ORD-7001', 'InitiateCheckout'],
    ['ORD-7002', 'Search'],
    ['ORD-7003', 'Purchase'],
  ]);
});
