import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { test, expect } from '../fixtures';
import { ImportPage } from '../pages/import-page';
import { ReviewPage } from '../pages/review-page';
import { ExportPage } from '../pages/export-page';

const CRM_EXPORT = join(__dirname, '..', 'data', 'crm-export.csv');

test('Google click-conversion export: excluded rows explained, file saved, batch listed, marked uploaded → sent to Google (chips and delivery filter in the review grid)', async ({ app, harness }) => {
  const importPage = new ImportPage(app);
  await importPage.dropFile(CRM_EXPORT);
  await importPage.start();
  await importPage.expectReport({ imported: 6 });

  const exportPage = new ExportPage(app);
  await exportPage.setGoogleConversionAction(harness.url, 'purchase', 'Offline purchase');

  const review = new ReviewPage(app);
  await review.open(harness.url);
  await expect(review.rows()).toHaveCount(6);
  await app.getByTestId('select-all-matching').or(app.getByLabel('Select all loaded rows')).first().click();
  await review.bulk('Queue');
  await expect.poll(() => harness.query<{ n: number }>("SELECT count(*) AS n FROM conversion_events WHERE sync_status = 'queued'")[0]!.n).toBe(6);

  await exportPage.open(harness.url);
  await exportPage.chooseDestination('google-click');
  // ORD-1003 has no click id: listed as excluded with its reason, not dropped silently.
  await expect(exportPage.preflight()).toHaveAttribute('data-exported', '5');
  await expect(exportPage.preflight()).toHaveAttribute('data-excluded', '1');
  await expect(app.getByTestId('excluded-group')).toContainText(/click id/i);

  await app.getByTestId('save-export').click();
  const result = app.getByTestId('export-result');
  await expect(result).toBeVisible();
  const path = (await app.getByTestId('export-path').textContent())!.trim();
  expect(path.startsWith(harness.dataDir)).toBe(true);
  const lines = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  expect(lines[0]).toMatch(/^Parameters:TimeZone=/);
  expect(lines[1]).toBe('Google Click ID,Conversion Name,Conversion Time,Conversion Value,Conversion Currency,Order ID,Ad User Data,Ad Personalization');
  expect(lines).toHaveLength(7);
  expect(lines.some((line) => line.startsWith('Cj0KCQiA1aBcDeFgHiJkLmNoPq01,Offline purchase,2026-10-01 ') && line.includes(',120.50,USD,ORD-1001'))).toBe(true);

  const batch = exportPage.batches().first();
  await expect(batch).toHaveAttribute('data-status', 'exported');
  const batchId = (await result.getAttribute('data-batch-id'))!;
  const [stored] = harness.query<{ event_count: number; file_sha256: string; status: string }>(
    'SELECT event_count, file_sha256, status FROM sync_batches WHERE id = ?',
    batchId,
  );
  expect(stored).toEqual({ event_count: 5, file_sha256: createHash('sha256').update(readFileSync(path)).digest('hex'), status: 'exported' });
  expect(harness.query<{ n: number }>("SELECT count(*) AS n FROM conversion_events WHERE id IN (SELECT event_id FROM sync_batch_events WHERE batch_id = ?) AND sync_status = 'queued'", batchId)[0]!.n).toBe(5);

  await batch.getByTestId('mark-uploaded').click();
  await expect(batch).toHaveAttribute('data-status', 'uploaded');
  // Delivery per destination (issue 12): the Google file sent them to Google only. Purchases are also
  // mapped to a Meta event (the default), so the events stay queued — for Meta.
  const google = harness.query<{ status: string; n: number; attempts: number }>(
    "SELECT status, count(*) AS n, max(attempts) AS attempts FROM event_deliveries WHERE destination = 'google_ads' GROUP BY status ORDER BY 1",
  );
  expect(google).toEqual([{ status: 'sent', n: 5, attempts: 1 }]);
  const overall = harness.query<{ sync_status: string; n: number }>('SELECT sync_status, count(*) AS n FROM conversion_events GROUP BY sync_status ORDER BY 1');
  expect(overall).toEqual([{ sync_status: 'queued', n: 6 }]);
  expect(harness.query<{ n: number }>("SELECT count(*) AS n FROM sync_history WHERE to_status = 'sent' AND destination = 'google_ads' AND batch_id = ?", batchId)[0]!.n).toBe(5);

  // The review grid shows one chip per destination, and filters by destination × status.
  await review.open(harness.url);
  await expect(review.rows()).toHaveCount(6);
  await expect(app.locator('[data-testid="delivery-google_ads"][data-status="sent"]')).toHaveCount(5);
  await expect(app.locator('[data-testid="delivery-meta"][data-status="queued"]')).toHaveCount(6);
  await app.getByTestId('filter-delivery').selectOption('google_ads:sent');
  await expect(review.rows()).toHaveCount(5);
  await app.getByTestId('filter-delivery').selectOption('google_ads:queued');
  await expect(review.rows()).toHaveCount(1);
  // The detail panel lists each destination's delivery.
  await review.rows().first().click();
  await expect(app.getByTestId('detail-delivery-google_ads')).toContainText(/queued/i);
  await expect(app.getByTestId('detail-delivery-meta')).toContainText(/queued/i);
});
