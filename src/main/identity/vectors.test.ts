import { describe, expect, it } from 'vitest';
import { hashForLookup, hashIdentity, IdentityError, normalizeFor, type IdentityColumns, type IdentityField, type Platform, type RawIdentity } from './index';
import { COLUMN } from './peer/run';

/**
 * Known vectors: expected hashes are literal SHA-256 digests computed outside the code under test
 * (`printf '%s' value | sha256sum`); for Google's region and postal code (sent in clear) the "hash" is the clear value.
 * Sources of the rules:
 *  G  = Google Ads enhanced conversions "normalize and hash" rules
 *       https://developers.google.com/google-ads/api/docs/conversions/enhanced-conversions/leads#normalize_and_hash
 *  D  = Data Manager formatting guide https://developers.google.com/data-manager/api/devguides/concepts/formatting and its
 *       client libraries (googleads/data-manager-node util/src/formatter.ts)
 *  M  = Meta Conversions API customer information parameters
 *       https://developers.facebook.com/docs/marketing-api/conversions-api/parameters/customer-information-parameters
 *  C  = Meta capi-param-builder (facebook/capi-param-builder nodejs/capi-param-builder/src/piiUtil)
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

const RAW_KEY: Record<IdentityField, keyof RawIdentity> = {
  email: 'email',
  phone: 'phone',
  first_name: 'firstName',
  last_name: 'lastName',
  city: 'city',
  state: 'state',
  zip: 'zip',
  country: 'country',
  date_of_birth: 'dateOfBirth',
  gender: 'gender',
  external_id: 'externalId',
};


/** One field through hashIdentity, the import's entry point; the pre-hashed platform is the vector's platform. */
function hashOne(field: IdentityField, raw: string, platform: Platform, country?: string): string | null {
  const { columns } = hashIdentity({ [RAW_KEY[field]]: raw }, { defaultCountry: country, prehashedPlatform: platform });
  return columns[COLUMN[platform][field]!];
}

const V: Vector[] = [
  // email
  { source: 'G', field: 'email', platform: 'google', raw: ' John.Doe@Gmail.com ', normalized: 'johndoe@gmail.com', hash: '06a240d11cc201676da976f7b49341181fd180da37cbe40a77432c0a366c80c3' },
  { source: 'M', field: 'email', platform: 'meta', raw: ' John.Doe@Gmail.com ', normalized: 'john.doe@gmail.com', hash: '375320dd9ae7ed408002f3768e16cb5f28c861062fd50dff9a3bff62e9dce4ef' },
  // Corrected (issue 11/17): Data Manager drops a gmail '+suffix' (data-manager-node d5e833e; formatting guide 2026).
  { source: 'D', field: 'email', platform: 'google', raw: 'jane+promo@gmail.com', normalized: 'jane@gmail.com', hash: '988b074286b20c503e3015c2076533f3bf4ce5ca6f8a507ab52c2e0f98d620b7' },
  { source: 'D', field: 'email', platform: 'google', raw: 'Cloudy.SanFrancisco+shopping@gmail.com', normalized: 'cloudysanfrancisco@gmail.com', hash: '223ebda6f6889b1494551ba902d9d381daf2f642bae055888e96343d53e9f9c4' },
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
  // Corrected (issue 17): capi-param-builder removes inner whitespace from names.
  { source: 'C', field: 'first_name', platform: 'meta', raw: ' José  María. ', normalized: 'josémaría', hash: 'a6a9049d39c4dd1cc332a44c64da6e6ce99e4ddbc1e9b6595e7f7bad60ef5ef6' },
  { source: 'C', field: 'first_name', platform: 'meta', raw: 'Mary ❤️', normalized: 'mary❤️', hash: 'add8c66e66f4d7e1c1475d08c649d5c2c34c57cb3cd406b68968bd60bfd8f733' },
  { source: 'C', field: 'phone', platform: 'meta', raw: '447911123456', country: 'US', normalized: '447911123456', hash: '40b5c38342a9c584ec707e8679b003f8c779c6aaa138c976ef94e049cc05208f' },
  { source: 'D', field: 'phone', platform: 'google', raw: '447911123456', country: 'US', normalized: '+447911123456', hash: '20b18ac9de7b3aad174961827d8e451c410af9aedfd1d699927f4b29b81aa1fa' },
  { source: 'M', field: 'zip', platform: 'meta', raw: 'K1A 0A6', normalized: 'k1a0a6', hash: '88bb605b795a6637a208420a8fb91caff1c1d332a5a218cabf16d3e88d905b2d' },
  { source: 'C', field: 'country', platform: 'meta', raw: 'United States', normalized: 'us', hash: '79adb2a2fce5c6ba215fe5f27f532d4e7edbac4b6a5e09e1ef3a08084a904621' },
  { source: 'D', field: 'country', platform: 'google', raw: ' us ', normalized: 'US', hash: 'US' },
  { source: 'D', field: 'zip', platform: 'google', raw: ' 94045 ', normalized: '94045', hash: '94045' },
  { source: 'C', field: 'gender', platform: 'meta', raw: 'Female', normalized: 'f', hash: '252f10c83610ebca1a059c0bae8255eba2f95be4d1d7bcfa89d7248a82d9f111' },
  { source: 'C', field: 'date_of_birth', platform: 'meta', raw: '01/31/1990', normalized: '19900131', hash: '267b39628557f31a6766b3d7f8823978c276759be4a5c9c52bf868d802ba5a0d' },
  { source: 'C', field: 'city', platform: 'meta', raw: 'Seattle', normalized: 'seattle', hash: '3151a8f227c0e11fd9a7fd1aa24ebfee734503dea095c22c3b2fae09d62eeb25' },
  { source: 'C', field: 'state', platform: 'meta', raw: 'California', normalized: 'ca', hash: '6959097001d10501ac7d54c0bdb8db61420f658f2922cc26e46d536119a31126' },
  { source: 'C', field: 'external_id', platform: 'meta', raw: ' CUST-42 ', normalized: 'cust-42', hash: '8a3c5a67cad508582b5edf6b8352cea3ffbad7f44812c1a736b4444c0f5746aa' },
  { source: 'G', field: 'last_name', platform: 'google', raw: 'MÜLLER', normalized: 'müller', hash: '2dbd218072117713f2d5996a726a9b216ed791ffd0783b6ba4ab6d61b8333192' },
  { source: 'M', field: 'last_name', platform: 'meta', raw: 'Müller', normalized: 'müller', hash: '2dbd218072117713f2d5996a726a9b216ed791ffd0783b6ba4ab6d61b8333192' },
  // pre-hashed passthrough for the pre-hashed platform (uppercase input lowercased, not hashed again)
  { source: 'G', field: 'email', platform: 'google', raw: '06A240D11CC201676DA976F7B49341181FD180DA37CBE40A77432C0A366C80C3', normalized: null, hash: '06a240d11cc201676da976f7b49341181fd180da37cbe40a77432c0a366c80c3' },
  { source: 'M', field: 'phone', platform: 'meta', raw: '758fbf68945f21c416814c539ab578876c8d98fb69e6da692def92cd52417fe0', normalized: null, hash: '758fbf68945f21c416814c539ab578876c8d98fb69e6da692def92cd52417fe0' },
];

