// The mapper thread's hand-written replacements for two per-row library calls must give exactly what
// the calls they replace give: isoUtc = new Date(ms).toISOString() on the import's range (1970–2100),
// isHex64 = /^[0-9a-f]{64}$/.test.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isHex64 } from '../../src/main/imports/storable';
import { isoUtc } from '../../src/main/imports/time';

const MIN_MS = Date.UTC(1970, 0, 1);
const MAX_MS = Date.UTC(2101, 0, 1);
const DAY = 86_400_000;

describe('isoUtc', () => {
  it('equals toISOString at the first and last millisecond, noon and a few odd times of every day from 1970 to 2100', () => {
    let compared = 0;
    for (let day = MIN_MS; day < MAX_MS; day += DAY) {
      for (const at of [0, 1, 999, 1000, 59_999, 3_599_999, 43_200_000, 45_296_789, DAY - 1]) {
        const ms = day + at;
        if (isoUtc(ms) !== new Date(ms).toISOString()) expect(isoUtc(ms)).toBe(new Date(ms).toISOString());
        compared++;
      }
    }
    expect(compared).toBe(9 * ((MAX_MS - MIN_MS) / DAY));
  });

  it('equals toISOString on any instant of the range, fractions of a millisecond included (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: MIN_MS, max: MAX_MS - 1 }), fc.double({ min: MIN_MS, max: MAX_MS - 1, noNaN: true })), (ms) => {
        expect(isoUtc(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 20_000 },
    );
    for (const ms of [0, -0, 0.999, 951_782_400_000 /* 2000-02-29 */, 4_107_542_400_000 /* 2100-03-01 */, MAX_MS - 0.5]) expect(isoUtc(ms)).toBe(new Date(ms).toISOString());
  });
});

describe('isHex64', () => {
  const HEX64 = /^[0-9a-f]{64}$/;
  const valid = '0123456789abcdef'.repeat(4);

  it('agrees with the regular expression on every UTF-16 code unit put in any of three positions of a valid hash', () => {
    let refused = 0;
    const disagree: string[] = [];
    for (let code = 0; code <= 0xffff; code++) {
      for (const at of [0, 31, 63]) {
        const value = valid.slice(0, at) + String.fromCharCode(code) + valid.slice(at + 1);
        const expected = HEX64.test(value);
        if (isHex64(value) !== expected) disagree.push(`U+${code.toString(16)} at ${at}`);
        if (!expected) refused++;
      }
    }
    expect(disagree).toEqual([]);
    expect(refused).toBe(3 * (0x10000 - 16));
  });

  it('agrees with the regular expression on strings of hash-like and any characters and lengths (property)', () => {
    const hexLike = (chars: string) => fc.string({ unit: fc.constantFrom(...chars), minLength: 60, maxLength: 68 });
    fc.assert(
      fc.property(fc.oneof(hexLike('0123456789abcdef'), hexLike('0123456789abcdefABCDEFg \n'), fc.string(), fc.string({ unit: 'binary', minLength: 64, maxLength: 64 })), (value) => {
        expect(isHex64(value)).toBe(HEX64.test(value));
      }),
      { numRuns: 20_000 },
    );
  });
});
