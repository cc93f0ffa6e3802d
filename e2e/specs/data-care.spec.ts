import { join } from 'node:path';
import { test, expect } from '../fixtures';
import { ImportPage } from '../pages/import-page';

test('settings: forget a person, back up and restore the database (confirmations asked)', async ({ app, harness }) => {
  const importPage = new ImportPage(app);
  await importPage.dropFile(join(__dirname, '..', 'data', 'crm-export.csv'));
  await importPage.start();
  await importPage.expectReport({ imported: 6 });
  const events = () => harness.query<{ n: number }>('SELECT count(*) AS n FROM conversion_events')[0]!.n;
  const confirms: string[] = [];
  app.on('dialog', (dialog) => {
    confirms.push(dialog.message());
    void dialog.accept();
  });

  await app.goto(`${harness.url}#/settings`);
  const section = app.getByTestId('data-care');
  const backupPath = join(harness.dataDir, 'backup-e2e.db');
  await harness.queueDialogAnswers({ save: [backupPath] });
  await section.getByTestId('backup-create').click();
  await expect(section.getByTestId('data-care-status')).toContainText('Backup written to');

  // Typed with capitals and the dots Google ignores for gmail: still the same person.
  await section.getByTestId('forget-identifier').fill(' Ana.Silva@GMAIL.com ');
  await section.getByTestId('forget-submit').click();
  await expect(section.getByTestId('data-care-status')).toContainText('1 event,');
  expect(events()).toBe(5);
  expect(harness.query<{ kind: string }>('SELECT identifier_kind AS kind FROM erasure_log')).toEqual([{ kind: 'email' }]);

  await harness.queueDialogAnswers({ open: [backupPath] });
  await section.getByTestId('backup-restore').click();
  await expect(section.getByTestId('data-care-status')).toContainText('Restored from');
  await expect.poll(events).toBe(6);
  expect(confirms).toHaveLength(2);
});
