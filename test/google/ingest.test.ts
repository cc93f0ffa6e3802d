import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { actionsByName } from '../../src/main/google/actions';
import { buildIngestRequest, MAX_EVENTS_PER_REQUEST, prepareEvent, rfc3339, type BuildContext, type GoogleEventRow, type Prepared } from '../../src/main/google/ingest';
import { defaultSettings } from '../../src/shared/domain/settings';
import { validateIngest } from '../fakes/google-ingest';
import { ACTIONS, CUSTOMER_ID, fakeCustomer, MANAGER_ID } from './helpers';

const golden = (name: string) => JSON.parse(readFileSync(join(__dirname, '../fixtures/google', name), 'utf8')) as unknown;

const EMAIL = 'd6117306485ed0e50afab3ac871e98f81699151f30281527d63ff5f233656c69'; // sha256("janedoe@gmail.com")
const PHONE = 'cb6880e416769253645cb9c6b8989154bf66a56a77fc14c81fb1019663cbb928'; // sha256("+14155552671")
const FIRST = '81f8f6dde88365f3928796ec7aa53f72820b06db8664f5fe76a7eb13e24546a2'; // sha256("jane")
const LAST = '799ef92a11af918e3fb741df42934f3b568ed2d93ac1df74f1b8d41a27932a6f'; // sha256("doe")

function settings() {
  const s = defaultSettings();
  s.destinations.purchase.googleConversionName = 'Offline purchase';
  s.destinations.lead.googleConversionName = 'Qualified lead';
  s.destinations.signup.googleConversionName = 'Website purchase'; // wrong type
  s.destinations.add_to_cart.googleConversionName = 'Old import'; // hidden
  s.destinations.page_view.googleConversionName = 'Deleted action'; // not in the account
  return s;
}

function context(overrides: Partial<BuildContext> = {}): BuildContext {
  return {
    account: { customerId: CUSTOMER_ID, loginCustomerId: MANAGER_ID },
    settings: settings(),
    actionsByName: actionsByName(ACTIONS),
    nowMs: Date.parse('2026-11-30T08:00:00Z'),
    ...overrides,
  };
}

function row(overrides: Partial<GoogleEventRow> = {}): GoogleEventRow {
  return {
    id: 'e1', event_id: 'ev-1', event_name: 'purchase', conversion_name: null, event_time: '2026-11-20T14:05:00.000Z',
    event_value_micros: null, currency: 'USD', transaction_id: null, gclid: null, gbraid: null, wbraid: null,
    user_email_hash: null, user_phone_hash: null, user_first_name_hash: null, user_last_name_hash: null,
    google_region_code: null, google_postal_code: null, consent_ad_user_data: 'unspecified', consent_ad_personalization: 'unspecified',
    ...overrides,
  };
}

function prepared(r: GoogleEventRow, ctx = context()): Prepared {
  const result = prepareEvent(r, ctx);
  if ('code' in result) throw new Error(`excluded: ${result.reason}`);
  return result;
}

