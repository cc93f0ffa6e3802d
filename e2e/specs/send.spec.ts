import { test, expect } from '../fixtures';
import { importAndQueueAll } from '../seed';

const TOKEN = 'EAAharness-token-0000000000000000wxyz';

/** Three store purchases from yesterday; ORD-2's fbc is malformed (Meta refuses it, our pre-flight cannot know). */
function ordersCsv(fbc2: string): string {
  const when = new Date(Date.now() - 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
  return [
    'Email,Conversion Name,Conversion Time,Conversion Value,Conversion Currency,Order ID,fbc',
    `ana@example.com,Purchase,${when},10.00,USD,ORD-1,`,
    `ben@example.com,Purchase,${when},20.00,USD,ORD-2,${fbc2}`,
    `cleo@example.com,Purchase,${when},30.00,USD,ORD-3,`,
  ].join('\n');
}

async function fakeMeta(origin: string, token: string): Promise<{ accepted: string[]; testEvents: string[]; unique: number }> {
  const response = await fetch(`${origin}/__test__/fake-meta`, { headers: { 'x-convdesk-token': token } });
  return (await response.json()) as { accepted: string[]; testEvents: string[]; unique: number };
}

test('Meta: connect, dry run, send, one isolated failure with its reason and source line, fixed and retried', async ({ app, harness }) => {
  const importPage = await importAndQueueAll(app, 'meta-orders.csv', ordersCsv('fbclid-without-prefix'), 3);

  // Settings → Connections → Meta: the token goes in once and only its last four characters come back.
  await app.goto(`${harness.url}#/settings`);
  const connection = app.getByTestId('meta-connection');
  await connection.getByTestId('meta-dataset').fill('1234567890');
  await connection.getByTestId('meta-token').fill(TOKEN);
  await connection.getByTestId('meta-test-code').fill('TEST4242');
  await connection.getByTestId('meta-save').click();
  await expect(connection.getByTestId('meta-connection-summary')).toContainText('connected as dataset 1234567890, token ending …wxyz');
  await expect(connection.getByTestId('meta-token')).toHaveValue('');
  await connection.getByTestId('meta-test').click();
  await expect(connection.getByTestId('meta-test-result')).toContainText('dataset 1234567890');
  expect(await app.content()).not.toContain(TOKEN);

  // Dry run: Meta's test events get the two good events; nothing changes here.
  await app.goto(`${harness.url}#/send`);
  await expect(app.getByTestId('send-will-send')).toHaveText('3');
  await app.getByTestId('send-dry-run').click();
  const result = app.getByTestId('send-result');
  await expect(result).toHaveAttribute('data-dry-run', 'true');
  await expect(result).toHaveAttribute('data-status', 'completed');
  await expect(app.getByTestId('send-result-summary')).toContainText('Dry run: 2 would be accepted · 1 failed');
  expect((await fakeMeta(harness.origin, harness.token)).testEvents.sort()).toHaveLength(2);
  expect(harness.query<{ n: number }>("SELECT count(*) AS n FROM conversion_events WHERE sync_status = 'queued'")[0]!.n).toBe(3);

  // Send: two accepted, ORD-2 isolated with Meta's own reason, its file and line.
  const dryRunId = await result.getAttribute('data-run-id');
  await app.getByTestId('send-start').click();
  await expect(result).toHaveAttribute('data-dry-run', 'false');
  expect(await result.getAttribute('data-run-id')).not.toBe(dryRunId);
  await expect(result).toHaveAttribute('data-sent', '2');
  await expect(result).toHaveAttribute('data-failed', '1');
  const reason = app.getByTestId('send-reason').filter({ hasText: '100/2804017' });
  await expect(reason).toContainText('fbc parameter is not in the expected format');
  await reason.getByTestId('send-reason-toggle').click();
  await expect(reason.getByTestId('send-failed-event')).toContainText('meta-orders.csv, line');
  const meta = await fakeMeta(harness.origin, harness.token);
  expect(meta.unique).toBe(2);
  const statuses = harness.query<{ transaction_id: string; sync_status: string }>('SELECT transaction_id, sync_status FROM conversion_events ORDER BY transaction_id');
  expect(statuses).toEqual([
    { transaction_id: 'ORD-1', sync_status: 'sent' },
    { transaction_id: 'ORD-2', sync_status: 'failed' },
    { transaction_id: 'ORD-3', sync_status: 'sent' },
  ]);

  // The fix: the corrected file re-imported over the failed event, then retried from the result.
  await app.goto(`${harness.url}#/import`);
  await importPage.dropText('meta-orders-fixed.csv', ordersCsv('fb.1.1730000000000.AbCdEfGh'));
  await expect(importPage.mapping()).toBeVisible();
  await app.getByTestId('on-duplicate').selectOption('update');
  await importPage.start();
  await expect(importPage.report()).toBeVisible({ timeout: 60_000 });
  await app.goto(`${harness.url}#/send`);
  const again = app.getByTestId('send-reason').filter({ hasText: '100/2804017' });
  await again.getByTestId('send-reason-retry').click();
  await expect(again.getByTestId('send-reason-retried')).toContainText('1 queued for Meta again');
  await expect(app.getByTestId('send-will-send')).toHaveText('1');
  const firstRunId = await app.getByTestId('send-result').getAttribute('data-run-id');
  await app.getByTestId('send-start').click();
  await expect(app.getByTestId('send-result')).not.toHaveAttribute('data-run-id', firstRunId!);
  await expect(app.getByTestId('send-result')).toHaveAttribute('data-sent', '1');
  await expect(app.getByTestId('send-result')).toHaveAttribute('data-failed', '0');
  expect((await fakeMeta(harness.origin, harness.token)).unique).toBe(3);
  expect(harness.query<{ n: number }>("SELECT count(*) AS n FROM conversion_events WHERE sync_status = 'sent'")[0]!.n).toBe(3);
});
