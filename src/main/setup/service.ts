/**
 * First run (issue 15 item 10): the checklist of what an upload needs from Settings, the platforms'
 * upload templates, and a sample file to try the import with.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SetupItem, SetupStatus, TemplateKind } from '../../shared/domain/setup';
import type { Sqlite } from '../db/connection';
import { createFormatWriter } from '../exports/formats';
import { getSettings } from '../settings/service';
import { hasEvents, storedSettingKeys } from './repo';

export function setupStatus(db: Sqlite): SetupStatus {
  const settings = getSettings(db);
  const stored = storedSettingKeys(db);
  const mapped = Object.entries(settings.destinations).filter(([, d]) => d.googleConversionName !== null);
  const named = Object.entries(settings.conversionNames).filter(([, d]) => typeof d.googleConversionName === 'string');
  const first = named[0] ?? mapped[0];
  const consent = settings.consentDefaults;
  const items: SetupItem[] = [
    { id: 'timezone', done: stored.has('timeZone'), detail: settings.timeZone + (stored.has('timeZone') ? '' : ' (the default; set your Google Ads account’s zone)') },
    { id: 'country', done: stored.has('defaultCountry'), detail: settings.defaultCountry + (stored.has('defaultCountry') ? '' : ' (the default)') },
    {
      id: 'conversions',
      done: mapped.length + named.length > 0,
      detail: first
        ? `${first[0]} → Google “${first[1].googleConversionName}”${first[1].metaEventName ? `, Meta ${first[1].metaEventName}` : ''}${mapped.length + named.length > 1 ? ` and ${mapped.length + named.length - 1} more` : ''}`
        : 'no conversion is mapped to a Google Ads conversion action yet (Meta uses the standard events)',
    },
    {
      id: 'consent',
      done: consent.adUserData !== 'unspecified' && consent.adPersonalization !== 'unspecified',
      detail: `Ad User Data ${consent.adUserData}, Ad Personalization ${consent.adPersonalization}`,
    },
  ];
  return { items, events: hasEvents(db) ? 1 : 0 };
}

const TEMPLATE_FORMAT = { 'google-click': 'google-click', 'google-leads': 'google-leads', meta: 'meta' } as const;

export const TEMPLATE_NAMES: Record<TemplateKind, string> = {
  'google-click': 'google-ads-click-conversions-template.csv',
  'google-leads': 'google-ads-enhanced-conversions-for-leads-template.csv',
  meta: 'meta-offline-events-template.csv',
};

/** The platform's upload template: its header (and, for Google, the Parameters:TimeZone line of the account zone). */
export function templateText(db: Sqlite, kind: TemplateKind): string {
  return createFormatWriter(TEMPLATE_FORMAT[kind], { settings: getSettings(db), nowMs: Date.now() }).head;
}

const SAMPLE_PEOPLE = [
  ['ana.silva', 'Ana', 'Silva', '+14155550101'],
  ['ben.okafor', 'Ben', 'Okafor', '+14155550102'],
  ['chloe.martin', 'Chloé', 'Martin', '+33612345678'],
  ['dev.patel', 'Dev', 'Patel', ''],
  ['emma.schulz', 'Emma', 'Schulz', '+4915112345678'],
  ['', 'Felix', 'Moreau', ''],
] as const;

/**
 * A small CRM-style export of made-up people (example.com addresses, 555 numbers) with times in the
 * last days, so every platform window accepts them; one row without any identifier shows what the
 * report says about those.
 */
export function sampleCsv(nowMs = Date.now()): string {
  const lines = ['Order ID,Email,Phone,First Name,Last Name,Google Click ID,Conversion Name,Order Date,Total,Currency'];
  for (let i = 0; i < 12; i++) {
    const [local, first, last, phone] = SAMPLE_PEOPLE[i % SAMPLE_PEOPLE.length]!;
    const when = new Date(nowMs - (i + 1) * 7 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const email = local ? `${local}${i >= SAMPLE_PEOPLE.length ? i : ''}@example.com` : '';
    const gclid = i % 3 === 0 ? `Cj0KCQiSample${String(i).padStart(4, '0')}BwE` : '';
    const noKeys = !email && !phone && !gclid;
    lines.push([`S-${1001 + i}`, email, phone, noKeys ? '' : first, noKeys ? '' : last, gclid, i % 4 === 3 ? 'Qualified lead' : 'purchase', when, `${(19.9 + i * 7.5).toFixed(2)}`, 'USD'].join(','));
  }
  return lines.join('\n') + '\n';
}

/** Writes the sample under the app's data folder (regenerated each time, so its dates stay recent). */
export function writeSampleFile(dataDir: string): string {
  const dir = join(dataDir, 'samples');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'conversion-desk-sample.csv');
  writeFileSync(path, sampleCsv(), { mode: 0o600 });
  return path;
}
