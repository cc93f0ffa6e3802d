import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from '../fixtures';
import { ImportPage } from '../pages/import-page';
import { seedThroughUi } from '../seed';
import { ExportPage } from '../pages/export-page';

// Full-page screenshots of each main screen, light and dark, for the README and for looking at.
const OUT = join(__dirname, '..', '..', 'docs', 'screenshots');
mkdirSync(OUT, { recursive: true });

async function shoot(page: Page, name: string): Promise<void> {
  await page.mouse.move(1, 1); // no hover tooltips in the pictures
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: join(OUT, `${name}-${scheme}.png`), fullPage: true });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

test('screens: first run, import mapping and report, import history', async ({ app }) => {
  await expect(app.getByTestId('setup-checklist')).toBeVisible();
  await expect(app.getByTestId('setup-timezone')).toBeVisible();
  await shoot(app, 'first-run');

  // A real Shopify export: fill rates and match quality on a sample spread through the file.
  const importPage = new ImportPage(app);
  await importPage.dropFile(join(__dirname, '..', '..', 'test', 'fixtures', 'real-world', 'shopify_orders_export_devstore.csv'));
  await expect(importPage.mapping()).toBeVisible();
  await expect(app.getByTestId('mapping-quality')).toBeVisible();
  await shoot(app, 'import-mapping');
  await importPage.start();
  await importPage.expectReport({ imported: 19 });
  await expect(app.getByTestId('report-quality')).toBeVisible();
  // The warnings' first group, opened (a short list is open already).
  await app.getByTestId('problem-group').first().evaluate((group) => ((group as HTMLDetailsElement).open = true));
  await shoot(app, 'import-report');

  // A file with refused rows, then the history that keeps both reports.
  await app.getByRole('button', { name: 'Import another file' }).click();
  await importPage.dropFile(join(__dirname, '..', 'data', 'crm-export.csv'));
  await expect(importPage.mapping()).toBeVisible();
  await importPage.start();
  await importPage.expectReport({ imported: 6, invalid: 4 });
  await expect(importPage.errorRows().first()).toBeVisible();
  await app.getByTestId('error-table-section').scrollIntoViewIfNeeded();
  await shoot(app, 'import-report-refused');
  await app.getByRole('button', { name: 'Import another file' }).click();
  await expect(app.getByTestId('recent-import-row')).toHaveCount(2);
  await shoot(app, 'import-history');
});

test('screens: review, detail, overview, export, catalog, settings', async ({ app }) => {
  await seedThroughUi(app, 240);
  const base = app.url().replace(/#.*$/, '');

  await app.goto(`${base}#/review`);
  const rows = app.getByTestId('event-row');
  await expect(rows.first()).toBeVisible();
  await shoot(app, 'review-grid');
  await rows.nth(2).click();
  await expect(app.getByTestId('event-detail')).toBeVisible();
  await shoot(app, 'review-detail');

  // The export screen with a saved batch: conversion actions mapped in Settings, then one file saved.
  const exportPage = new ExportPage(app);
  for (const [eventName, action] of [['purchase', 'Offline purchase'], ['lead', 'Qualified lead']] as const) {
    await exportPage.setGoogleConversionAction(base, eventName, action);
  }
  await exportPage.open(base);
  await expect(exportPage.preflight()).toBeVisible();
  await app.getByTestId('save-export').click();
  await expect(app.getByTestId('export-result')).toBeVisible();
  await expect(exportPage.batches()).toHaveCount(1);
  await shoot(app, 'export');

  // Each screen is shot once what it loads is on screen.
  const screens: [string, string, string][] = [
    ['overview', 'overview', 'timeline-chart'],
    ['catalog', 'catalog', 'catalog-screen'],
    ['settings', 'settings', 'destinations-table'],
  ];
  for (const [hash, name, ready] of screens) {
    await app.goto(`${base}#/${hash}`);
    await expect(app.getByTestId(ready)).toBeVisible();
    await shoot(app, name);
  }
});
