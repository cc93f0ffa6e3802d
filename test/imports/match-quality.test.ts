/**
 * Issue 15 item 1: fill rates per match key and platform, and the match estimate, at mapping time (a
 * sample spread through the file, hashed with the identity module's rules) and in the report (the
 * imported events). Real exports from test/fixtures/real-world/.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countEvents, listEvents } from '../../src/main/events/service';
import { importServiceForContext } from '../../src/main/imports/handlers';
import { EventFilterSchema } from '../../src/shared/domain/filters';
import { measureSample } from '../../src/main/imports/match-quality';
import { pickPreviewRows, SNIFF_BYTES } from '../../src/main/imports/sniff';
import type { MatchKey, MatchQuality } from '../../src/shared/domain/match-quality';
import { type TestContext, useTestContext } from '../helpers/context';

const realWorld = (name: string) => join(__dirname, '..', 'fixtures', 'real-world', name);

let ctx: TestContext;
useTestContext((c) => { ctx = c; }, (c) => importServiceForContext(c).shutdown());

const key = (q: MatchQuality, k: MatchKey) => q.keys.find((x) => x.key === k)!;

function previewAndQuality(path: string, defaultCountry = 'US') {
  const imports = importServiceForContext(ctx);
  const file = imports.files.register(path);
  const sniff = imports.preview(file);
  const quality = imports.quality(file, sniff.suggestedMapping, { defaultCountry });
  return { imports, file, sniff, quality };
}

describe('mapping time: a sample spread through the file', () => {
  it('Shopify: the first rows have no email, but the sample and the preview find the ones further down', () => {
    const { sniff, quality } = previewAndQuality(realWorld('shopify_orders_export_devstore.csv'));
    const email = sniff.headers.indexOf('Email');
    expect(sniff.suggestedMapping.columns[email]).toBe('email');
    // The file's first 7 rows have no email; the preview rows are spread, and some show a masked one.
    expect(sniff.rows.slice(0, 7).some((row) => row[email] !== '')).toBe(true);
    expect(sniff.rows.map((row) => row[email]).filter(Boolean).every((v) => /^.\*\*\*@/.test(v!))).toBe(true);
    expect(quality).toMatchObject({ rows: 40, wholeFile: true, fileRows: 40 });
    // 18 of the 40 rows (line items) carry an email (counted by hand in the file); every one is valid for both platforms.
    expect(quality.columns[email]).toEqual({ filled: 18, valid: 18 });
    expect(key(quality, 'email')).toEqual({ key: "email", google: 18, meta: 18 });
    expect(quality.google.canMatch).toBeGreaterThanOrEqual(18);
    expect(quality.google.strong).toBeGreaterThanOrEqual(18);
  });

  it('invalid values count as filled but not valid (Meta dirty export: bad emails, pre-hashed phones)', () => {
    const { sniff, quality } = previewAndQuality(realWorld('meta_offline_dirty.csv'));
    const email = sniff.suggestedMapping.columns.indexOf('email');
    const col = quality.columns[email]!;
    expect(col.valid).not.toBeNull();
    expect(col.valid!).toBeLessThan(col.filled);
    expect(key(quality, 'email').meta).toBe(col.valid);
    // A file pre-hashed with Meta's rules: its hashed phones are Meta's only, never Google's.
    const phone = key(quality, 'phone');
    expect(phone.meta!).toBeGreaterThan(phone.google!);
  });

  it('a file bigger than the head: windows spread to its end, and the row count is estimated', () => {
    const { quality } = previewAndQuality(realWorld('meta_offline_rich.csv'));
    expect(quality.wholeFile).toBe(false);
    expect(quality.rows).toBeGreaterThan(200);
    expect(Math.abs(quality.fileRows - 999)).toBeLessThan(999 * 0.15);
  });

  it('emails that only start after the first 64 KB are seen, and shown in the preview', () => {
    const path = join(ctx.dataDir, 'late-emails.csv');
    const lines = ['order_id,email,created_at,total'];
    let i = 0;
    while (lines.join('\n').length < SNIFF_BYTES * 2) lines.push(`A${i++},,2026-01-01T00:00:00Z,${i}.00`);
    const early = i;
    for (let j = 0; j < early; j++) lines.push(`B${j},buyer${j}@example.com,2026-01-02T00:00:00Z,1.00`);
    writeFileSync(path, lines.join('\n') + '\n');
    const { sniff, quality } = previewAndQuality(path);
    const email = sniff.headers.indexOf('email');
    expect(quality.wholeFile).toBe(false);
    expect(quality.columns[email]!.valid!).toBeGreaterThan(0);
    expect(key(quality, 'email').google! / quality.rows).toBeGreaterThan(0.3);
    expect(sniff.rows.some((row) => /^b\*\*\*@example\.com$/.test(row[email]!))).toBe(true);
    // Raw values never leave main: the preview is masked.
    expect(JSON.stringify(sniff)).not.toMatch(/buyer\d+@/);
    expect(JSON.stringify(quality)).not.toMatch(/buyer\d+@/);
  });

  it('follows the mapping the user picks (the column unmapped → no key)', () => {
    const { imports, file, sniff } = previewAndQuality(realWorld('shopify_orders_export_devstore.csv'));
    const columns = sniff.suggestedMapping.columns.map((t) => (t === 'email' ? 'ignore' : t));
    const quality = imports.quality(file, { columns }, { defaultCountry: 'US' });
    expect(key(quality, 'email')).toEqual({ key: 'email', google: 0, meta: 0 });
  });

  it('preview rows: one per stretch of the sample, its fullest row', () => {
    const rows = [['a', ''], ['b', 'x'], ['c', ''], ['d', ''], ['e', 'y'], ['f', '']];
    expect(pickPreviewRows(rows, 2)).toEqual([['b', 'x'], ['e', 'y']]);
    expect(pickPreviewRows(rows, 10)).toEqual(rows);
  });

  it('the estimate follows the pre-flight rule per platform', () => {
    const q = measureSample(
      [
        ['a@example.com', '', '', ''],
        ['', 'Cj0KCQ', '', ''],
        ['', '', 'fb.1.1.abc', ''],
        ['', '', '', '203.0.113.7'],
        ['not-an-email', '', '', ''],
      ],
      ['email', 'gclid', 'fbc', 'user_ip'],
      { prehashedFor: 'meta' },
      { wholeFile: true, fileRows: 5 },
    );
    expect(q.google).toEqual({ canMatch: 2, strong: 2 });
    expect(q.meta).toEqual({ canMatch: 2, strong: 2 });
    expect(q.columns[0]).toEqual({ filled: 2, valid: 1 });
    expect(key(q, 'ip_agent')).toEqual({ key: 'ip_agent', google: null, meta: 0 });
  });
});

describe('in the report: the imported events', () => {
  it('agrees with the sample when the sample is the whole file (Meta simple export)', async () => {
    const { imports, file, sniff, quality } = previewAndQuality(realWorld('meta_offline_simple.csv'));
    const { importId } = imports.start(file, sniff.suggestedMapping, { defaultCountry: 'US', eventName: 'purchase' });
    const report = await imports.wait(importId);
    expect(report.status).toBe('completed');
    const stored = report.preflight!.quality!;
    expect(stored.rows).toBe(report.imported);
    // One row of the file repeats another's event (merged); nothing is refused.
    expect(report).toMatchObject({ invalid: 0, merged: 1, duplicates: 0 });
    expect(stored.rows).toBe(quality.rows - 1);
    stored.keys.forEach((k, i) => {
      for (const platform of ['google', 'meta'] as const) {
        if (k[platform] === null) expect(quality.keys[i]![platform]).toBeNull();
        else expect(quality.keys[i]![platform]! - k[platform]!).toBeOneOf([0, 1]);
      }
    });
    expect(key(stored, 'email')).toEqual({ key: 'email', google: quality.rows - 1, meta: quality.rows - 1 });
    expect(stored.google.canMatch).toBe(quality.google.canMatch - 1);
    expect(key(stored, 'email').meta).toBe((ctx.db.prepare('SELECT count(*) AS n FROM conversion_events WHERE meta_email_hash IS NOT NULL').get() as { n: number }).n);
    expect(report.preflight!.googleCannot).toBe(stored.rows - stored.google.canMatch);
    expect(report.preflight!.metaCannot).toBe(stored.rows - stored.meta.canMatch);
  });

  it('Shopify: 19 orders, 9 with an email; 10 no platform can match', async () => {
    const { imports, file, sniff } = previewAndQuality(realWorld('shopify_orders_export_devstore.csv'));
    const { importId } = imports.start(file, sniff.suggestedMapping, { defaultCountry: 'US', eventName: 'purchase' });
    const report = await imports.wait(importId);
    const q = report.preflight!.quality!;
    expect(q.rows).toBe(19);
    expect(report.preflight!.unmatchable).toBe(10);
    expect(q.google.canMatch).toBe(9);
    expect(key(q, 'email').google).toBe(9);
    // Item 2: the review filter "no platform can match" selects exactly the pre-flight's 10, and its complement the 9.
    const listed = listEvents(ctx.db, { filter: { importId, noIdentifiersFor: 'any' }, limit: 100 });
    expect(listed.total).toBe(10);
    expect(listed.events.every((e) => e.user_email_hash === null && e.user_phone_hash === null && e.gclid === null)).toBe(true);
    const warned = report.errors.filter((e) => e.reason.startsWith('no platform can match')).map((e) => e.relatedEventId);
    expect(new Set(listed.events.map((e) => e.id))).toEqual(new Set(warned));
    expect(countEvents(ctx.db, EventFilterSchema.parse({ importId })).total - listed.total!).toBe(9);
  });
});
