// Settings → Connections → Google Ads against the fake Google: sign in through the (fake) consent
// page opened in the browser, see the account's conversion actions, map a conversion to one of them.
import type { FakeGoogle } from '../../test/fakes/google';
import { startFakeGoogle } from '../fake-google';
import { expect, test } from '../fixtures';
import { AppShell } from '../pages/app-shell';

let fake: FakeGoogle;

test.beforeAll(async () => {
  fake = await startFakeGoogle();
});
test.afterAll(async () => {
  await fake.close();
});

test('connect through the consent page, list the conversion actions, map a conversion name to one', async ({ app, harness, context }) => {
  await new AppShell(app).open('Settings');
  const section = app.getByTestId('google-connection');
  await expect(section.getByTestId('google-status')).toHaveCount(0);
  await section.getByTestId('google-client-id').fill(fake.clientId);
  await section.getByTestId('google-client-secret').fill(fake.clientSecret);
  await section.getByTestId('google-customer-id').fill('123-456-7890');
  await section.getByTestId('google-login-id').fill('9876543210');
  await section.getByTestId('google-connect').click();
  await expect(section.getByTestId('google-waiting')).toBeVisible();

  // The app asked to open Google's consent page in the browser; the user allows access there.
  const openedUrls = async () => ((await (await fetch(`${new URL(harness.url).origin}/__test__/opened`, { headers: { 'x-convdesk-token': harness.token } })).json()) as { opened: string[] }).opened;
  await expect.poll(openedUrls, { timeout: 10_000 }).toHaveLength(1);
  const [opened] = await openedUrls();
  expect(await section.getByTestId('google-consent-url').textContent()).toBe(opened!);
  const browser = await context.newPage();
  await browser.goto(opened!);
  await browser.getByRole('link', { name: 'Allow' }).click();
  await expect(browser.getByRole('heading', { name: 'Signed in' })).toBeVisible();
  await browser.close();

  await expect(section.getByTestId('google-status')).toContainText('Connected to Google Ads account 1234567890 through manager 9876543210');
  await expect(section.getByTestId('google-action-row')).toHaveCount(3);
  await expect(section.getByTestId('google-action-row').filter({ hasText: 'Website purchase' })).toContainText('No — only enabled “Import from clicks” actions');
  // Only the usable actions are offered in the destination mapping.
  await expect(app.locator('#google-conversion-actions option')).toHaveCount(2);
  await expect(app.getByTestId('google-action-purchase')).toHaveAttribute('list', 'google-conversion-actions');

  await app.getByTestId('google-action-purchase').fill('Offline purchase');
  await app.getByTestId('save-settings').click();
  await expect(app.getByTestId('settings-message')).toContainText('Settings saved');

  // Nothing secret reached the database.
  const rows = harness.query<{ key: string; value: string }>('SELECT key, value FROM settings');
  const dump = JSON.stringify(rows);
  expect(dump).not.toContain(fake.clientSecret);
  const saved = JSON.parse(rows.find((r) => r.key === 'app')!.value) as { destinations: { purchase: { googleConversionName: string } } };
  expect(saved.destinations.purchase.googleConversionName).toBe('Offline purchase');

  await section.getByTestId('google-remove').click();
  await expect(section.getByTestId('google-message')).toContainText('access revoked at Google');
  await expect(section.getByTestId('google-connect')).toHaveText('Sign in with Google');
});
