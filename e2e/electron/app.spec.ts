import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHANNEL_NAMES } from '../../src/shared/ipc/contract';
import { ImportPage } from '../pages/import-page';

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

test('a CSV opened through the native dialog imports with a row-by-row report', async () => {
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
  await expect(importPage.errorRows()).toHaveCount(4);
});
