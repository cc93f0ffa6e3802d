import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHANNEL_NAMES } from '../../src/shared/ipc/contract';
import Database from 'better-sqlite3';
import { ImportPage } from '../pages/import-page';
import { ReviewPage } from '../pages/review-page';
import { ExportPage } from '../pages/export-page';

const root = join(__dirname, '..', '..');
let electronApp: ElectronApplication;
let appWindow: Page;
let userData: string;

test.beforeEach(async () => {
  userData = mkdtempSync(join(tmpdir(), 'convdesk-electron-'));
  electronApp = await electron.launch({
    executablePath: process.env.CONVDESK_ELECTRON_BINARY,
    args: [join(root, 'out/main/index.js')],
    env: { ...process.env, CONVDESK_USER_DATA: userData },
  });
  appWindow = await electronApp.firstWindow();
  await expect(appWindow.getByRole('navigation', { name: 'Main' })).toBeVisible();
});

test.afterEach(async () => {
  await electronApp.close();
  rmSync(userData, { recursive: true, force: true });
});

test('the page has no Node and only the contract on window.api', async () => {
  expect(await appWindow.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
  expect(await appWindow.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
  const keys = await appWindow.evaluate(() => Object.keys((window as unknown as { api: object }).api).sort());
  expect(keys).toEqual([...CHANNEL_NAMES, 'on'].sort());
});

test('window.open and navigation are denied', async () => {
  const before = electronApp.windows().length;
  await appWindow.evaluate(() => window.open('https://example.com'));
  await appWindow.evaluate(() => {
    window.location.href = 'https://example.com';
  });
  await appWindow.waitForTimeout(500);
  expect(electronApp.windows().length).toBe(before);
  expect(appWindow.url()).not.toContain('example.com');
});

test('the page cannot register a file by path, probe for files, or pass a made-up File', async () => {
  const answers = await appWindow.evaluate(async () => {
    const api = (window as unknown as { api: Record<string, (input: unknown) => Promise<unknown>> }).api;
    return {
      passwd: await api['files:register']!({ path: '/etc/passwd' }),
      missing: await api['files:register']!({ path: '/nonexistent/secret.csv' }),
      upload: await api['files:register']!({ uploadId: 'abc' }),
      made: await api['files:register']!({ file: new File(['email\nx@example.com\n'], 'made.csv') }),
    };
  });
  for (const answer of Object.values(answers)) expect(answer).toMatchObject({ ok: false, error: { code: 'forbidden' } });
});

/** Imports e2e/data/crm-export.csv through the real open dialog (answered by a stub in main). */
async function importCrmExport(): Promise<ImportPage> {
  const csv = join(root, 'e2e', 'data', 'crm-export.csv');
  await electronApp.evaluate(({ dialog }, path) => {
    dialog.showOpenDialog = (async () => ({ canceled: false, filePaths: [path] })) as typeof dialog.showOpenDialog;
  }, csv);
  await appWindow.getByRole('link', { name: 'Import', exact: true }).click();
  await appWindow.getByTestId('open-csv').click();
  const importPage = new ImportPage(appWindow);
  await expect(importPage.mapping()).toBeVisible();
  await importPage.start();
  await importPage.expectReport({ read: 10, imported: 6, invalid: 4 });
  return importPage;
}

function query<T>(sql: string, ...params: unknown[]): T[] {
  const db = new Database(join(userData, 'convdesk.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

const baseUrl = () => appWindow.url().replace(/#.*$/, '');

test('a CSV opened through the native dialog imports with a row-by-row report', async () => {
  const importPage = await importCrmExport();
  await expect(importPage.errorRows().first()).toBeVisible();
  expect(await importPage.errorLines()).toEqual([5, 7, 8, 10]);
  expect(query<{ n: number }>('SELECT count(*) AS n FROM conversion_events')[0]!.n).toBe(6);
});

test('review and export: queue, save a Google click file through the save dialog, mark the batch uploaded', async () => {
  await importCrmExport();
  const exportPage = new ExportPage(appWindow);
  await exportPage.setGoogleConversionAction(baseUrl(), 'purchase', 'Offline purchase');
  const review = new ReviewPage(appWindow);
  await review.open(baseUrl());
  await review.select('ORD-1001');
  await review.select('ORD-1002');
  await review.bulk('Queue');
  const out = join(userData, 'upload.csv');
  await electronApp.evaluate(({ dialog }, path) => {
    dialog.showSaveDialog = (async () => ({ canceled: false, filePath: path })) as typeof dialog.showSaveDialog;
  }, out);
  await exportPage.open(baseUrl());
  await expect(exportPage.preflight()).toHaveAttribute('data-exported', '2');
  await appWindow.getByTestId('save-export').click();
  await expect(appWindow.getByTestId('export-result')).toBeVisible();
  await exportPage.batches().first().getByTestId('mark-uploaded').click();
  await expect(exportPage.batches().first()).toHaveAttribute('data-status', 'uploaded');
  expect(query<{ n: number }>("SELECT count(*) AS n FROM conversion_events WHERE sync_status = 'sent'")[0]!.n).toBe(2);
});
