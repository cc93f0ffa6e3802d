/** Issue 15 item 10: the first-run checklist's states, the platforms' templates and the sample file. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createHandlers } from '../../src/main/app/handlers';
import { importServiceForContext } from '../../src/main/imports/handlers';
import { updateSettings } from '../../src/main/settings/service';
import { sampleCsv, setupStatus, templateText } from '../../src/main/setup/service';
import { type TestContext, useTestContext } from '../helpers/context';

let ctx: TestContext;
useTestContext((c) => { ctx = c; }, (c) => importServiceForContext(c).shutdown());

const states = () => Object.fromEntries(setupStatus(ctx.db).items.map((i) => [i.id, i.done]));

describe('first-run checklist', () => {
  it('nothing is done on a fresh database; each item becomes done when Settings set it', () => {
    expect(states()).toEqual({ timezone: false, country: false, conversions: false, consent: false });
    expect(setupStatus(ctx.db).events).toBe(0);
    updateSettings(ctx.db, { timeZone: 'Europe/Paris' });
    // Settings are saved whole: the default country saved with them is now the user's choice too.
    expect(states()).toMatchObject({ timezone: true, country: true, conversions: false, consent: false });
    updateSettings(ctx.db, { consentDefaults: { adUserData: 'granted' } });
    expect(states().consent).toBe(false); // both signals are needed
    updateSettings(ctx.db, { consentDefaults: { adPersonalization: 'denied' } });
    expect(states().consent).toBe(true);
    updateSettings(ctx.db, { conversionNames: { 'Qualified lead': { googleConversionName: 'Offline lead' } } });
    const conversions = setupStatus(ctx.db).items.find((i) => i.id === 'conversions')!;
    expect(conversions).toMatchObject({ done: true, detail: 'Qualified lead → Google “Offline lead”' });
  });

  it('templates: Google’s with the account zone and its columns, Meta’s header', () => {
    updateSettings(ctx.db, { timeZone: 'America/New_York' });
    expect(templateText(ctx.db, 'google-click').split(/\r?\n/)).toEqual([
      'Parameters:TimeZone=America/New_York',
      'Google Click ID,Conversion Name,Conversion Time,Conversion Value,Conversion Currency,Order ID,Ad User Data,Ad Personalization',
      '',
    ]);
    expect(templateText(ctx.db, 'google-leads').split(/\r?\n/)[1]).toMatch(/^Email,Phone Number,Google Click ID,Conversion Name/);
    expect(templateText(ctx.db, 'meta').split(/\r?\n/)[0]).toMatch(/^event_name,event_time,event_id,action_source,em,ph,/);
  });

  it('the sample imports with nothing refused, lands in Review, and its dates are recent', async () => {
    const now = Date.UTC(2026, 10, 30, 12);
    const text = sampleCsv(now);
    expect(text.split('\n').filter(Boolean)).toHaveLength(13);
    const handlers = createHandlers(ctx);
    const file = await handlers['setup:sampleFile']({} as never);
    expect(file.name).toBe('conversion-desk-sample.csv');
    expect(readFileSync(`${ctx.dataDir}/samples/conversion-desk-sample.csv`, 'utf8').split('\n')[0]).toBe(text.split('\n')[0]);
    const imports = importServiceForContext(ctx);
    const { importId } = imports.start(file, imports.preview(file).suggestedMapping, {});
    const report = await imports.wait(importId);
    expect(report).toMatchObject({ status: 'completed', rowsRead: 12, imported: 12, invalid: 0 });
    expect(report.preflight!.unmatchable).toBe(2);
    const page = await handlers['events:list']({ filter: { importId }, limit: 100 } as never);
    expect(page.total).toBe(12);
    expect(setupStatus(ctx.db).events).toBe(1);
    const times = page.events.map((e) => Date.parse(e.event_time));
    expect(Math.min(...times)).toBeGreaterThan(Date.now() - 7 * 86_400_000);
    // Its made-up addresses are hashed like any file's.
    expect(JSON.stringify(ctx.db.prepare('SELECT * FROM conversion_events').all())).not.toContain('example.com');
  });
});
