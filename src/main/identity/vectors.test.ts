import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashField, hashIdentity, IdentityError, normalizeFor, type IdentityField, type Platform } from './index';

/**
 * Known vectors: expected hashes are literal SHA-256 digests computed outside the code under test
 * (`printf '%s' value | sha256sum`). Sources of the rules:
 *  G  = Google Ads enhanced conversions "normalize and hash" rules
 *       https://developers.google.com/google-ads/api/docs/conversions/enhanced-conversions/leads#normalize_and_hash
 *       https://support.google.com/google-ads/answer/13262500 (gmail dots; E.164 with '+')
 *  M  = Meta Conversions API customer information parameters
 *       https://developers.facebook.com/docs/marketing-api/conversions-api/parameters/customer-information-parameters
 *  L  = libphonenumber example numbers (ITU/Ofcom/BNetzA test ranges) for phone validity per country
 *  P  = the original plan's two phone bugs (10-digit non-US assumed US; '+' check after stripping)
 */
interface Vector {
  source: string;
  field: IdentityField;
  platform: Platform;
  raw: string;
  country?: string;
  normalized: string | null;
  hash: string | null;
}

const V: Vector[] = [
  // email
  { source: 'G', field: 'email', platform: 'google', raw: ' John.Doe@Gmail.com ', normalized: 'johndoe@gmail.com', hash: '06a240d11cc201676da976f7b49341181fd180da37cbe40a77432c0a366c80c3' },
  { source: 'M', field: 'email', platform: 'meta', raw: ' John.Doe@Gmail.com ', normalized: 'john.doe@gmail.com', hash: '375320dd9ae7ed408002f3768e16cb5f28c861062fd50dff9a3bff62e9dce4ef' },
  { source: 'G', field: 'email', platform: 'google', raw: 'jane+promo@gmail.com', normalized: 'jane+promo@gmail.com', hash: 'e85af12814cd0fdaf47c791414b23cc8f53053eacce6c73b8a6ab4617ca160b2' },
  { source: 'G', field: 'email', platform: 'google', raw: 'Jane.Doe@googlemail.com', normalized: 'janedoe@googlemail.com', hash: '338abf9ef1c8793cadc7bcf51ed595338eb727ed9e06ce3d91d566d60b975937' },
  { source: 'M', field: 'email', platform: 'meta', raw: 'J.A.N.E@GoogleMail.com', normalized: 'j.a.n.e@googlemail.com', hash: '71441b6ad830149397c2677e4d4eb9b5d6795a7832631ab2ae37fcb119da15d9' },
  { source: 'G', field: 'email', platform: 'google', raw: 'First.Last@Example.com', normalized: 'first.last@example.com', hash: 'ed54043dc26abe52005ca8de7f530026bb4773f53e7a6effc7a520944bab01ad' },
  { source: 'M', field: 'email', platform: 'meta', raw: '\tFIRST.LAST@EXAMPLE.COM\n', normalized: 'first.last@example.com', hash: 'ed54043dc26abe52005ca8de7f530026bb4773f53e7a6effc7a520944bab01ad' },
  { source: 'G', field: 'email', platform: 'google', raw: '   ', normalized: null, hash: null },
  // phone
  { source: 'G', field: 'phone', platform: 'google', raw: '(415) 555-2671', country: 'US', normalized: '+14155552671', hash: 'cb6880e416769253645cb9c6b8989154bf66a56a77fc14c81fb1019663cbb928' },
  { source: 'M', field: 'phone', platform: 'meta', raw: '(415) 555-2671', country: 'US', normalized: '14155552671', hash: '758fbf68945f21c416814c539ab578876c8d98fb69e6da692def92cd52417fe0' },
  { source: 'G', field: 'phone', platform: 'google', raw: '+1 415.555.2671', normalized: '+14155552671', hash: 'cb6880e416769253645cb9c6b8989154bf66a56a77fc14c81fb1019663cbb928' },
  { source: 'P', field: 'phone', platform: 'google', raw: '020 7946 0958', country: 'GB', normalized: '+442079460958', hash: 'f0bf0228144d9fe2bdf1da2d8ca698f17bf1410ee688b075c27062e47b6f0b6d' },
  { source: 'P', field: 'phone', platform: 'meta', raw: '020 7946 0958', country: 'GB', normalized: '442079460958', hash: '35e206e5dec4c89b9e8b71b8c32724a5bb518483ac5a20c6617d738375b3b823' },
  { source: 'P', field: 'phone', platform: 'google', raw: '+44 20 7946 0958', country: 'US', normalized: '+442079460958', hash: 'f0bf0228144d9fe2bdf1da2d8ca698f17bf1410ee688b075c27062e47b6f0b6d' },
  { source: 'P', field: 'phone', platform: 'google', raw: '0044 20 7946 0958', country: 'US', normalized: '+442079460958', hash: 'f0bf0228144d9fe2bdf1da2d8ca698f17bf1410ee688b075c27062e47b6f0b6d' },
  { source: 'P', field: 'phone', platform: 'google', raw: '030 12345678', country: 'DE', normalized: '+493012345678', hash: 'b947f8ad7dc00f0f4ba3da5a5fbdf3959603e725e50858e8383eb4fd109fc591' },
  { source: 'L', field: 'phone', platform: 'google', raw: '(02) 9123 4567', country: 'AU', normalized: '+61291234567', hash: 'e170137458e094624002256584e09d686f999b9ca98d052dfb927bde13a88d43' },
  { source: 'L', field: 'phone', platform: 'google', raw: '01 23 45 67 89', country: 'FR', normalized: '+33123456789', hash: '022a2d6f0a45a74fd127cffcc558e0486a29af66d29bb1964cc5b47a75d62a6a' },
  // names
  { source: 'G', field: 'first_name', platform: 'google', raw: '  John ', normalized: 'john', hash: '96d9632f363564cc3032521409cf22a852f2032eec099ed5967c0d000cec607a' },
  { source: 'M', field: 'first_name', platform: 'meta', raw: 'JOHN', normalized: 'john', hash: '96d9632f363564cc3032521409cf22a852f2032eec099ed5967c0d000cec607a' },
  { source: 'G', field: 'last_name', platform: 'google', raw: "O'Brien", normalized: "o'brien", hash: '65b87174be3b1b122e2b0929f0b84888637d31a4a83bb96a860bcff411f5e668' },
  { source: 'M', field: 'last_name', platform: 'meta', raw: "O'Brien", normalized: 'obrien', hash: 'b4cb6cb33fe4b865868de825023a1e2790dc12ac01ecc8d7c5afe8254071c8ba' },
  { source: 'G', field: 'first_name', platform: 'google', raw: 'Zoë', normalized: 'zoë', hash: '2752b88686847fa5c86f47b94ce652b7b3f22a91c37617d451a4db9afa431450' },
  { source: 'M', field: 'first_name', platform: 'meta', raw: 'ZOË', normalized: 'zoë', hash: '2752b88686847fa5c86f47b94ce652b7b3f22a91c37617d451a4db9afa431450' },
  { source: 'G', field: 'first_name', platform: 'google', raw: 'Jean-Luc', normalized: 'jean-luc', hash: '541459444b713dcbea4a267a8135219e7b6aadf83437691eb4ad6d72dfaba804' },
  { source: 'M', field: 'first_name', platform: 'meta', raw: 'Jean-Luc', normalized: 'jeanluc', hash: '7fef38066db9900f992fa9926eea8cc648f44c2af50c4d511c415422196c8ef5' },
  { source: 'M', field: 'first_name', platform: 'meta', raw: ' José  María. ', normalized: 'josé maría', hash: '27151c896748a1288d7e5682b4b5190b3d61e43820a310cadd43f6ea28ee75c5' },
  { source: 'G', field: 'last_name', platform: 'google', raw: 'MÜLLER', normalized: 'müller', hash: '2dbd218072117713f2d5996a726a9b216ed791ffd0783b6ba4ab6d61b8333192' },
  { source: 'M', field: 'last_name', platform: 'meta', raw: 'Müller', normalized: 'müller', hash: '2dbd218072117713f2d5996a726a9b216ed791ffd0783b6ba4ab6d61b8333192' },
  // pre-hashed passthrough (both platforms, uppercase input lowercased, not hashed again)
  { source: 'G', field: 'email', platform: 'google', raw: '06A240D11CC201676DA976F7B49341181FD180DA37CBE40A77432C0A366C80C3', normalized: null, hash: '06a240d11cc201676da976f7b49341181fd180da37cbe40a77432c0a366c80c3' },
  { source: 'M', field: 'phone', platform: 'meta', raw: '758fbf68945f21c416814c539ab578876c8d98fb69e6da692def92cd52417fe0', normalized: null, hash: '758fbf68945f21c416814c539ab578876c8d98fb69e6da692def92cd52417fe0' },
];

