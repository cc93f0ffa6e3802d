import { join } from 'node:path';
import { test, expect } from '../fixtures';
import { ImportPage } from '../pages/import-page';
import { ReviewPage } from '../pages/review-page';

test('campaigns and brands: create, assign to events, rename, delete keeps the events with the link cleared', async ({ app, harness }) => {
  const importPage = new ImportPage(app);
  await importPage.dropFile(join(__dirname, '..', 'data', 'crm-export.csv'));
  await importPage.start();
  await importPage.expectReport({ imported: 6 });

  await app.goto(`${harness.url}#/catalog`);
  await app.getByLabel('New brand name').fill('Acme Shoes');
  await app.getByRole('button', { name: 'Create brand' }).click();
  await expect(app.getByTestId('brand-row')).toHaveCount(1);
  await app.getByLabel('New campaign name').fill('Autumn sale');
  await app.getByLabel('Brand of the new campaign').selectOption({ label: 'Acme Shoes' });
  await app.getByRole('button', { name: 'Create campaign' }).click();
  await expect(app.getByTestId('campaign-row')).toHaveCount(1);

  const review = new ReviewPage(app);
  await review.open(harness.url);
  await review.select('ORD-1001');
  await review.select('ORD-1002');
  await review.bulkBar().getByRole('button', { name: 'Assign…' }).click();
  const assign = app.getByTestId('assign-dialog');
  await assign.getByLabel('Campaign to assign').selectOption({ label: 'Autumn sale' });
  await assign.locator('button[type=submit]').click();
  await expect(assign).toBeHidden();
  const linked = () =>
    harness.query<{ n: number }>(
      "SELECT count(*) AS n FROM conversion_events e JOIN campaigns c ON c.id = e.campaign_id WHERE c.name = 'Autumn sale'",
    )[0]!.n;
  await expect.poll(linked).toBe(2);

  await app.goto(`${harness.url}#/catalog`);
  await app.getByRole('button', { name: 'Rename Autumn sale' }).click();
  await app.getByLabel('New name for Autumn sale').fill('Autumn sale 2026');
  await app.getByTestId('campaign-list').getByRole('button', { name: 'Save' }).click();
  await expect(app.getByTestId('campaign-row')).toContainText('Autumn sale 2026');

  await app.getByRole('button', { name: 'Delete Autumn sale 2026' }).click();
  const confirm = app.getByTestId('confirm-dialog');
  await expect(confirm).toContainText(/kept|keep/i);
  await confirm.locator('button[type=submit]').click();
  await expect(app.getByTestId('campaign-row')).toHaveCount(0);
  expect(harness.query<{ n: number; linked: number }>('SELECT count(*) AS n, count(campaign_id) AS linked FROM conversion_events')).toEqual([
    { n: 6, linked: 0 },
  ]);
});
