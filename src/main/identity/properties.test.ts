import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashIdentity, normalizeFor, type IdentityColumns, type IdentityField, type Platform, type RawIdentity } from './index';
import { RAW_KEYS } from './identity';

const FIELDS = RAW_KEYS;
const CLEAR: ReadonlyArray<keyof IdentityColumns> = ['google_region_code', 'google_postal_code'];

const platformArb = fc.constantFrom<Platform>('google', 'meta');
const countryArb = fc.constantFrom(undefined, 'US', 'GB', 'de', 'FR', 'ZZ', 'usa', '');
const anyText = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 300 }));
const rawArb = fc.record(Object.fromEntries(FIELDS.map(([, key]) => [key, fc.option(anyText, { nil: undefined })])) as Record<keyof RawIdentity, fc.Arbitrary<string | undefined>>);

// Realistic values, formatted in many ways.
const localPart = fc.stringMatching(/^[a-zA-Z0-9][a-zA-Z0-9_+-]{0,10}(\.[a-zA-Z0-9_-]{1,8}){0,2}$/);
const domain = fc.constantFrom('gmail.com', 'GoogleMail.com', 'example.com', 'Shop.Example.CO.UK');
const emailArb = fc.tuple(localPart, domain).map(([local, host]) => `${local}@${host}`);
const phoneArb = fc.tuple(fc.constantFrom('+1 415 555 2671', '(415) 555-2671', '020 7946 0958', '+44 20 7946 0958', '0044 20 7946 0958', '447911123456', '030 12345678'), fc.constantFrom('US', 'GB', 'DE'));
const nameArb = fc.oneof(fc.constantFrom('Jean-Luc', "O'Brien", 'Mary ❤️', 'José María', 'Quinn, Jr.', 'Dr. Alex', 'Ünal', '李明'), fc.string({ unit: 'grapheme', maxLength: 30 }));
const addressArb = fc.tuple(
  fc.constantFrom<IdentityField>('city', 'state', 'zip', 'country', 'date_of_birth', 'gender', 'external_id'),
  fc.constantFrom('New York', 'California', 'K1A 0A6', '94105-1234', 'United Kingdom', 'usa', 'DE', '1990-12-31', '12/31/1990', 'Female', 'M', 'Cust 42', 'São Paulo', 'ON'),
);

function normalizeOrNull(field: IdentityField, raw: string, platform: Platform, country?: string): string | null | 'refused' {
  try {
    return normalizeFor(field, raw, platform, country);
  } catch {
    return 'refused';
  }
}

describe('identity properties', () => {
  it('hashIdentity never throws, and every column is a lowercase SHA-256/MD5 digest, a clear Google value, or null', () => {
    fc.assert(
      fc.property(rawArb, countryArb, fc.constantFrom<Platform | null | undefined>('google', 'meta', null, undefined), (raw, defaultCountry, prehashedPlatform) => {
        const { columns, problems } = hashIdentity(raw, { defaultCountry, prehashedPlatform });
        for (const [column, value] of Object.entries(columns) as [keyof IdentityColumns, string | null][]) {
          if (value === null) continue;
          if (CLEAR.includes(column)) expect(value).toMatch(/^[A-Za-z0-9][A-Za-z0-9 -]{1,11}$/);
          else if (column !== 'meta_external_id_hash') expect(value).toMatch(/^(?:[0-9a-f]{64}|[0-9a-f]{32})$/);
        }
        for (const problem of problems) expect(problem.reason.length).toBeGreaterThan(5);
      }),
      { numRuns: 300 },
    );
  });

  it('never puts the raw value in a problem reason', () => {
    const marked = fc.tuple(fc.constantFrom('Zq', 'qX9', '#@!', '+00'), fc.string({ minLength: 3, maxLength: 30 })).map(([a, b]) => `${a}${b}`);
    fc.assert(
      fc.property(fc.constantFrom(...FIELDS), marked, countryArb, ([, key], value, defaultCountry) => {
        const { problems } = hashIdentity({ [key]: value }, { defaultCountry });
        const shown = value.trim();
        for (const problem of problems) if (shown.length >= 4) expect(problem.reason).not.toContain(shown);
      }),
      { numRuns: 500 },
    );
  });

  it('normalization is idempotent (Google given names aside: its library removes one title, as "mr. mr. x" shows)', () => {
    const cases = fc.oneof(
      fc.tuple(fc.constant<IdentityField>('email'), emailArb, fc.constant<string | undefined>(undefined)),
      phoneArb.map(([phone, country]) => ['phone', phone, country] as [IdentityField, string, string | undefined]),
      fc.tuple(fc.constantFrom<IdentityField>('first_name', 'last_name'), nameArb, fc.constant<string | undefined>(undefined)),
      addressArb.map(([field, value]) => [field, value, undefined] as [IdentityField, string, string | undefined]),
    );
    fc.assert(
      fc.property(cases, platformArb, ([field, raw, country], platform) => {
        if (platform === 'google' && field === 'first_name') return;
        const once = normalizeOrNull(field, raw, platform, country);
        if (once === null || once === 'refused') return;
        expect(normalizeOrNull(field, once, platform, country)).toBe(once);
      }),
      { numRuns: 500 },
    );
  });

  it('email normalization ignores case and surrounding whitespace', () => {
    fc.assert(
      fc.property(emailArb, platformArb, fc.constantFrom('', ' ', '\t', '  \n'), (email, platform, pad) => {
        expect(normalizeOrNull('email', `${pad}${email.toUpperCase()}${pad}`, platform)).toBe(normalizeOrNull('email', email.toLowerCase(), platform));
      }),
    );
  });

  it('hashes a value once when both platforms normalize it alike', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z]{2,12}$/), (name) => {
        const { columns } = hashIdentity({ firstName: name, lastName: name, email: `${name}@example.com` });
        expect(columns.user_first_name_hash).toBe(columns.meta_first_name_hash);
        expect(columns.user_last_name_hash).toBe(columns.meta_last_name_hash);
        expect(columns.user_email_hash).toBe(columns.meta_email_hash);
      }),
    );
  });
});