describe('identity vectors', () => {
  it.each(V.map((v) => [`${v.source} ${v.platform} ${v.field} ${JSON.stringify(v.raw)}`, v] as const))('%s', (_label, v) => {
    if (v.normalized !== null) expect(normalizeFor(v.field, v.raw, v.platform, v.country)).toBe(v.normalized);
    expect(hashField(v.field, v.raw, v.platform, v.country)).toBe(v.hash);
  });

  it('has at least 30 vectors', () => expect(V.length).toBeGreaterThanOrEqual(30));

  it.each([
    ['email', 'not-an-email', undefined],
    ['email', 'a@b', undefined],
    ['email', 'two words@example.com', undefined],
    ['phone', '12345', 'US'],
    ['phone', '+1 555 0100', undefined],
    ['phone', 'call me', 'US'],
    ['phone', '4155552671', undefined],
  ] as const)('refuses %s %j with an IdentityError, never a hash', (field, raw, country) => {
    for (const platform of ['google', 'meta'] as const) {
      expect(() => hashField(field, raw, platform, country)).toThrow(IdentityError);
    }
  });

  it('does not treat a 10-digit UK number as American when the default country is GB (original plan bug)', () => {
    expect(normalizeFor('phone', '2079460958', 'google', 'GB')).toBe('+442079460958');
  });

  it('hashIdentity fills all eight columns with the right platform variants', () => {
    const hashes = hashIdentity({ email: 'John.Doe@Gmail.com', phone: '(415) 555-2671', firstName: 'Jean-Luc', lastName: "O'Brien" }, 'US');
    expect(hashes).toEqual({
      user_email_hash: '06a240d11cc201676da976f7b49341181fd180da37cbe40a77432c0a366c80c3',
      meta_email_hash: '375320dd9ae7ed408002f3768e16cb5f28c861062fd50dff9a3bff62e9dce4ef',
      user_phone_hash: 'cb6880e416769253645cb9c6b8989154bf66a56a77fc14c81fb1019663cbb928',
      meta_phone_hash: '758fbf68945f21c416814c539ab578876c8d98fb69e6da692def92cd52417fe0',
      user_first_name_hash: '541459444b713dcbea4a267a8135219e7b6aadf83437691eb4ad6d72dfaba804',
      meta_first_name_hash: '7fef38066db9900f992fa9926eea8cc648f44c2af50c4d511c415422196c8ef5',
      user_last_name_hash: '65b87174be3b1b122e2b0929f0b84888637d31a4a83bb96a860bcff411f5e668',
      meta_last_name_hash: 'b4cb6cb33fe4b865868de825023a1e2790dc12ac01ecc8d7c5afe8254071c8ba',
    });
    expect(hashIdentity({ email: '', phone: null, firstName: '  ' })).toEqual(
      expect.objectContaining({ user_email_hash: null, user_phone_hash: null, meta_first_name_hash: null }),
    );
  });
});

