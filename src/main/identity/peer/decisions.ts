/**
 * The written decisions for the peer vectors (issue 17): every vector where we knowingly differ from the reference, with
 * the rule we apply instead, why, and the source. `vectors` maps a vector's index in
 * test/fixtures/peer-vectors/peer_vectors.json to OUR outcome: the normalized text we hash (or send in clear), or null
 * when we refuse the value (the column stays empty and the import reports a problem). The test checks both that each
 * listed vector really differs from the reference and that we produce exactly the outcome written here.
 *
 * Vectors flagged `conflicts_with_other_reference` are not listed: the references disagree among themselves. Our choice
 * for them: 2486/2487 Google "Alex Dr." → "alex dr." (data-manager-node anchors the prefix regex); 2519/2521 Google
 * "alex.2@example.com" keeps its dot (only gmail/googlemail lose dots; google-ads-python #1050 is a known bug);
 * 2520/2522 Google "+1 800 5550102" → "+18005550102" (E.164, not the example's spaced text); 1052/2444 Meta "United
 * States of America" → "us" (capi-param-builder, over the old PHP SDK's refusal).
 */
export interface PeerDecision {
  id: string;
  rule: string;
  why: string;
  source: string;
  vectors: Readonly<Record<number, string | null>>;
}

export const PEER_DECISIONS: readonly PeerDecision[] = [
  {
    id: 'google-gmail-plus-suffix',
    rule: 'We drop a gmail/googlemail \'+suffix\' for Google.',
    why: 'The vector asserts the old Google Ads API example rule (dots only, keep \'+suffix\', unmerged google-ads-python PR #1001); the Data Manager rules replace it.',
    source: 'Data Manager formatting guide (2026) and googleads/data-manager-node formatter.ts (commit d5e833e, 2026-06-01); issue 11.',
    vectors: {
      2535: 'username@gmail.com', // "user.name+alias@gmail.com"
    },
  },
  {
    id: 'google-example-without-validation',
    rule: 'We refuse a value that is not an email (no \'@\', or empty) instead of hashing it.',
    why: 'The google-ads-python example hashes anything, even \'\' (its own test asserts the digest of the empty string); a digest of a non-email matches nobody.',
    source: 'googleads/data-manager-* formatters refuse both (\'Email is not of the form user@domain\', \'null or empty\').',
    vectors: {
      2536: null, // "userexample.com"
      2537: null, // ""
    },
  },
  {
    id: 'google-region-from-country-name',
    rule: 'Google\'s region code also accepts an exact country name of Meta\'s table (\' usa \' → \'US\').',
    why: 'The region code is sent in clear, so the ISO code is what Google needs; refusing \'usa\' would leave a Meta-style file with no Google address at all. Only exact names, never guessed prefixes.',
    source: 'googleads/data-manager-node formatRegionCode (refuses); decision in src/main/identity/address.ts googleRegionCode.',
    vectors: {
      2510: 'US', // " usa "
    },
  },
  {
    id: 'phone-numbering-plan',
    rule: 'A phone number that cannot exist in the numbering plan (libphonenumber) is refused, not hashed; an extension is dropped, not glued on.',
    why: 'capi-param-builder keeps every digit of any text (\'911\', \'1-800-FLOWERS\' → \'1800\', 555-01xx fiction numbers, dates, zip codes, hex strings, extensions glued onto the number). Such a digest matches nobody, and refusing it tells the user the column is wrong (issue 17: \'references hashing made-up phone numbers\', \'gluing phone extensions\').',
    source: 'libphonenumber-js (max metadata) isValid(); Meta customer-information-parameters: phone numbers with country code.',
    vectors: {
      129: null, // "1(650)123-4567"
      131: null, // "01(650)123-4567"
      136: null, // "alreadyHasPhoneCode: true; phoneNumber: '322…"
      137: null, // "1234567890"
      138: null, // "+1-555-123-4567"
      139: null, // "(555) 123-4567"
      140: null, // "555.123.4567"
      141: null, // "555 123 4567"
      142: null, // "+1 (555) 123-4567"
      143: null, // "1-555-123-4567"
      149: null, // "01234567890"
      150: null, // "0012345678"
      151: null, // "000555123456"
      153: null, // "00001"
      157: null, // "555-123-4567"
      158: null, // "555/123/4567"
      159: null, // "555_123_4567"
      160: null, // "555|123|4567"
      161: null, // "(555)123-4567"
      162: null, // "[555] 123-4567"
      163: null, // "{555} 123-4567"
      164: null, // "1-(555)-123-4567"
      165: null, // "+1-555-123-4567 ext. 123"
      166: null, // "555-123-4567#123"
      167: null, // "555*123*4567"
      168: null, // "555@123@4567"
      169: null, // "555$123$4567"
      170: null, // "555%123%4567"
      171: null, // "1-800-FLOWERS"
      172: null, // "1-800-GO-FEDEX"
      173: null, // "CALL-NOW-555"
      174: null, // "555-HELP-NOW"
      175: null, // "+1-555-123-4567-890-123-456-789"
      176: null, // "911"
      177: null, // "411"
      178: null, // "123"
      179: null, // "1"
      190: null, // "Phone: 555-123-4567"
      191: null, // "Call me at +1 (555) 123-4567 today!"
      192: null, // "My number is 555.123.4567."
      193: null, // "Tel: 555 123 4567"
      201: null, // "a665a45920422f9d417e4867efdc4fb8a04a1f3fff1f…"
      203: null, // "g665a45920422f9d417e4867efdc4fb8a04a1f3fff1f…"
      204: null, // "A665A45920422F9D417E4867EFDC4FB8A04A1F3FFF1F…"
      205: null, // "z665a45920422f9d417e4867efdc4fb8a04a1f3fff1f…"
      206: null, // "a665a45920422f9d417e4867efdc4fb8a04a1f3fff1f…"
      208: null, // "01"
      209: null, // "001"
      210: null, // "0001"
      211: null, // "00555123456"
      212: null, // "123456789"
      224: null, // "!1@2#3$4%5^6&7*8(9)0"
      225: null, // "Phone: 555, please call"
      226: null, // "***555***123***4567***"
      1756: null, // "555①②③④⑤⑥⑦"
      1757: null, // "555-123-4567（内線123）"
      1758: null, // "555＋123＋4567"
      1817: null, // "Mary123"
      1818: null, // "123-456-7890"
      1893: null, // "City123"
      1972: null, // "State123"
      2016: null, // "12345"
      2017: null, // "90210-1234"
      2028: null, // "Country123"
      2035: null, // "12-31-1990"
      2036: null, // "1990-12-31"
      2292: null, // "abc123"
      2296: null, // "+15551234567"
      2297: null, // "0015551234567"
      2298: null, // "0000015551234567"
      2299: null, // "05551234567"
      2300: null, // "5551234567"
      2301: null, // "+1-(555)-123-4567 ext. 123"
      2303: null, // "555-123-4567 x123"
      2307: null, // "000123"
      2308: null, // "✆ 555-123-4567 📞"
      2309: null, // "Call 555-HELP (4357) now!"
      2310: null, // "  \t 555 \n 123 \r 4567  \t "
      2311: null, // "5"
      2312: null, // "05"
      2400: null, // "14251234567"
      2406: null, // "12223334444"
      2433: null, // "777 747 (3515)"
      2435: null, // "44-12390821300A"
    },
  },
  {
    id: 'meta-phone-needs-country-code',
    rule: 'A national number is completed with the default country\'s code for Meta too (\'4792813113\', US → \'14792813113\').',
    why: 'capi-param-builder hashes the national digits without country code, which Meta documents as required: the reference\'s digest matches nobody.',
    source: 'Meta customer-information-parameters page (\'ph: … must include country code\'); research §4.3.',
    vectors: {
      132: '14792813113', // "4792813113"
      2294: '14792813113', // "  4792813113"
      2401: '12062072009', // "2062072009"
    },
  },
  {
    id: 'length-cap',
    rule: 'Values longer than the caps are refused: names over 200 characters after normalization, address parts and external ids over 200, dates over 64, phones over 64.',
    why: 'The references accept 1,000-character values. No real name or address part is that long: such a cell means a wrong column mapped, and hashing it would match nobody without a word. The caps also bound per-row work (regexes, name search) on the 1M-row import.',
    source: 'Issue 17 (\'the 200-character cap on names: choose and say why\'); src/main/identity/names.ts MAX_NAME, address.ts.',
    vectors: {
      134: null, // "alreadyHasPhoneCode: false; countryCode: 'US…"
      135: null, // "alreadyHasPhoneCode: false; phoneCode: '+86'…"
      202: null, // "a665a45920422f9d417e4867efdc4fb8a04a1f3fff1f…"
      213: null, // "00000000000000000000000000000000000000000000…"
      214: null, // "11111111111111111111111111111111111111111111…"
      359: null, // "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…"
      631: null, // "a!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!…"
      900: null, // "Californiaxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…"
      901: null, // "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…"
      1005: null, // "11111111111111111111111111111111111111111111…"
      1176: null, // "UnitedStatesxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…"
      1177: null, // "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…"
      1323: null, // "This is a very long string that contains a d…"
      1330: null, // "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…"
      1807: null, // "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA…"
      1882: null, // "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA…"
      1960: null, // "CaliforniaCaliforniaCaliforniaCaliforniaCali…"
      1961: null, // "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA…"
      2007: null, // "11111111111111111111111111111111111111111111…"
    },
  },
  {
    id: 'meta-zip-without-spaces',
    rule: 'Meta\'s zip loses inner spaces (\'K1A 0A6\' → \'k1a0a6\').',
    why: 'capi-param-builder keeps the space; Meta\'s documentation says \'lowercase with no spaces and no dash\' and its PHP SDK removes it (\'NR9 5AL\' → \'nr95al\', vector 2438).',
    source: 'Meta customer-information-parameters page (zp); facebook-php-business-sdk ServerSideNormalizeTest postalCodeNormalizeData.',
    vectors: {
      994: 'a1b2', // "A1 B2"
      1982: 'k1a0a6', // "K1A 0A6"
      1983: 'sw1a1aa', // "SW1A 1AA"
      1987: 'm5v3a8', // "M5V 3A8"
      1988: 'h0h0h0', // "H0H 0H0"
      1989: 'a1b2c3', // "A1B 2C3"
      1990: 'ec1a1bb', // "EC1A 1BB"
      1991: 'm1m1m1', // "M1M 1M1"
      1992: 'v6b1a1', // "V6B 1A1"
      2000: '100010001', // "10001 0001"
      2346: 'k1a0a6', // "k1a 0a6"
      2347: 'k1a0a6', // "K1a 0A6"
      2368: '1012ab', // "1012 AB"
      2369: '11122', // "111 22"
    },
  },
  {
    id: 'country-no-guessing',
    rule: 'An unknown country text is refused, not cut to its first two letters.',
    why: 'capi-param-builder\'s last resort sends the first two letters: \'Narnia\' → Namibia, \'Chinese\' → Switzerland (ch), \'German\' → Georgia (ge), \'C4n4d4\' → China: a wrong country sent silently. We take a 2-letter code or a name of its table (exact or contained) only.',
    source: 'capi-param-builder stringUtil.js normalizeTwoLetterAbbreviations/getFromMap; issue 11 guiding rule (nothing defaulted silently).',
    vectors: {
      1134: null, // "a665a45920422f9d417e4867efdc4fb8a04a1f3fff1f…"
      1135: null, // "a665a45920422f9d417e4867efdc4fb8a04a1f3fff1f…"
      1136: null, // "g665a45920422f9d417e4867efdc4fb8a04a1f3fff1f…"
      1138: null, // "unknown"
      1139: null, // "randomcountry"
      1140: null, // "xyz"
      1141: null, // "abcdefghijk"
      1142: null, // "a"
      1143: null, // "z"
      1144: null, // "X"
      1148: null, // "U@n!t3d St@t3s"
      1149: null, // "C4n4d4"
      1150: null, // "G3rm4ny"
      1151: null, // "Fr4nc3"
      1168: null, // "Can."
      1169: null, // "Ger."
      1178: null, // "Germánia"
      1179: null, // "Frânce"
      1180: null, // "Japão"
      2022: null, // "Unknown"
      2023: null, // "TestCountry"
      2173: null, // "InvalidCountry"
      2174: null, // "SomeRandomLongCountryName"
      2180: null, // "França"
      2183: null, // "U"
      2184: null, // "USSA"
      2186: null, // "US/CA"
      2193: null, // "US|CA"
      2194: null, // "US~CA"
      2196: null, // "German"
      2197: null, // "Chinese"
      2198: null, // "XYZ"
      2199: null, // "Country 123 Name"
      2200: null, // "Country-123-Name"
    },
  },
  {
    id: 'country-iso-code-only',
    rule: 'Two letters that are not an ISO 3166-1 code are refused.',
    why: 'Meta documents country as the ISO 3166-1 alpha-2 code; \'ab\', \'xy\', \'zz\', \'uu\' match nobody.',
    source: 'Meta customer-information-parameters page (country); ISO 3166-1.',
    vectors: {
      1145: null, // "ab"
      1146: null, // "XY"
      1147: null, // "zz"
      2024: null, // "AB"
      2172: null, // "XX"
      2443: null, // "*****UU*****"
    },
  },
  {
    id: 'country-uk-is-gb',
    rule: '\'U.K.\' is read as \'gb\'.',
    why: 'ISO 3166-1 reserves UK for the United Kingdom, whose code is GB; the reference\'s \'uk\' matches nobody.',
    source: 'ISO 3166-1 exceptional reservations.',
    vectors: {
      1167: 'gb', // "U.K."
    },
  },
  {
    id: 'meta-email-builder-over-python-sdk',
    rule: 'Quoted or escaped local parts are refused for Meta, as capi-param-builder refuses them.',
    why: 'The old Python SDK\'s regex accepts \'"a b"@c.d\' and \'a\\\\@b@c.d\'; capi-param-builder (what Meta\'s Node SDK uses since June 2026) refuses both, and its own vector 2247 (\'"test user"@example.com\') agrees.',
    source: 'capi-param-builder emailUtil.js EMAIL_RE; facebook-python-business-sdk normalize_test.py.',
    vectors: {
      2416: null, // "\"a b\"@c.d"
      2417: null, // "a\\@b@c.d"
    },
  },
  {
    id: 'meta-email-php-sanitizer',
    rule: 'An email with characters PHP\'s FILTER_SANITIZE_EMAIL would delete is refused, not repaired.',
    why: 'The old PHP SDK silently deletes characters (\'foo(.bar)@baz.com/\' → \'foo.bar@baz.com\'), producing an address the person never typed; capi-param-builder refuses these.',
    source: 'facebook-php-business-sdk ServerSideNormalizeTest emailNormalizeData; capi-param-builder emailUtil.js.',
    vectors: {
      2429: null, // "foo(.bar)@baz.com/"
      2430: null, // "foo\"@bar.com"
      2431: null, // "foo()@bar.com"
    },
  },
  {
    id: 'meta-old-php-sdk',
    rule: 'capi-param-builder\'s normalization wins over the old PHP SDK\'s raw values.',
    why: 'The old PHP SDK test hashes values unnormalized (\'first_name-5\', \'state\', \'01/01/2001\') or strips a city\'s digits; capi-param-builder, Meta\'s current reference, normalizes them (\'firstname5\', \'st\', \'20010101\', \'seattle98121\'). Issue 17 names this: \'Meta\'s old PHP SDK never stripping punctuation\'.',
    source: 'facebook-php-business-sdk UserDataTest/ServerSideNormalizeTest; capi-param-builder stringUtil.js, dobUtil.js.',
    vectors: {
      2440: 'seattle98121', // "Seattle-98121"
      2446: 'lastname4', // "last_name-4"
      2447: 'firstname5', // "first_name-5"
      2449: 'st', // "state"
      2450: '20010101', // "01/01/2001"
    },
  },
];
