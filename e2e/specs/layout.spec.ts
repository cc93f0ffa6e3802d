import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { test, expect } from '../fixtures';
import { seedThroughUi } from '../seed';

const OUT = join(__dirname, '..', '..', 'docs', 'screenshots');
mkdirSync(OUT, { recursive: true });

async function shoot(page: Page, name: string): Promise<void> {
  await page.mouse.move(1, 1);
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: join(OUT, `${name}-${scheme}.png`) });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/** The element's box lies inside the container's visible box (not clipped, not scrolled away). */
async function expectInside(inner: Locator, outer: Locator, what: string): Promise<void> {
  const a = (await inner.boundingBox())!;
  const b = (await outer.boundingBox())!;
  expect(a, what).toBeTruthy();
  expect(a.x, `${what}: left`).toBeGreaterThanOrEqual(b.x - 0.5);
  expect(a.x + a.width, `${what}: right`).toBeLessThanOrEqual(b.x + b.width + 0.5);
}

test('layout (issue 15 item 11): at 1000×700 the grid beside the detail keeps time, name, status and value and the status bar is one line; the chips column does not clip the Meta chip; hashes hidden and the sync error shown by default', async ({ app }) => {
  await seedThroughUi(app, 60);
  const base = app.url().replace(/#.*$/, '');
  await app.goto(`${base}#/review`);
  const rows = app.getByTestId('event-row');
  await expect(rows.first()).toBeVisible();

  // 1360 px: every delivery chip sits inside its cell.
  const chipsCells = app.locator('[data-testid=event-row] [role=gridcell][data-col=deliveries]');
  for (let i = 0; i < 5; i++) await expectInside(chipsCells.nth(i).getByTestId('delivery-meta'), chipsCells.nth(i), `row ${i} Meta chip`);
  // Default columns: the sync error shown, the raw hashes hidden.
  await expect(app.locator('[role=columnheader][data-col=sync_error]')).toBeVisible();
  await expect(app.locator('[role=columnheader][data-col=email_hash]')).toHaveCount(0);
  await expect(app.locator('[role=columnheader][data-col=phone_hash]')).toHaveCount(0);
  await expect(app.locator('[data-testid=event-row] [data-col=sync_error]').filter({ hasText: 'UNPARSEABLE_GCLID' }).first()).toBeVisible();

  await app.setViewportSize({ width: 1000, height: 700 });
  await rows.nth(1).click();
  await expect(app.getByTestId('event-detail')).toBeVisible();
  const grid = app.getByTestId('event-grid');
  for (const col of ['event_time', 'conversion_name', 'sync_status', 'event_value']) {
    await expectInside(app.locator(`[role=columnheader][data-col=${col}]`), grid, `column ${col}`);
  }
  const bar = app.getByTestId('status-counts');
  const box = (await bar.boundingBox())!;
  expect(box.height).toBeLessThanOrEqual(32);
  for (const item of await bar.locator('button, span').all()) {
    if (await item.isVisible()) await expectInside(item, bar, 'status bar item');
  }
  await shoot(app, 'review-narrow');
});

test('overview: the currency and recent-imports tables fit their cards', async ({ app }) => {
  await seedThroughUi(app, 60);
  const base = app.url().replace(/#.*$/, '');
  await app.goto(`${base}#/overview`);
  const card = app.getByTestId('value-by-currency');
  await expect(card).toBeVisible();
  const table = card.locator('table');
  if (await table.count()) {
    const t = (await table.first().boundingBox())!;
    const c = (await card.boundingBox())!;
    // inside the card's padding, not flush with (or past) its edge
    expect(t.x + t.width).toBeLessThanOrEqual(c.x + c.width - 8);
  }
  const imports = app.locator('.card').filter({ hasText: 'Recent imports' }).first();
  const importsTable = imports.locator('table').first();
  const it = (await importsTable.boundingBox())!;
  const ic = (await imports.boundingBox())!;
  expect(it.x + it.width).toBeLessThanOrEqual(ic.x + ic.width - 8);
  await app.setViewportSize({ width: 1000, height: 700 });
  if (await table.count()) {
    const t = (await table.first().boundingBox())!;
    const c = (await card.boundingBox())!;
    expect(t.x + t.width).toBeLessThanOrEqual(c.x + c.width + 0.5);
  }
});
