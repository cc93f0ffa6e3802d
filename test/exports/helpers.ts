import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { AppContext } from '../../src/main/app/context';
import * as events from '../../src/main/events/service';
import { exportServiceForContext } from '../../src/main/exports/handlers';
import { updateSettings } from '../../src/main/settings/service';
import type { ConversionEventInsert, ConversionSyncStatus } from '../../src/shared/domain/events';

export const FIXTURES = join(__dirname, '..', 'fixtures', 'exports');
/** The fixed "now" of the golden files. */
export const NOW = new Date('2026-11-25T12:00:00Z');

export function exportsOf(ctx: AppContext) {
  return exportServiceForContext(ctx);
}

/** Compares with a committed golden file; `UPDATE_GOLDEN=1` rewrites it (review the diff before committing). */
export function expectGolden(name: string, actual: string): void {
  const path = join(FIXTURES, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(FIXTURES, { recursive: true });
    writeFileSync(path, actual);
  }
  // A missing golden file is a failure, never silently written: the test must compare with something reviewed.
  expect(existsSync(path), `golden file ${name} is missing; run with UPDATE_GOLDEN=1 and review it`).toBe(true);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

export function configureDestinations(ctx: AppContext, timeZone = 'America/New_York'): void {
  updateSettings(ctx.db, {
    timeZone,
    destinations: {
      purchase: { googleConversionName: 'Offline purchase', metaEventName: 'Purchase' },
      lead: { googleConversionName: 'Qualified lead', metaEventName: 'Lead' },
      signup: { googleConversionName: null, metaEventName: null },
    },
    consentDefaults: { adUserData: 'granted' },
  });
}

let counter = 0;
/**
 * Creates an event through the real service (raw identifiers are normalized and hashed there), then
 * gives it a deterministic id and timestamps so golden files do not change between runs.
 */
export function addEvent(ctx: AppContext, input: ConversionEventInsert, status: ConversionSyncStatus = 'queued'): string {
  const event = events.createEvent(ctx.db, input);
  counter++;
  const id = `01900000-0000-7000-8000-${String(counter).padStart(12, '0')}`;
  ctx.db
    .prepare("UPDATE conversion_events SET id = ?, sync_status = ?, created_at = '2026-11-20T08:00:00.000Z', updated_at = '2026-11-20T08:00:00.000Z' WHERE id = ?")
    .run(id, status, event.id);
  return id;
}

export function resetCounter(): void {
  counter = 0;
}

/**
 * The golden dataset: DST changes in New York (2026-11-01 06:00Z), Berlin (2026-10-25 01:00Z) and
 * Sydney (2026-10-03 16:00Z, 02:00 AEST → 03:00 AEDT), JPY/USD/KWD values, every exclusion reason.
 */
export function seedGoldenEvents(ctx: AppContext): void {
  resetCounter();
  // Google click conversions
  addEvent(ctx, { event_name: 'purchase', event_id: 'ny-edt-0130', gclid: 'Cj0KCQiA-ny-edt', event_time: '2026-11-01T05:30:00Z', event_value: '129.9', currency: 'USD', transaction_id: 'ORD-1001', consent_ad_user_data: 'granted', consent_ad_personalization: 'granted' });
  addEvent(ctx, { event_name: 'purchase', event_id: 'ny-est-0130', gclid: 'Cj0KCQiA-ny-est', event_time: '2026-11-01T06:30:00Z', event_value: '1234.5', currency: 'JPY', transaction_id: 'ORD-1002', consent_ad_personalization: 'denied' });
  addEvent(ctx, { event_name: 'lead', event_id: 'berlin-cest-0230', gclid: 'Cj0KCQiA-berlin', event_time: '2026-10-25T00:30:00Z', event_value: '12.3456', currency: 'KWD', transaction_id: 'L-77' });
  addEvent(ctx, { event_name: 'purchase', event_id: 'sydney-aest-0130', gclid: 'Cj0KCQiA-sydney', event_time: '2026-10-03T15:30:00Z', event_value: '99.999', currency: 'USD' });
  addEvent(ctx, { event_name: 'purchase', event_id: 'sydney-aedt-0330', wbraid: 'WB-sydney-1', event_time: '2026-10-03T16:30:00Z', currency: 'USD', transaction_id: 'ORD,"7"', consent_ad_user_data: 'denied' });
  addEvent(ctx, { event_name: 'purchase', event_id: 'tokyo-gbraid', gbraid: 'GB-tokyo-1', event_time: '2026-11-24T23:59:59Z', event_value: '0', currency: 'JPY', transaction_id: 'T-1' });
  // Identifiers (leads / Meta)
  addEvent(ctx, { event_name: 'lead', event_id: 'lead-email-phone', email: ' Jane.Doe+ads@GMAIL.com ', phone: '+1 (415) 555-0132', first_name: 'Jane', last_name: "O'Neil", event_time: '2026-11-23T15:00:00Z', event_value: '10', currency: 'USD', transaction_id: 'LEAD-1' });
  addEvent(ctx, { event_name: 'purchase', event_id: 'purchase-email-gclid', email: 'mario.rossi@example.it', gclid: 'Cj0KCQiA-mario', event_time: '2026-11-22T09:15:30Z', event_value: '1.2345', currency: 'KWD', transaction_id: 'ORD-2001', fbc: 'fb.1.1700000000000.AbCdEf' });
  addEvent(ctx, { event_name: 'lead', event_id: 'lead-phone-only', phone: '+81 3-1234-5678', event_time: '2026-11-24T01:00:00Z', event_value: '5000', currency: 'JPY' });
  // Exclusions
  addEvent(ctx, { event_name: 'purchase', event_id: 'too-old', gclid: 'Cj0KCQiA-old', email: 'old@example.com', event_time: '2026-08-01T12:00:00Z', event_value: '1', currency: 'USD' });
  addEvent(ctx, { event_name: 'purchase', event_id: 'no-identifiers', event_time: '2026-11-24T12:00:00Z', event_value: '1', currency: 'USD' });
  addEvent(ctx, { event_name: 'signup', event_id: 'signup-unmapped', gclid: 'Cj0KCQiA-signup', email: 'signup@example.com', event_time: '2026-11-24T12:00:00Z' });
  addEvent(ctx, { event_name: 'lead', event_id: 'both-braids', gbraid: 'GB-x', wbraid: 'WB-x', event_time: '2026-11-24T12:00:00Z' });
  addEvent(ctx, { event_name: 'purchase', event_id: 'in-future', gclid: 'Cj0KCQiA-future', email: 'future@example.com', event_time: '2026-11-26T12:00:00Z', event_value: '3', currency: 'USD' });
  // Not queued: never in a default export
  addEvent(ctx, { event_name: 'purchase', event_id: 'pending-one', gclid: 'Cj0KCQiA-pending', event_time: '2026-11-24T12:00:00Z' }, 'pending');
  addEvent(ctx, { event_name: 'purchase', event_id: 'sent-one', gclid: 'Cj0KCQiA-sent', event_time: '2026-11-24T12:00:00Z' }, 'sent');
}
