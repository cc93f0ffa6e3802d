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

test('screens: import mapping and report', async ({ app }) => {
  const importPage = new ImportPage(app);
  await importPage.dropFile(join(__dirname, '..', 'data', 'crm-export.csv'));
  await expect(importPage.mapping()).toBeVisible();
  await shoot(app, 'import-mapping');
  await importPage.start();
  await importPage.expectReport({ imported: 6, invalid: 4 });
  await shoot(app, 'import-report');
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
