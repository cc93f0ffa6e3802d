import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect } from '../fixtures';
import { ImportPage } from '../pages/import-page';

// Issue 15 item 10: the empty app shows the setup checklist, the platforms' templates and a sample to try.
test('first run: a setup checklist with each item’s state and links, the upload templates, and a sample that lands in Review', async ({ app, harness }) => {
  const checklist = app.getByTestId('setup-checklist');
  await expect(checklist).toBeVisible();
  for (const id of ['timezone', 'country', 'conversions', 'consent']) await expect(app.getByTestId(`setup-${id}`)).toHaveAttribute('data-done', 'no');
  await expect(app.getByTestId('setup-timezone')).toContainText('UTC (the default');

  // A link goes to the field that sets it; once saved, the item is done.
  await app.getByTestId('setup-link-timezone').click();
  await expect(app.getByTestId('settings-timezone')).toBeFocused();
  await app.getByTestId('settings-timezone').fill('America/New_York');
  await app.getByTestId('settings-consent-user-data').selectOption('granted');
  await app.getByTestId('settings-consent-personalization').selectOption('denied');
  await app.getByTestId('save-settings').click();
  await expect(app.getByTestId('settings-message')).toBeVisible();
  await app.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview', exact: true }).click();
  await expect(app.getByTestId('setup-timezone')).toHaveAttribute('data-done', 'yes');
  await expect(app.getByTestId('setup-timezone')).toContainText('America/New_York');
  await expect(app.getByTestId('setup-country')).toHaveAttribute('data-done', 'yes'); // saved with the form
  await expect(app.getByTestId('setup-consent')).toHaveAttribute('data-done', 'yes');
  await expect(app.getByTestId('setup-conversions')).toHaveAttribute('data-done', 'no');
  await expect(app.getByTestId('setup-link-conversions')).toHaveAttribute('href', /settings\?focus=conversion-names/);

  // Templates: Google's carries the account's zone; Meta's its columns.
  await app.getByTestId('setup-template-google-click').click();
  await expect(app.getByTestId('setup-message')).toContainText('google-ads-click-conversions-template.csv');
  const google = readFileSync(join(harness.dataDir, 'exports', 'google-ads-click-conversions-template.csv'), 'utf8');
  expect(google.split(/\r?\n/)[0]).toBe('Parameters:TimeZone=America/New_York');
  expect(google).toContain('Google Click ID,Conversion Name,Conversion Time,Conversion Value,Conversion Currency');
  await app.getByTestId('setup-template-meta').click();
  await expect(app.getByTestId('setup-message')).toContainText('meta-offline-events-template.csv');
  expect(readFileSync(join(harness.dataDir, 'exports', 'meta-offline-events-template.csv'), 'utf8')).toMatch(/^event_name,event_time,event_id,action_source,em,ph,/);

  // The sample: mapped, imported, and in Review.
  await app.getByTestId('setup-sample').click();
  const importPage = new ImportPage(app);
  await expect(importPage.mapping()).toBeVisible();
  await expect(app.getByTestId('mapping-quality')).toBeVisible();
  await importPage.start();
  await importPage.expectReport({ read: 12, imported: 12, invalid: 0 });
  await app.getByTestId('review-imported').click();
  await expect(app.getByTestId('review-screen')).toBeVisible();
  await expect(app.getByTestId('cell-conversion-name')).toHaveCount(12);
  expect(harness.query<{ n: number }>('SELECT count(*) AS n FROM conversion_events')[0]!.n).toBe(12);
  // The sample's made-up addresses are hashed like any file's.
  expect(harness.query("SELECT id FROM conversion_events WHERE custom_params LIKE '%example.com%'")).toEqual([]);

  // With events, the Overview is the dashboard again.
  await app.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview', exact: true }).click();
  await expect(app.getByTestId('overview-tiles')).toBeVisible();
  await expect(app.getByTestId('setup-checklist')).toHaveCount(0);
});
