import { join } from 'node:path';
import { readFileSync, readdirSync } from 'node:fs';
import { test, expect } from '../fixtures';
import { ImportPage } from '../pages/import-page';

const SHOPIFY = join(__dirname, '..', '..', 'test', 'fixtures', 'real-world', 'shopify_orders_export_devstore.csv');

// Issue 15 item 9: search finds an order by its number without '#', and a person by email or phone; the
// typed value is hashed in main and matched against the stored hashes, never stored.
test('review search: #1001 by 1001, an order by its buyer’s email (any case) or phone', async ({ app, harness }) => {
  const importPage = new ImportPage(app);
  await importPage.dropFile(SHOPIFY);
  await expect(importPage.mapping()).toBeVisible();
  await importPage.start();
  await importPage.expectReport({ imported: 19 });
  await app.getByTestId('review-imported').click();
  await expect(app.getByTestId('cell-conversion-name')).toHaveCount(19);
  const search = app.getByTestId('filter-search');

  await search.fill('1001');
  await expect(app.getByTestId('cell-conversion-name')).toHaveCount(1);
  await expect(app.getByTestId('event-grid')).toContainText('#1001');

  // The buyer's three orders (#1008, #1009, #1016 in the file).
  await search.fill('  RUSSEL.Winfield@Example.com ');
  await expect(app.getByTestId('cell-conversion-name')).toHaveCount(3);

  // By phone, written as people write it: the orders that carry that number.
  await search.fill('(613) 555-0127');
  const withPhone = harness.query<{ n: number }>("SELECT count(*) AS n FROM conversion_events WHERE transaction_id IN ('#1004', '#1012', '#1015') AND user_phone_hash IS NOT NULL")[0]!.n;
  expect(withPhone).toBeGreaterThan(0);
  await expect(app.getByTestId('cell-conversion-name')).toHaveCount(withPhone);

  await search.fill('nobody@example.com');
  await expect(app.getByTestId('cell-conversion-name')).toHaveCount(0);

  // Nothing of what was typed is in the database or its WAL.
  for (const name of readdirSync(harness.dataDir).filter((n) => n.startsWith('convdesk.db'))) {
    const bytes = readFileSync(join(harness.dataDir, name)).toString('latin1').toLowerCase();
    expect(bytes).not.toContain('russel.winfield@example.com');
    expect(bytes).not.toContain('nobody@example.com');
    expect(bytes).not.toContain('555-0127');
  }
});
