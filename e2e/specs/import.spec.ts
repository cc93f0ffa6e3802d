import { join } from 'node:path';
import { test, expect } from '../fixtures';
import { ImportPage } from '../pages/import-page';
import { AppShell } from '../pages/app-shell';

const CRM_EXPORT = join(__dirname, '..', 'data', 'crm-export.csv');

test('a dropped CSV is auto-mapped, imported with progress and reported row by row', async ({ app, harness }) => {
  const importPage = new ImportPage(app);
  await importPage.dropFile(CRM_EXPORT);

  await expect(importPage.mapping()).toBeVisible();
  await expect(importPage.fieldFor(0)).toHaveValue('email');
  await expect(importPage.fieldFor(1)).toHaveValue('phone');
  await expect(importPage.fieldFor(4)).toHaveValue('gclid');
  await expect(importPage.fieldFor(9)).toHaveValue('transaction_id');
  // The preview masks personal data: no raw email of the file is on screen.
  await expect(importPage.mapping()).not.toContainText('ana.silva@gmail.com');
  await expect(importPage.mapping()).toContainText('a***');

  await importPage.start();
  await importPage.expectReport({ read: 10, imported: 6, invalid: 4, duplicates: 0 });
  await expect(importPage.errorRows()).toHaveCount(4);
  const lines = await importPage.errorRows().evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-row'))));
  expect(lines).toEqual([5, 7, 8, 10]);
  await expect(importPage.errorRows().filter({ hasText: 'n***' })).toContainText('not a valid email');
  await expect(importPage.errorRows().filter({ hasText: 'n***' })).toContainText('no usable identifier left');

  const events = harness.query<{ n: number }>('SELECT count(*) AS n FROM conversion_events')[0]!;
  expect(events.n).toBe(6);
  const [imp] = harness.query<{ status: string; rows_imported: number; rows_invalid: number }>(
    'SELECT status, rows_imported, rows_invalid FROM imports',
  );
  expect(imp).toEqual({ status: 'completed', rows_imported: 6, rows_invalid: 4 });
  // Raw personal data never reaches the database.
  expect(harness.query(`SELECT id FROM conversion_events WHERE user_email_hash LIKE '%@%' OR custom_params LIKE '%silva%'`)).toEqual([]);
  await expect(new AppShell(app).sidebarCount('pending')).toContainText('6');
});

test('the same file dropped twice imports nothing the second time', async ({ app, harness }) => {
  const importPage = new ImportPage(app);
  await importPage.dropFile(CRM_EXPORT);
  await importPage.start();
  await importPage.expectReport({ imported: 6 });
  await app.getByRole('button', { name: 'Import another file' }).click();

  await importPage.dropFile(CRM_EXPORT);
  await expect(importPage.mapping()).toBeVisible();
  await importPage.start();
  await importPage.expectReport({ imported: 0, duplicates: 6, invalid: 4 });

  expect(harness.query<{ n: number }>('SELECT count(*) AS n FROM conversion_events')[0]!.n).toBe(6);
  expect(harness.query<{ n: number }>("SELECT count(*) AS n FROM imports WHERE status = 'completed'")[0]!.n).toBe(2);
});

test('cancelling a large import midway keeps nothing from it', async ({ app, harness }) => {
  const importPage = new ImportPage(app);
  await importPage.dropGeneratedCsv('big-call-centre.csv', 400_000);
  await expect(importPage.mapping()).toBeVisible();
  await importPage.start();

  const progress = app.getByTestId('import-progress');
  await expect(progress).toBeVisible();
  await expect(app.getByRole('progressbar')).toBeVisible();
  await expect
    .poll(async () => Number((await app.getByTestId('progress-rows').textContent())?.replace(/\D/g, '') ?? 0), { timeout: 60_000 })
    .toBeGreaterThan(0);
  await app.getByTestId('cancel-import').click();

  await expect(importPage.report()).toHaveAttribute('data-status', 'cancelled', { timeout: 60_000 });
  await expect(importPage.report()).toContainText('nothing from this file was kept');
  expect(harness.query<{ n: number }>('SELECT count(*) AS n FROM conversion_events')[0]!.n).toBe(0);
  expect(harness.query<{ status: string }>('SELECT status FROM imports')).toEqual([{ status: 'cancelled' }]);
});

test('dropping something that is not a file says so', async ({ app }) => {
  await app.evaluate(() => {
    const transfer = new DataTransfer();
    transfer.setData('text/plain', 'hello');
    for (const kind of ['dragenter', 'dragover', 'drop']) {
      document.body.dispatchEvent(new DragEvent(kind, { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }
  });
  await expect(app.getByRole('status')).toContainText('Only files can be imported');
});

test('the phone country for numbers without +code starts from Settings', async ({ app }) => {
  const saved = await app.evaluate(async () => {
    const api = (window as unknown as { api: Record<string, (input: unknown) => Promise<{ ok: boolean }>> }).api;
    return api['settings:update']!({ patch: { defaultCountry: 'GB' } });
  });
  expect(saved.ok).toBe(true);
  const importPage = new ImportPage(app);
  await importPage.dropFile(CRM_EXPORT);
  await expect(importPage.mapping()).toBeVisible();
  await expect(app.getByLabel('Phone country (no +code)')).toHaveValue('GB');
});
