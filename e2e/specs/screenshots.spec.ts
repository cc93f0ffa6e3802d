import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from '../fixtures';
import { ImportPage } from '../pages/import-page';
import { seedThroughUi } from '../seed';

// Full-page screenshots of each main screen, light and dark, for the README and for looking at.
const OUT = join(__dirname, '..', '..', 'docs', 'screenshots');
mkdirSync(OUT, { recursive: true });

async function shoot(page: Page, name: string): Promise<void> {
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

  for (const [hash, name] of [
    ['overview', 'overview'],
    ['export', 'export'],
    ['catalog', 'catalog'],
    ['settings', 'settings'],
  ] as const) {
    await app.goto(`${base}#/${hash}`);
    await expect(app.getByRole('heading', { level: 1 })).toBeVisible();
    await expect(app.getByText(/^Loading/)).toHaveCount(0);
    await shoot(app, name);
  }
});
