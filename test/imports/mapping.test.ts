import { describe, expect, it } from 'vitest';
import { autoMap, headerKey, normalizeHeader } from '../../src/main/imports/mapping';
import { maskValue } from '../../src/main/imports/mask';
import { parseValue } from '../../src/main/imports/rows';
import { parseEventTime, ZoneClock } from '../../src/main/imports/time';

const mapOf = (headers: string[]) => Object.fromEntries(headers.map((h, i) => [h, autoMap(headers).columns[i]]));

describe('auto-mapping by header synonyms', () => {
  it('maps the Google Ads click-conversion template', () => {
    expect(mapOf(['Google Click ID', 'Conversion Name', 'Conversion Time', 'Conversion Value', 'Conversion Currency', 'Order ID', 'Ad User Data', 'Ad Personalization'])).toEqual({
      'Google Click ID': 'gclid', 'Conversion Name': 'event_name', 'Conversion Time': 'event_time', 'Conversion Value': 'value',
      'Conversion Currency': 'currency', 'Order ID': 'transaction_id', 'Ad User Data': 'consent_ad_user_data', 'Ad Personalization': 'consent_ad_personalization',
    });
  });

  it('maps the enhanced-conversions-for-leads template, case and punctuation insensitive', () => {
    expect(mapOf(['EMAIL', 'phone_number', 'conversion-name', 'Conversion time', 'First Name', 'last name', 'Street Address'])).toEqual({
      EMAIL: 'email', phone_number: 'phone', 'conversion-name': 'event_name', 'Conversion time': 'event_time', 'First Name': 'first_name', 'last name': 'last_name', 'Street Address': 'ignore',
    });
  });

  it('maps Meta offline-event headers', () => {
    expect(mapOf(['email', 'phone', 'fn', 'ln', 'event_name', 'event_time', 'value', 'currency', 'order_id', 'event_id', 'client_ip_address', 'client_user_agent', 'fbc', 'fbp', 'zip'])).toEqual({
      email: 'email', phone: 'phone', fn: 'first_name', ln: 'last_name', event_name: 'event_name', event_time: 'event_time', value: 'value', currency: 'currency',
      order_id: 'transaction_id', event_id: 'event_id', client_ip_address: 'user_ip', client_user_agent: 'user_agent', fbc: 'fbc', fbp: 'fbp', zip: 'zip',
    });
  });

  it('maps HubSpot, Salesforce and Shopify exports, picking the best of competing columns', () => {
    expect(mapOf(['Record ID', 'First Name', 'Last Name', 'Email', 'Phone Number', 'Deal Name', 'Amount', 'Close Date', 'Create Date', 'Original Source'])).toMatchObject({
      'Record ID': 'transaction_id', Email: 'email', 'Phone Number': 'phone', Amount: 'value', 'Close Date': 'event_time', 'Create Date': 'ignore', 'Original Source': 'source',
    });
    expect(mapOf(['Opportunity ID', 'Email', 'Phone', 'Mobile', 'Amount', 'Opportunity Currency', 'Close Date', 'Lead Source', 'GCLID__c'])).toMatchObject({
      'Opportunity ID': 'transaction_id', Phone: 'phone', Mobile: 'ignore', 'Opportunity Currency': 'currency', 'Close Date': 'event_time', 'Lead Source': 'source', GCLID__c: 'gclid',
    });
    expect(mapOf(['Name', 'Email', 'Financial Status', 'Paid at', 'Currency', 'Subtotal', 'Total', 'Created at', 'Billing Name', 'Billing Phone', 'Phone'])).toMatchObject({
      Name: 'transaction_id', Total: 'value', 'Created at': 'event_time', 'Paid at': 'ignore', 'Billing Name': 'ignore', Phone: 'phone', 'Billing Phone': 'ignore',
    });
  });

  it('header keys ignore case and punctuation', () => {
    expect(normalizeHeader('Währung (ISO)')).toBe('wahrungiso');
    expect(headerKey(['Order ID', 'E-mail'])).toBe(headerKey(['order_id', 'EMAIL']));
    expect(headerKey(['Order ID', 'Email'])).not.toBe(headerKey(['Email', 'Order ID']));
  });
});

describe('masking, values and times', () => {
  it('masks personal data', () => {
    expect(maskValue('email', 'jane.doe@gmail.com')).toBe('j***@gmail.com');
    expect(maskValue('phone', '+1 415 555 0132')).toBe('+***32');
    expect(maskValue('first_name', 'Jürgen')).toBe('J***');
    expect(maskValue('ignore', 'someone@example.com')).toBe('s***@example.com');
    expect(maskValue('value', '12.30')).toBe('12.30');
  });

  it('parses values with thousands separators and decimal commas, refusing negatives and text', () => {
    expect(parseValue('1,234.56', false)).toBe(1_234_560_000);
    expect(parseValue('1.234,56', true)).toBe(1_234_560_000);
    expect(parseValue('89,90', true)).toBe(89_900_000);
    expect(parseValue('€12.30', false)).toBe(12_300_000);
    expect(() => parseValue('-5', false)).toThrow(/negative/);
    expect(() => parseValue('abc', false)).toThrow(/not a number/);
    expect(() => parseValue('12,50', false)).toThrow(/decimal comma/);
  });

  it('reads times with offsets, in the import time zone (DST-aware), or refuses them without one', () => {
    const ny = new ZoneClock('America/New_York');
    expect(parseEventTime('2026-03-01 14:30:00', ny)).toBe('2026-03-01T19:30:00.000Z');
    expect(parseEventTime('2026-07-01 14:30:00', ny)).toBe('2026-07-01T18:30:00.000Z');
    expect(parseEventTime('2026-03-01 14:30:00+0100', null)).toBe('2026-03-01T13:30:00.000Z');
    expect(parseEventTime('01.03.2026 14:30', new ZoneClock('+0100'))).toBe('2026-03-01T13:30:00.000Z');
    expect(parseEventTime('3/1/2026 2:30 PM', ny)).toBe('2026-03-01T19:30:00.000Z');
    expect(parseEventTime('1772370000', null)).toBe(new Date(1772370000 * 1000).toISOString());
    expect(() => parseEventTime('2026-03-01 14:30:00', null)).toThrow(/no time zone/);
    expect(() => parseEventTime('2026-02-30 10:00:00Z', null)).toThrow(/not a real date/);
    expect(() => parseEventTime('yesterday', ny)).toThrow(/not a date-time/);
  });
});
