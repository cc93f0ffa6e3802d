import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { actionsByName } from '../../src/main/google/actions';
import { prepareEvent, prepareEventJson, type BuildContext, type GoogleEventRow } from '../../src/main/google/ingest';
import { defaultSettings } from '../../src/shared/domain/settings';
import { ACTIONS, CUSTOMER_ID, MANAGER_ID } from './helpers';

// The sender writes each event's JSON directly (prepareEventJson); it must be byte for byte
// JSON.stringify of the event prepareEvent builds (the object the golden bodies check), with the same
// exclusions.

const HEX = ['d6117306485ed0e50afab3ac871e98f81699151f30281527d63ff5f233656c69', '81f8f6dde88365f3928796ec7aa53f72820b06db8664f5fe76a7eb13e24546a2'];
const maybe = <T,>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 3 });
/** Text that needs escaping as often as not: quotes, backslashes, control characters, lone surrogates, non-ASCII. */
const awkward = fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }), fc.constantFrom('a"b', 'c\\d', 'e\nf', '\u0000', '\ud800', '😀', 'é', '\u2028', '\u007f'));
const hashOrNot = maybe(fc.oneof(fc.constantFrom(...HEX), awkward, fc.constant(HEX[0]!.toUpperCase())));

const arbitraryRow: fc.Arbitrary<GoogleEventRow> = fc.record({
  id: fc.constant('e1'),
  event_id: fc.constant('ev-1'),
  event_name: fc.constantFrom('purchase', 'purchase', 'lead', 'lead', 'signup', 'custom', 'add_to_cart'),
  conversion_name: fc.option(fc.constantFrom('Offline purchase', 'Qualified lead', 'Sign-up', 'Nope'), { nil: null, freq: 2 }),
  event_time: fc.oneof(
    { arbitrary: fc.integer({ min: Date.parse('2026-09-15T00:00:00Z'), max: Date.parse('2026-11-29T00:00:00Z') }).map((ms) => new Date(ms).toISOString()), weight: 4 },
    fc.integer({ min: Date.parse('2026-08-01T00:00:00Z'), max: Date.parse('2026-12-05T00:00:00Z') }).map((ms) => new Date(ms).toISOString()),
    fc.constantFrom('not a time', '2026-11-20T10:00:00.000Z', '2026-11-20T10:00:00.123Z'),
  ),
  event_value_micros: maybe(fc.oneof(fc.integer({ min: -5, max: 10_000_000_000 }), fc.constantFrom(0, 1, 990_000, 2 ** 53, 1.5))),
  currency: fc.constantFrom('USD', 'USD', 'USD', 'EUR', 'JPY', 'usd', 'EURO', ''),
  transaction_id: maybe(fc.oneof(awkward, fc.constant(''))),
  gclid: maybe(fc.oneof(awkward, fc.constant(''))),
  gbraid: maybe(awkward),
  wbraid: maybe(awkward),
  user_email_hash: hashOrNot,
  user_phone_hash: hashOrNot,
  user_first_name_hash: hashOrNot,
  user_last_name_hash: hashOrNot,
  google_region_code: maybe(fc.oneof(fc.constantFrom('US', 'DE'), awkward)),
  google_postal_code: maybe(fc.oneof(fc.constantFrom('94043', '10115'), awkward)),
  consent_ad_user_data: fc.constantFrom('granted', 'denied', 'unspecified'),
  consent_ad_personalization: fc.constantFrom('granted', 'denied', 'unspecified'),
}) as fc.Arbitrary<GoogleEventRow>;

function context(consent: { adUserData: string; adPersonalization: string }, requiredCurrency: string | null): BuildContext {
  const settings = defaultSettings();
  settings.destinations.purchase.googleConversionName = 'Offline purchase';
  settings.destinations.lead.googleConversionName = 'Qualified lead';
  settings.destinations.signup.googleConversionName = 'Website purchase';
  settings.consentDefaults = consent as typeof settings.consentDefaults;
  settings.google.requiredCurrency = requiredCurrency;
  return { account: { customerId: CUSTOMER_ID, loginCustomerId: MANAGER_ID }, settings, actionsByName: actionsByName(ACTIONS), nowMs: Date.parse('2026-11-30T08:00:00Z') };
}
const arbitraryContext = fc
  .record({
    consent: fc.record({ adUserData: fc.constantFrom('granted', 'denied', 'unspecified'), adPersonalization: fc.constantFrom('granted', 'denied', 'unspecified') }),
    currency: fc.constantFrom(null, 'USD'),
  })
  .map(({ consent, currency }) => context(consent, currency));

describe('prepareEventJson (the Data Manager event written directly)', () => {
  it('gives JSON.stringify(prepareEvent(…).event) byte for byte, and the same action or exclusion (property)', () => {
    let sendable = 0;
    let excluded = 0;
    fc.assert(
      fc.property(arbitraryContext, fc.array(arbitraryRow, { minLength: 1, maxLength: 20 }), (ctx, rows) => {
        for (const row of rows) {
          const object = prepareEvent(row, ctx);
          const text = prepareEventJson(row, ctx);
          if ('code' in object) {
            excluded++;
            expect(text).toEqual(object);
          } else {
            sendable++;
            expect('json' in text && text.action).toBe(object.action);
            expect((text as { json: string }).json).toBe(JSON.stringify(object.event));
          }
        }
      }),
      { numRuns: 800, seed: 20261130 },
    );
    // Both kinds were compared, many times.
    expect(sendable).toBeGreaterThan(500);
    expect(excluded).toBeGreaterThan(300);
  });

  it('writes every field when all are present', () => {
    const ctx = context({ adUserData: 'granted', adPersonalization: 'denied' }, null);
    const row = {
      id: 'e1', event_id: 'ev-1', event_name: 'purchase', conversion_name: null, event_time: '2026-11-20T14:05:00.250Z', event_value_micros: 12_300_000, currency: 'EUR',
      transaction_id: 'ORD "1"', gclid: 'Cj0-gclid', gbraid: null, wbraid: null, user_email_hash: HEX[0]!, user_phone_hash: HEX[1]!, user_first_name_hash: HEX[0]!, user_last_name_hash: HEX[1]!,
      google_region_code: 'US', google_postal_code: '94043', consent_ad_user_data: 'unspecified', consent_ad_personalization: 'unspecified',
    } as GoogleEventRow;
    const text = prepareEventJson(row, ctx) as { json: string };
    expect(text.json).toBe(JSON.stringify((prepareEvent(row, ctx) as { event: unknown }).event));
    expect(JSON.parse(text.json)).toEqual({
      transactionId: 'ORD "1"', eventTimestamp: '2026-11-20T14:05:00.250Z', eventSource: 'OTHER', adIdentifiers: { gclid: 'Cj0-gclid' },
      userData: { userIdentifiers: [{ emailAddress: HEX[0] }, { phoneNumber: HEX[1] }, { address: { givenName: HEX[0], familyName: HEX[1], regionCode: 'US', postalCode: '94043' } }] },
      consent: { adUserData: 'CONSENT_GRANTED', adPersonalization: 'CONSENT_DENIED' }, conversionValue: 12.3, currency: 'EUR',
    });
  });
});