describe('golden request bodies', () => {
  it('click id only', () => {
    const p = prepared(row({ transaction_id: 'ORD-1001', gclid: 'Cj0KCQjw-click-only_EAlw_wcB', event_value_micros: 120_500_000, currency: 'EUR', consent_ad_user_data: 'granted', consent_ad_personalization: 'denied' }));
    const request = buildIngestRequest(context().account, p.action.id, [p.event], false);
    expect(request).toEqual(golden('ingest-click-only.json'));
    // §2.3: one destination; operating account = the customer owning the action; login account = the manager.
    expect(request.destinations[0].operatingAccount).toEqual({ accountType: 'GOOGLE_ADS', accountId: '1234567890' });
    expect(request.destinations[0].loginAccount).toEqual({ accountType: 'GOOGLE_ADS', accountId: '9876543210' });
    // §2.3: productDestinationId is the numeric conversion action id, not its resource name.
    expect(request.destinations[0].productDestinationId).toBe('111');
    // §2.3: encoding is required when userData is sent; HEX always (our hashes are lowercase hex).
    expect(request.encoding).toBe('HEX');
    const event = request.events[0]!;
    // §2.4: transactionId always when there is an order id; RFC 3339 timestamp; exactly one click id.
    expect(event.transactionId).toBe('ORD-1001');
    expect(event.eventTimestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    expect(event.adIdentifiers).toEqual({ gclid: 'Cj0KCQjw-click-only_EAlw_wcB' });
    expect(event.userData).toBeUndefined();
    // §2.4: consent per event, CONSENT_GRANTED / CONSENT_DENIED.
    expect(event.consent).toEqual({ adUserData: 'CONSENT_GRANTED', adPersonalization: 'CONSENT_DENIED' });
    expect(event.conversionValue).toBe(120.5);
    expect(event.currency).toBe('EUR');
  });

  it('hashed identifiers only (email, phone, address with plain region and postal code)', () => {
    const ctx = context({ account: { customerId: CUSTOMER_ID, loginCustomerId: null } });
    const p = prepared(
      row({
        event_name: 'lead', event_time: '2026-11-21T09:30:15.250Z', transaction_id: 'LEAD-77', user_email_hash: EMAIL, user_phone_hash: PHONE,
        user_first_name_hash: FIRST, user_last_name_hash: LAST, google_region_code: 'US', google_postal_code: '94043', consent_ad_user_data: 'granted',
      }),
      ctx,
    );
    const request = buildIngestRequest(ctx.account, p.action.id, [p.event], false);
    expect(request).toEqual(golden('ingest-hashed-only.json'));
    // §2.3: no loginAccount when the user reaches the account directly.
    expect(request.destinations[0].loginAccount).toBeUndefined();
    const ids = request.events[0]!.userData!.userIdentifiers;
    // §2.4: each identifier holds exactly one of emailAddress / phoneNumber / address; ≤ 10.
    for (const identifier of ids) expect(Object.keys(identifier)).toHaveLength(1);
    // §2.5: email and phone SHA-256 lowercase hex; names hashed; region (ISO alpha-2) and postal code in clear.
    expect(ids[0]!.emailAddress).toMatch(/^[0-9a-f]{64}$/);
    expect(ids[1]!.phoneNumber).toMatch(/^[0-9a-f]{64}$/);
    expect(ids[2]!.address).toEqual({ givenName: FIRST, familyName: LAST, regionCode: 'US', postalCode: '94043' });
    // No click id, no value: those fields are absent rather than empty.
    expect(request.events[0]!.adIdentifiers).toBeUndefined();
    expect(request.events[0]!.conversionValue).toBeUndefined();
    // Unspecified consent is omitted, not sent as CONSENT_STATUS_UNSPECIFIED.
    expect(request.events[0]!.consent).toEqual({ adUserData: 'CONSENT_GRANTED' });
    expect(request.events[0]!.eventTimestamp).toBe('2026-11-21T09:30:15.250Z');
  });

  it('click id and hashed identifiers, as a validateOnly dry run', () => {
    const ctx = context();
    ctx.settings.consentDefaults = { adUserData: 'granted', adPersonalization: 'granted' };
    const p = prepared(row({ event_time: '2026-11-22T23:59:59.000Z', wbraid: 'CjgKEAiA-wbraid-example', user_email_hash: EMAIL, user_phone_hash: PHONE, event_value_micros: 49_990_000 }), ctx);
    const request = buildIngestRequest(ctx.account, p.action.id, [p.event], true);
    expect(request).toEqual(golden('ingest-both.json'));
    // §2.3 validateOnly; §2.4 no transactionId without an order id (dedup falls back to click + action + time).
    expect(request.validateOnly).toBe(true);
    expect('transactionId' in request.events[0]!).toBe(false);
    // Consent defaults from Settings fill unspecified values.
    expect(request.events[0]!.consent).toEqual({ adUserData: 'CONSENT_GRANTED', adPersonalization: 'CONSENT_GRANTED' });
    expect(request.events[0]!.conversionValue).toBe(49.99);
  });

  it('the fake (validating as §2.9) accepts all three goldens', () => {
    const customers = new Map([[CUSTOMER_ID, fakeCustomer()]]);
    for (const name of ['ingest-click-only.json', 'ingest-both.json']) expect(validateIngest(golden(name) as never, customers)).toBeNull();
    const direct = new Map([[CUSTOMER_ID, fakeCustomer({ managerId: undefined })]]);
    expect(validateIngest(golden('ingest-hashed-only.json') as never, direct)).toBeNull();
  });
});

describe('pre-flight', () => {
  const excluded = (r: GoogleEventRow, ctx = context()) => {
    const result = prepareEvent(r, ctx);
    return 'code' in result ? result : null;
  };

  it('excludes events the API would refuse, each with its reason', () => {
    expect(excluded(row({ gclid: 'x', event_name: 'custom' }))).toMatchObject({ code: 'no_conversion_action', reason: expect.stringContaining('no Google Ads conversion action is mapped for "custom"') });
    expect(excluded(row({ gclid: 'x', event_name: 'page_view' }))).toMatchObject({ code: 'unknown_conversion_action', reason: expect.stringContaining('"Deleted action" does not exist in Google Ads account 1234567890') });
    expect(excluded(row({ gclid: 'x', event_name: 'signup' }))).toMatchObject({ code: 'unknown_conversion_action', reason: expect.stringContaining('type WEBPAGE') });
    expect(excluded(row({ gclid: 'x', event_name: 'add_to_cart' }))).toMatchObject({ code: 'unknown_conversion_action', reason: expect.stringContaining('is hidden') });
    expect(excluded(row())).toMatchObject({ code: 'no_identifiers' });
    expect(excluded(row({ gbraid: 'g', wbraid: 'w' }))).toMatchObject({ code: 'both_braids' });
    expect(excluded(row({ gclid: 'x', event_time: '2026-08-01T00:00:00.000Z' }))).toMatchObject({ code: 'too_old' });
    expect(excluded(row({ gclid: 'x', event_time: '2026-12-01T00:00:00.000Z' }))).toMatchObject({ code: 'in_future' });
    expect(excluded(row({ gclid: 'x', event_value_micros: -1 }))).toMatchObject({ code: 'invalid_value' });
    const eur = context();
    eur.settings.google.requiredCurrency = 'EUR';
    expect(excluded(row({ gclid: 'x' }), eur)).toMatchObject({ code: 'currency_mismatch' });
  });

  it('an address is sent only when complete (all four AddressInfo fields are required)', () => {
    const partial = row({ user_first_name_hash: FIRST, user_last_name_hash: LAST, google_region_code: 'US' });
    expect(excluded(partial)).toMatchObject({ code: 'no_identifiers' });
    expect(prepared({ ...partial, google_postal_code: '94043' }).event.userData?.userIdentifiers).toHaveLength(1);
  });

  it('a gclid wins over a braid; a lone gbraid is sent as gbraid', () => {
    expect(prepared(row({ gclid: 'c', gbraid: 'g', wbraid: 'w' })).event.adIdentifiers).toEqual({ gclid: 'c' });
    expect(prepared(row({ gbraid: 'g' })).event.adIdentifiers).toEqual({ gbraid: 'g' });
  });

  it('RFC 3339 times keep milliseconds only when there are some', () => {
    expect(rfc3339(Date.parse('2026-01-02T03:04:05.000Z'))).toBe('2026-01-02T03:04:05Z');
    expect(rfc3339(Date.parse('2026-01-02T03:04:05.007Z'))).toBe('2026-01-02T03:04:05.007Z');
  });

  it('requests hold 1 to 2,000 events', () => {
    const p = prepared(row({ gclid: 'x' }));
    expect(buildIngestRequest(context().account, '111', Array(MAX_EVENTS_PER_REQUEST).fill(p.event), false).events).toHaveLength(2000);
    expect(() => buildIngestRequest(context().account, '111', Array(2001).fill(p.event), false)).toThrow(RangeError);
    expect(() => buildIngestRequest(context().account, '111', [], false)).toThrow(RangeError);
  });

  it('whatever the pre-flight lets through, the fake Data Manager accepts (property)', () => {
    const customers = new Map([[CUSTOMER_ID, fakeCustomer()]]);
    const hex = fc.constantFrom(EMAIL, PHONE, FIRST, LAST);
    const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });
    const arbitraryRow = fc.record({
      event_name: fc.constantFrom('purchase', 'lead', 'signup', 'custom', 'page_view', 'add_to_cart'),
      event_time: fc.integer({ min: Date.parse('2026-08-01T00:00:00Z'), max: Date.parse('2026-12-05T00:00:00Z') }).map((ms) => new Date(ms).toISOString()),
      event_value_micros: maybe(fc.integer({ min: -5, max: 10_000_000_000 })),
      currency: fc.constantFrom('USD', 'EUR', 'JPY'),
      transaction_id: maybe(fc.string({ minLength: 1, maxLength: 40 })),
      gclid: maybe(fc.string({ minLength: 1, maxLength: 30 }).filter((s) => s.trim().length > 0)),
      gbraid: maybe(fc.constant('gbraid-1')),
      wbraid: maybe(fc.constant('wbraid-1')),
      user_email_hash: maybe(hex),
      user_phone_hash: maybe(hex),
      user_first_name_hash: maybe(hex),
      user_last_name_hash: maybe(hex),
      google_region_code: maybe(fc.constantFrom('US', 'DE')),
      google_postal_code: maybe(fc.constantFrom('94043', '10115')),
      consent_ad_user_data: fc.constantFrom('granted', 'denied', 'unspecified'),
      consent_ad_personalization: fc.constantFrom('granted', 'denied', 'unspecified'),
    });
    fc.assert(
      fc.property(fc.array(arbitraryRow, { minLength: 1, maxLength: 30 }), (rows) => {
        const ctx = context();
        const byAction = new Map<string, Prepared['event'][]>();
        for (const r of rows) {
          const result = prepareEvent(row(r), ctx);
          if ('code' in result) continue;
          byAction.set(result.action.id, [...(byAction.get(result.action.id) ?? []), result.event]);
        }
        for (const [actionId, events] of byAction) {
          const rejection = validateIngest(JSON.parse(JSON.stringify(buildIngestRequest(ctx.account, actionId, events, false))), customers);
          expect(rejection).toBeNull();
        }
      }),
      { numRuns: 300 },
    );
  });
});
