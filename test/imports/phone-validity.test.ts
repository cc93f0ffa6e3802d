/**
 * The import skips libphonenumber's second validation walk for international numbers whose country the
 * parse chose by that same validation (identity/phone.ts validInternational). Property: for any number
 * written with '+', validInternational(parsed) === parsed.isValid() — for the NANP (the bench's +1
 * numbers), the other shared calling codes, and single-country codes.
 */
import fc from 'fast-check';
import { getCountries, getCountryCallingCode, getExampleNumber, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/examples.mobile.json';
import { describe, expect, it } from 'vitest';
import { parsePhone, validInternational } from '../../src/main/identity/phone';

const codes = [...new Set(getCountries().map((c) => getCountryCallingCode(c)))];
const shared = codes.filter((code) => getCountries().filter((c) => getCountryCallingCode(c) === code).length > 1);
const exampleNationals = getCountries().flatMap((c) => {
  const n = getExampleNumber(c, examples);
  return n ? [{ code: n.countryCallingCode as string, national: n.nationalNumber as string }] : [];
});

const digits = (min: number, max: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((d) => d.join(''));
/** A real example number of some country with its last digits replaced: valid or nearly so, in every plan. */
const nearExample = fc.tuple(fc.constantFrom(...exampleNationals), fc.integer({ min: 0, max: 6 }), digits(0, 6), digits(0, 2)).map(
  ([e, cut, tail, extra]) => `+${e.code}${e.national.slice(0, Math.max(1, e.national.length - cut))}${tail.slice(0, cut)}${extra}`,
);
const nanp = fc.tuple(fc.integer({ min: 0, max: 999 }), fc.integer({ min: 0, max: 999 }), fc.integer({ min: 0, max: 9999 })).map(
  ([a, e, l]) => `+1 ${String(a).padStart(3, '0')}-${String(e).padStart(3, '0')}-${String(l).padStart(4, '0')}`,
);
const anyCode = fc.tuple(fc.constantFrom(...codes, ...shared, ...shared), digits(3, 14)).map(([code, rest]) => `+${code}${rest}`);

describe('phone validity without the second walk', () => {
  it('validInternational agrees with isValid on every parsed international number (property)', () => {
    let parsed = 0;
    let valid = 0;
    fc.assert(
      fc.property(fc.oneof(nanp, nearExample, anyCode), (text) => {
        const number = parsePhoneNumberFromString(text);
        if (!number) return;
        parsed++;
        const expected = number.isValid();
        if (expected) valid++;
        expect({ text, valid: validInternational(number) }).toEqual({ text, valid: expected });
      }),
      { numRuns: 30_000 },
    );
    // Not vacuous: both answers were met many times.
    expect(valid).toBeGreaterThan(3000);
    expect(parsed - valid).toBeGreaterThan(3000);
  });

  it('parsePhone gives the same number or refusal as the plain isValid() reading, on the bench\'s phone form', () => {
    for (let i = 0; i < 20_000; i += 7) {
      const text = `+1 ${['201', '212', '305', '415', '800', '555', '999'][i % 7]}-${200 + (i % 800)}-${String(i % 10000).padStart(4, '0')}`;
      const reference = parsePhoneNumberFromString(text);
      const expected = reference?.isValid() ? reference.number : null;
      let actual: string | null;
      try {
        actual = parsePhone(text);
      } catch {
        actual = null;
      }
      expect({ text, actual }).toEqual({ text, actual: expected });
    }
  });
});
