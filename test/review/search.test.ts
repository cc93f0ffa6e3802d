/**
 * Issue 15 item 9: Review search finds '#1001' by '1001', and an event by its email or phone: the typed value
 * is normalized and hashed in main with each platform's rules and matched against the stored hashes through
 * the lookup indexes (0018); it is never stored (not in the database, its WAL, or the logs).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createHandlers } from '../../src/main/app/handlers';
import { filterToWhere } from '../../src/main/events/filter-sql';
import { searchKeys } from '../../src/main/events/search-repo';
import { hashForLookup } from '../../src/main/identity';
import { importServiceForContext } from '../../src/main/imports/handlers';
import { updateSettings } from '../../src/main/settings/service';
import { EventFilterSchema } from '../../src/shared/domain/filters';
import { type TestContext, useTestContext } from '../helpers/context';

const SHOPIFY = join(__dirname, '..', 'fixtures', 'real-world', 'shopify_orders_export_devstore.csv');
const HUBSPOT = join(__dirname, '..', 'fixtures', 'real-world', 'gads_enhanced_fr_local_phones.csv');

let ctx: TestContext;
useTestContext((c) => { ctx = c; }, (c) => importServiceForContext(c).shutdown());

async function load(path: string, options: Record<string, unknown> = {}) {
  const imports = importServiceForContext(ctx);
  const file = imports.files.register(path);
  const { importId } = imports.start(file, imports.preview(file).suggestedMapping, { eventName: 'purchase', ...options });
  return imports.wait(importId);
}

const search = async (text: string) => {
  const handlers = createHandlers(ctx);
  const page = await handlers['events:list']({ filter: { search: text }, limit: 100 } as never);
  const count = await handlers['events:count']({ filter: { search: text } } as never);
  expect(count.total).toBe(page.total);
  return page.events.map((e) => e.transaction_id).sort();
};

describe('review search', () => {
  it('finds an order by its number without the # and by the prefix of it', async () => {
    await load(SHOPIFY);
    expect(await search('1001')).toEqual(['#1001']);
    expect(await search('#1001')).toEqual(['#1001']);
    expect(await search('101')).toEqual(['#1010', '#1011', '#1012', '#1013', '#1014', '#1015', '#1016', '#1017', '#1018', '#1019']);
  });

  it('finds orders by email, whatever its case and spaces, and by phone in any format', async () => {
    await load(SHOPIFY);
    // The same buyer's orders, all of them (checked by hand in the file).
    expect(await search('  RUSSEL.Winfield@Example.com ')).toEqual(['#1008', '#1009', '#1016']);
    expect(await search('karine.ruby@example.com')).toEqual(['#1005', '#1013']);
    const phone = ctx.db.prepare("SELECT user_phone_hash AS h FROM conversion_events WHERE transaction_id = '#1005'").get() as { h: string | null };
    expect(phone.h).not.toBeNull();
    const stored = ['+16135550142', '+16135550114'].find((p) => hashForLookup('phone', p).includes(phone.h!))!;
    expect(stored).toBeDefined();
    const holders = (ctx.db.prepare('SELECT transaction_id AS t FROM conversion_events WHERE user_phone_hash = ? ORDER BY 1').all(phone.h) as { t: string }[]).map((r) => r.t);
    expect(holders).toContain('#1005');
    const national = `(${stored.slice(2, 5)}) ${stored.slice(5, 8)}-${stored.slice(8)}`;
    expect(await search(national)).toEqual(holders); // Settings → Default country is US
    expect(await search(`+1 ${stored.slice(2, 5)} ${stored.slice(5)}`)).toEqual(holders);
    expect(await search('nobody@example.com')).toEqual([]);
  });

  it('a national phone number is read with Settings → Default country', async () => {
    const report = await load(HUBSPOT, { defaultCountry: 'FR', timezone: 'Europe/Paris' });
    expect(report.imported).toBeGreaterThan(0);
    const row = ctx.db.prepare('SELECT transaction_id AS t, meta_phone_hash AS h FROM conversion_events WHERE meta_phone_hash IS NOT NULL LIMIT 1').get() as { t: string; h: string };
    const raw = readFileSync(HUBSPOT, 'utf8').split(/\r?\n/).flatMap((line) => line.split(',')).find((cell) => /^0\d[\d .]{7,}$/.test(cell.trim()) && hashForLookup('phone', cell, 'FR').includes(row.h))!;
    expect(raw).toBeDefined();
    expect(await search(raw)).toEqual([]); // US numbering: not this person
    updateSettings(ctx.db, { defaultCountry: 'FR' });
    expect((await search(raw)).length).toBeGreaterThan(0);
  });

  it('uses the lookup indexes, never a scan of the table', () => {
    for (const text of ['jane.doe@example.com', '+1 415 555 0100', '1001']) {
      const where = filterToWhere(EventFilterSchema.parse({ search: text }));
      const plan = (ctx.db.prepare(`EXPLAIN QUERY PLAN SELECT id FROM conversion_events WHERE ${where.sql} ORDER BY event_time DESC, id DESC LIMIT 100`).all(...where.params) as { detail: string }[]).map((r) => r.detail);
      expect(plan.join('\n')).toMatch(/MULTI-INDEX OR/);
      expect(plan.some((d) => /^SCAN conversion_events$/.test(d) || /^SCAN conversion_events USING INDEX idx_conversion_events_time/.test(d))).toBe(false);
      if (text.includes('@')) expect(plan.join('\n')).toContain('idx_conversion_events_email_lookup');
      if (text.startsWith('+')) expect(plan.join('\n')).toContain('idx_conversion_events_phone_lookup');
    }
  });

  it('the typed value never reaches the database, its WAL or the logs; only its hashes are query parameters', async () => {
    await load(SHOPIFY);
    const logs: string[] = [];
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) => vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void logs.push(args.map(String).join(' '))));
    const typed = ['Russel.Winfield@example.com', 'Secret.Person@Example.org', '+1 613 555 0135'];
    try {
      for (const text of typed) await search(text);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    const keys = searchKeys('Secret.Person@Example.org', 'US');
    expect(keys.emailHashes.length).toBeGreaterThan(0);
    const where = filterToWhere(EventFilterSchema.parse({ search: 'Secret.Person@Example.org' }));
    expect(where.params.filter((p) => typeof p === 'string' && /@/.test(p) && !p.endsWith('\u{10FFFF}') && p !== 'Secret.Person@Example.org' && p !== '#Secret.Person@Example.org')).toEqual([]);
    const dir = ctx.dataDir;
    for (const name of readdirSync(dir).filter((n) => n.startsWith('convdesk.db'))) {
      const bytes = readFileSync(join(dir, name)).toString('latin1').toLowerCase();
      for (const text of ['russel.winfield@example.com', 'secret.person@example.org', '6135550135']) expect(bytes).not.toContain(text);
    }
    expect(logs.join('\n').toLowerCase()).not.toMatch(/winfield|secret\.person|555 0135/);
    // A saved view cannot keep such a search either.
    const handlers = createHandlers(ctx);
    await expect(Promise.resolve().then(() => handlers['views:save']({ name: 'Person', filter: { search: 'Secret.Person@Example.org' }, sort: { field: 'event_time', direction: 'desc' }, columns: [] } as never))).rejects.toThrow(/cannot keep a search for an email or phone/);
    expect(ctx.db.prepare('SELECT count(*) AS n FROM saved_views').get()).toEqual({ n: 0 });
  });
});