describe('identity vectors', () => {
  it.each(V.map((v) => [`${v.source} ${v.platform} ${v.field} ${JSON.stringify(v.raw)}`, v] as const))('%s', (_label, v) => {
    if (v.normalized !== null) expect(normalizeFor(v.field, v.raw, v.platform, v.country)).toBe(v.normalized);
    expect(hashOne(v.field, v.raw, v.platform, v.country)).toBe(v.hash);
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
      expect(() => normalizeFor(field, raw, platform, country)).toThrow(IdentityError);
      expect(hashOne(field, raw, platform, country)).toBeNull();
    }
    const { problems } = hashIdentity({ [RAW_KEY[field]]: raw }, { defaultCountry: country });
    expect(problems).toEqual([expect.objectContaining({ field, platform: 'both' })]);
  });

  it('does not treat a 10-digit UK number as American when the default country is GB (original plan bug)', () => {
    expect(normalizeFor('phone', '2079460958', 'google', 'GB')).toBe('+442079460958');
  });

  it('hashIdentity fills every platform column, hashing each variant, with no problem for valid values', () => {
    const result = hashIdentity(
      { email: 'John.Doe@Gmail.com', phone: '(415) 555-2671', firstName: 'Jean-Luc', lastName: "O'Brien", country: 'us', zip: '94045', city: 'Seattle' },
      { defaultCountry: 'US' },
    );
    expect(result.problems).toEqual([]);
    expect(result.columns).toEqual({
      user_email_hash: '06a240d11cc201676da976f7b49341181fd180da37cbe40a77432c0a366c80c3',
      meta_email_hash: '375320dd9ae7ed408002f3768e16cb5f28c861062fd50dff9a3bff62e9dce4ef',
      user_phone_hash: 'cb6880e416769253645cb9c6b8989154bf66a56a77fc14c81fb1019663cbb928',
      meta_phone_hash: '758fbf68945f21c416814c539ab578876c8d98fb69e6da692def92cd52417fe0',
      user_first_name_hash: '541459444b713dcbea4a267a8135219e7b6aadf83437691eb4ad6d72dfaba804',
      meta_first_name_hash: '7fef38066db9900f992fa9926eea8cc648f44c2af50c4d511c415422196c8ef5',
      user_last_name_hash: '65b87174be3b1b122e2b0929f0b84888637d31a4a83bb96a860bcff411f5e668',
      meta_last_name_hash: 'b4cb6cb33fe4b865868de825023a1e2790dc12ac01ecc8d7c5afe8254071c8ba',
      meta_city_hash: '3151a8f227c0e11fd9a7fd1aa24ebfee734503dea095c22c3b2fae09d62eeb25',
      meta_state_hash: null,
      meta_zip_hash: '7d2d33fb3ea552a80a8c01bf717fdade8c601e84e456f3a3cfc4170c49ff7993',
      meta_country_hash: '79adb2a2fce5c6ba215fe5f27f532d4e7edbac4b6a5e09e1ef3a08084a904621',
      meta_dob_hash: null,
      meta_gender_hash: null,
      meta_external_id_hash: null,
      google_region_code: 'US',
      google_postal_code: '94045',
    });
    const blank = hashIdentity({ email: '', phone: null, firstName: '  ', zip: '\t' });
    expect(blank.problems).toEqual([]);
    expect(Object.values(blank.columns).every((value) => value === null)).toBe(true);
  });

  it('reports every problem of a row, per platform, and keeps what each platform can use', () => {
    const { columns, problems } = hashIdentity({ email: 'test..x@example.com', phone: '12345', firstName: 'Mr.', lastName: '!!!', country: 'Narnia', gender: 'x' }, { defaultCountry: 'US' });
    // Google's libraries accept consecutive dots; Meta's builder refuses them.
    expect(columns.user_email_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(columns.meta_email_hash).toBeNull();
    // Meta keeps "mr" (it strips punctuation only); Google refuses a bare title.
    expect(columns.meta_first_name_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(columns.user_first_name_hash).toBeNull();
    expect(problems.map((p) => `${p.field}/${p.platform}`).sort()).toEqual(
      ['country/both', 'email/meta', 'first_name/google', 'gender/meta', 'last_name/meta', 'phone/both'].sort(),
    );
  });

  it('stores a pre-hashed value only for the platform that produced it, and says why for the other', () => {
    const digest = '06a240d11cc201676da976f7b49341181fd180da37cbe40a77432c0a366c80c3';
    const forGoogle = hashIdentity({ email: digest.toUpperCase() }, { prehashedPlatform: 'google' });
    expect(forGoogle.columns.user_email_hash).toBe(digest);
    expect(forGoogle.columns.meta_email_hash).toBeNull();
    expect(forGoogle.problems).toEqual([{ field: 'email', platform: 'meta', reason: expect.stringContaining('Google’s rules') }]);
    const unknown = hashIdentity({ phone: digest }, {});
    expect(unknown.columns.user_phone_hash).toBeNull();
    expect(unknown.columns.meta_phone_hash).toBeNull();
    expect(unknown.problems).toEqual([{ field: 'phone', platform: 'both', reason: expect.stringContaining('stored for neither') }]);
  });

  it('reads a 32-hex value as MD5: kept for Meta when Meta hashed it, never for Google; a hex external id is kept as given', () => {
    const md5 = '5D41402ABC4B2A76B9719D911017C592';
    const meta = hashIdentity({ email: md5, lastName: md5, externalId: md5 }, { prehashedPlatform: 'meta' });
    expect(meta.columns.meta_email_hash).toBe(md5.toLowerCase());
    expect(meta.columns.meta_last_name_hash).toBe(md5.toLowerCase());
    expect(meta.columns.user_email_hash).toBeNull();
    expect(meta.columns.meta_external_id_hash).toBe(md5.toLowerCase());
    expect(meta.problems.map((p) => `${p.field}/${p.platform}`)).toEqual(['email/google', 'last_name/google']);
    const google = hashIdentity({ email: md5 }, { prehashedPlatform: 'google' });
    expect(google.columns.user_email_hash).toBeNull();
    expect(google.problems.map((p) => p.platform)).toEqual(['both']);
  });

  it('never sends a hashed or implausible postal code in clear to Google', () => {
    const { columns, problems } = hashIdentity({ zip: '12 Baker Street, London', country: 'a665a45920422f9d417e4867efdc4fb8a04a1f3fff1fa07e998e86f7f7a27ae3' }, { prehashedPlatform: 'meta' });
    expect(columns.google_postal_code).toBeNull();
    expect(columns.google_region_code).toBeNull();
    expect(columns.meta_country_hash).toBe('a665a45920422f9d417e4867efdc4fb8a04a1f3fff1fa07e998e86f7f7a27ae3');
    expect(problems.map((p) => `${p.field}/${p.platform}`)).toEqual(['zip/google', 'country/google']);
  });

  it('hashForLookup gives every platform variant of a typed email or phone', () => {
    expect(hashForLookup('email', ' John.Doe+x@Gmail.com ').sort()).toEqual(
      ['06a240d11cc201676da976f7b49341181fd180da37cbe40a77432c0a366c80c3', '86500804d4aa2249bdf6687587eb061a86264d1e81d5a5c4750c88b2ec2d9093'].sort(),
    );
    expect(hashForLookup('phone', '(415) 555-2671', 'US').sort()).toEqual(
      ['cb6880e416769253645cb9c6b8989154bf66a56a77fc14c81fb1019663cbb928', '758fbf68945f21c416814c539ab578876c8d98fb69e6da692def92cd52417fe0'].sort(),
    );
    expect(hashForLookup('email', 'a665a45920422f9d417e4867efdc4fb8a04a1f3fff1fa07e998e86f7f7a27ae3')).toEqual(['a665a45920422f9d417e4867efdc4fb8a04a1f3fff1fa07e998e86f7f7a27ae3']);
    expect(hashForLookup('phone', 'call me', 'US')).toEqual([]);
  });
});
