import { expect, type Page } from '@playwright/test';
import { ImportPage } from './pages/import-page';

const FIRST = ['Ana', 'Ben', 'Chloé', 'Dan', 'Eve', 'Farid', 'Gina', 'Hugo', 'Inès', 'Jon', 'Kai', 'Lena'];
const LAST = ['Silva', 'Ng', 'Martin', 'Brown', 'Stone', 'Haddad', 'Rossi', 'Weber', 'Costa', 'Park', 'Ito', 'Berg'];
const NAMES = ['purchase', 'purchase', 'purchase', 'lead', 'signup'];
const CURRENCIES = ['USD', 'USD', 'EUR', 'GBP', 'JPY'];

/** A realistic, deterministic CRM export: names, emails, phones, click ids on most rows, mixed currencies over 30 days. */
export function crmCsv(rows: number): string {
  const lines = ['Email,Phone Number,First Name,Last Name,Google Click ID,Conversion Name,Conversion Time,Conversion Value,Conversion Currency,Order ID'];
  for (let i = 0; i < rows; i++) {
    const first = FIRST[i % FIRST.length]!;
    const last = LAST[(i * 7) % LAST.length]!;
    const currency = CURRENCIES[i % CURRENCIES.length]!;
    const value = currency === 'JPY' ? String(1000 + ((i * 137) % 9000)) : (5 + ((i * 37) % 400) + (i % 100) / 100).toFixed(2);
    const day = String(1 + (i % 30)).padStart(2, '0');
    const hour = String((i * 5) % 24).padStart(2, '0');
    const gclid = i % 6 === 5 ? '' : `Cj0KCQiA${String(100000 + i)}xYz_AbC`;
    const phone = i % 9 === 4 ? '' : `+1 415 555 ${String(1000 + i).slice(-4)}`;
    const email = i % 11 === 7 && !gclid ? '' : `${first.toLowerCase()}.${last.toLowerCase()}${i}@example.com`;
    lines.push(`${email},${phone},${first},${last},${gclid},${NAMES[i % NAMES.length]},2026-10-${day} ${hour}:15:00+0000,${value},${currency},ORD-${5000 + i}`);
  }
  return lines.join('\n');
}

/** Imports `rows` events through the UI and spreads them over the statuses through window.api. */
export async function seedThroughUi(page: Page, rows: number): Promise<void> {
  const importPage = new ImportPage(page);
  await page.goto(page.url().replace(/#.*$/, '') + '#/import');
  await importPage.dropText('crm-october.csv', crmCsv(rows));
  await expect(importPage.mapping()).toBeVisible();
  await importPage.start();
  await expect(importPage.report()).toHaveAttribute('data-status', 'completed', { timeout: 60_000 });
  await page.evaluate(async () => {
    type Api = Record<string, (input: unknown) => Promise<{ ok: boolean; value?: { events: { id: string }[] } }>>;
    const api = (window as unknown as { api: Api }).api;
    const page = await api['events:list']!({ limit: 1000, sort: { field: 'event_time', direction: 'asc' } });
    const ids = page.value!.events.map((event) => event.id);
    const pick = (mod: number, rest: number) => ids.filter((_, index) => index % mod === rest);
    await api['events:transition']!({ action: 'queue', target: { ids: [...pick(5, 1), ...pick(5, 2), ...pick(5, 3)] } });
    await api['events:transition']!({ action: 'mark_sent', target: { ids: pick(5, 2) } });
    await api['events:transition']!({ action: 'mark_failed', target: { ids: pick(10, 3) }, reason: 'UNPARSEABLE_GCLID: Google could not read the click id' });
    await api['events:transition']!({ action: 'skip', target: { ids: pick(5, 4) } });
  });
}

/** Imports a small file through the UI (expecting `imported` new events), then queues every pending event through window.api. */
export async function importAndQueueAll(page: Page, name: string, csv: string, imported: number): Promise<ImportPage> {
  const importPage = new ImportPage(page);
  await importPage.dropText(name, csv);
  await expect(importPage.mapping()).toBeVisible();
  await importPage.start();
  await importPage.expectReport({ imported });
  await page.evaluate(async () => {
    type Api = Record<string, (input: unknown) => Promise<{ ok: boolean }>>;
    await (window as unknown as { api: Api }).api['events:transition']!({ action: 'queue', target: { filter: { statuses: ['pending'] } } });
  });
  return importPage;
}
