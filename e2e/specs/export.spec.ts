import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { test, expect } from '../fixtures';
import { ImportPage } from '../pages/import-page';
import { ReviewPage } from '../pages/review-page';
import { ExportPage } from '../pages/export-page';

const CRM_EXPORT = join(__dirname, '..', 'data', 'crm-export.csv');

test('Google click-conversion export: excluded rows explained, file saved, batch listed, marked uploaded → events sent', async ({ app, harness }) => {
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
  const sent = harness.query<{ sync_status: string; n: number; attempts: number }>(
    'SELECT sync_status, count(*) AS n, max(sync_attempts) AS attempts FROM conversion_events GROUP BY sync_status ORDER BY 1',
  );
  expect(sent).toEqual([
    { sync_status: 'queued', n: 1, attempts: 0 },
    { sync_status: 'sent', n: 5, attempts: 1 },
  ]);
  expect(harness.query<{ n: number }>("SELECT count(*) AS n FROM sync_history WHERE to_status = 'sent' AND batch_id = ?", batchId)[0]!.n).toBe(5);
});