const localPart = fc.stringMatching(/^[a-zA-Z0-9][a-zA-Z0-9.+_-]{0,20}$/);
const domain = fc.constantFrom('gmail.com', 'GoogleMail.com', 'example.com', 'Shop.Example.CO.UK');
const emailArb = fc.tuple(localPart, domain).map(([local, host]) => `${local}@${host}`);
const nameArb = fc.string({ maxLength: 30 });
const platformArb = fc.constantFrom<Platform>('google', 'meta');

describe('identity properties', () => {
  it('email normalization is idempotent and ignores case and surrounding whitespace', () => {
    fc.assert(
      fc.property(emailArb, platformArb, fc.constantFrom('', ' ', '\t', '  \n'), (email, platform, pad) => {
        const once = normalizeFor('email', email, platform)!;
        expect(normalizeFor('email', once, platform)).toBe(once);
        expect(normalizeFor('email', `${pad}${email.toUpperCase()}${pad}`, platform)).toBe(once);
        expect(hashField('email', `${pad}${email.toUpperCase()}`, platform)).toBe(hashField('email', email.toLowerCase(), platform));
      }),
    );
  });

  it('name normalization is idempotent', () => {
    fc.assert(
      fc.property(nameArb, platformArb, (name, platform) => {
        const once = normalizeFor('first_name', name, platform);
        if (once !== null) expect(normalizeFor('first_name', once, platform)).toBe(once);
      }),
    );
  });

  it('a hash is always 64 lowercase hex characters or null', () => {
    fc.assert(
      fc.property(fc.oneof(emailArb, nameArb), platformArb, (value, platform) => {
        for (const field of ['email', 'first_name', 'last_name'] as const) {
          let hash: string | null;
          try {
            hash = hashField(field, value, platform);
          } catch (error) {
            expect(error).toBeInstanceOf(IdentityError);
            continue;
          }
          if (hash !== null) expect(hash).toMatch(/^[0-9a-f]{64}$/);
        }
      }),
    );
  });
});
