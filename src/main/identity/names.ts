import { IdentityError } from './types';

type NameField = 'first_name' | 'last_name';

/**
 * Decision: names longer than 200 characters (after normalization) are refused, not hashed. The references accept any
 * length (capi-param-builder vectors hash 1,000 'A's); no real first or last name comes near 200 characters, and a value
 * that long almost always means a wrong column was mapped (an address, a note) — hashing it would match nobody and say
 * nothing. The cap also bounds the suffix regex below.
 */
export const MAX_NAME = 200;

// googleads/data-manager-node formatter.ts formatGivenName: the prefix is removed only at the start (node anchors its
// regex; the java/php/.NET libraries remove "dr." anywhere — vectors 2486/2487 are flagged as that conflict; we follow
// node, since "Alex Dr." is more likely a name than a title).
const GIVEN_NAME_PREFIX = /^(?:mr|mrs|ms|dr)\.(?:\s|$)/;
// formatFamilyName: suffixes removed repeatedly from the end ("quinn, jr. dds" → "quinn").
const FAMILY_NAME_SUFFIX = /(?:,\s*|\s+)(?:jr\.?|sr\.?|2nd|3rd|ii|iii|iv|v|vi|cpa|dc|dds|vm|jd|md|phd)\s?$/;
const HAS_SEPARATOR = /[\s,]/;
// capi-param-builder commonUtil.js STRIP_WHITESPACE_AND_PUNCTUATION_REGEX: ASCII punctuation and (Unicode) whitespace
// only, so "Mary–Jane" keeps its en dash and emoji with their variation selectors stay, as the reference keeps them.
const META_STRIP = /[!"#$%&'()*+,\-./:;<=>?@ [\\\]^_`{|}~\s]+/g;

function capped(field: NameField, value: string): string {
  if (value.length > MAX_NAME) throw new IdentityError(field, `is longer than ${MAX_NAME} characters (is the right column mapped?)`);
  return value;
}

/** NFC first so that a decomposed "é" and a composed one hash alike (the references hash the bytes as given). */
function prepared(raw: string, field: NameField): string {
  const value = raw.trim();
  // Bound the work before any regex: even with padding, a name this long is refused.
  if (value.length > MAX_NAME * 4) throw new IdentityError(field, `is longer than ${MAX_NAME} characters (is the right column mapped?)`);
  return value.normalize('NFC').toLowerCase();
}

export function googleName(raw: string, field: NameField): string | null {
  let value = prepared(raw, field);
  if (!value) return null;
  if (field === 'first_name') {
    value = value.replace(GIVEN_NAME_PREFIX, '').trim();
    if (!value) throw new IdentityError(field, 'is only a title (Mr., Mrs., Ms., Dr.)');
  } else {
    // A suffix follows a comma or a space: one-word names (the common case) skip the regex.
    if (HAS_SEPARATOR.test(value)) while (FAMILY_NAME_SUFFIX.test(value)) value = value.replace(FAMILY_NAME_SUFFIX, '');
    value = value.trim();
    if (!value) throw new IdentityError(field, 'is only a suffix (Jr., Sr., III, DDS…)');
  }
  return capped(field, value);
}

export function metaName(raw: string, field: NameField): string | null {
  if (!raw.trim()) return null;
  const value = prepared(raw, field).replace(META_STRIP, '');
  if (!value) throw new IdentityError(field, 'has no letters or digits');
  return capped(field, value);
}
