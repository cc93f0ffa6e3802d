// Google Ads end to end in the browser, against the fake Google: connect through the fake consent
// page, map a conversion name to an action from the account's list, dry run (validateOnly), send,
// then see Google's processing results (diagnostics) arrive; the send is listed in Export & batches.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { FakeGoogle } from '../../test/fakes/google';
import { startFakeGoogle } from '../fake-google';
import { expect, test } from '../fixtures';
import { importAndQueueAll } from '../seed';

// Screenshots to look at (not committed): test-results/screens/.
const SHOTS = join(__dirname, '..', '..', 'test-results', 'screens');

let fake: FakeGoogle;

test.beforeAll(async () => {
  fake = await startFakeGoogle();
});
test.afterAll(async () => {
  await fake.close();
});

/** Three store purchases from yesterday with a click id each, named as the shop calls them. */
function clicksCsv(): string {
  const when = new Date(Date.now() - 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
  return [
    'Google Click ID,Conversion Name,Conversion Time,Conversion Value,Conversion Currency,Order ID',
    `Cj0KCQiA-store-1,Store purchase,${when},10.00,USD,GS-1`,
    `Cj0KCQiA-store-2,Store purchase,${when},20.00,USD,GS-2`,
    `Cj0KCQiA-store-3,Store purchase,${when},30.00,USD,GS-3`,
  ].join('\n');
}

async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.mouse.move(1, 1);
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

test('Google: connect through the consent page, map a conversion name to an action, dry run, send, diagnostics arrive', async ({ app, harness, context }) => {
  // Google will report the third click as unusable when it processes the request.
  fake.processingError((event) => event.adIdentifiers?.gclid === 'Cj0KCQiA-store-3', 'INVALID_GCLID');

  await importAndQueueAll(app, 'store-clicks.csv', clicksCsv(), 3);

  // Settings → Connections → Google Ads: sign in through the consent page the app opened.
  await app.goto(`${harness.url}#/settings`);
  const section = app.getByTestId('google-connection');
  await section.getByTestId('google-client-id').fill(fake.clientId);
  await section.getByTestId('google-client-secret').fill(fake.clientSecret);
  await section.getByTestId('google-customer-id').fill('123-456-7890');
  await section.getByTestId('google-login-id').fill('9876543210');
  await section.getByTestId('google-connect').click();
  const openedUrls = async () => ((await (await fetch(`${harness.origin}/__test__/opened`, { headers: { 'x-convdesk-token': harness.token } })).json()) as { opened: string[] }).opened;
  await expect.poll(openedUrls, { timeout: 10_000 }).toHaveLength(1);
  const consent = await context.newPage();
  await consent.goto((await openedUrls())[0]!);
  await consent.getByRole('link', { name: 'Allow' }).click();
  await expect(consent.getByRole('heading', { name: 'Signed in' })).toBeVisible();
  await consent.close();
  await expect(section.getByTestId('google-status')).toContainText('Connected to Google Ads account 1234567890');

  // Settings → Conversion names: "Store purchase" → the account's "Offline purchase", offered from the list.
  const row = app.getByTestId('conversion-name-row').filter({ hasText: 'Store purchase' });
  const googleInput = row.getByLabel('Google Ads conversion action for Store purchase');
  await expect(googleInput).toHaveAttribute('list', 'google-conversion-actions');
  await expect(app.locator('#google-conversion-actions option[value="Offline purchase"]')).toHaveCount(1);
  await googleInput.fill('Offline purchase');
  await app.getByTestId('save-conversion-names').click();
  await expect(app.getByTestId('conversion-names-message')).toBeVisible();
  await shoot(app, 'google-settings');

  // Dry run: Google validates the request (validateOnly); nothing changes here.
  await app.goto(`${harness.url}#/send`);
  const card = app.getByTestId('send-google');
  await expect(card.getByTestId('send-google-connection')).toContainText('account 1234567890');
  await card.getByTestId('send-google-dry-run').click();
  await expect(card.getByTestId('send-google-result')).toContainText('3 events would be accepted by Google');
  expect(fake.received.filter((body) => body.validateOnly)).toHaveLength(1);
  expect(fake.accepted.size).toBe(0);
  expect(harness.query<{ n: number }>("SELECT count(*) AS n FROM conversion_events WHERE sync_status = 'queued'")[0]!.n).toBe(3);

  // Send: accepted by Google under the mapped action; the diagnostics start as processing.
  await card.getByTestId('send-google-start').click();
  await expect(card.getByTestId('send-google-result')).toContainText('3 events accepted by Google');
  const sent = fake.received.filter((body) => !body.validateOnly);
  expect(sent).toHaveLength(1);
  expect(sent[0]!.destinations!.map((d) => d.productDestinationId)).toEqual(['111']);
  expect(sent[0]!.events!.map((e) => e.transactionId)).toEqual(['GS-1', 'GS-2', 'GS-3']);
  const diagnostics = card.getByTestId('send-google-diagnostics');
  await expect(diagnostics.getByTestId('send-google-request')).toHaveCount(1);
  await expect(diagnostics.getByTestId('send-google-request')).toContainText('processing');
  await shoot(app, 'google-send-processing');

  // Google finishes processing: asked again, the request shows partial success with the reason and count.
  await diagnostics.getByTestId('send-google-check').click();
  await diagnostics.getByTestId('send-google-check').click();
  await expect(diagnostics.getByTestId('send-google-request')).toContainText('partial success');
  await expect(diagnostics.getByTestId('send-google-request')).toContainText('INVALID_GCLID 1');
  await shoot(app, 'google-send-diagnostics');
  expect(harness.query<{ s: string; n: number }>("SELECT status AS s, count(*) AS n FROM event_deliveries WHERE destination = 'google_ads' GROUP BY status")).toEqual([{ s: 'sent', n: 3 }]);

  // Export & batches lists the send beside the files, with its counts and a link to its result.
  await app.goto(`${harness.url}#/export`);
  const runRow = app.getByTestId('send-run-row');
  await expect(runRow).toHaveCount(1);
  await expect(runRow).toHaveAttribute('data-destination', 'google_ads');
  await expect(runRow).toContainText('Google Ads');
  await expect(runRow.getByTestId('send-run-counts')).toHaveText('3 sent');
  await expect(runRow.getByTestId('send-run-status')).toHaveText('Completed');
  await shoot(app, 'export-history-with-send');
  await runRow.getByTestId('send-run-link').click();
  await expect(card.getByTestId('send-google-result')).toContainText('3 events accepted by Google');
  await expect(card.getByTestId('send-google-request')).toContainText('partial success');
  await shoot(app, 'send-linked-run');
});
