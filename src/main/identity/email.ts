import { IdentityError } from './types';

/**
 * Email rules.
 * Google: Data Manager formatting guide (developers.google.com/data-manager/api/devguides/concepts/formatting) and its
 *   client libraries (googleads/data-manager-node util/src/formatter.ts formatEmailAddress): trim, lowercase, exactly one
 *   '@', no whitespace, non-empty name; for gmail.com / googlemail.com drop any '+suffix' and every '.' of the name, which
 *   must stay non-empty. Beyond the libraries we also require a dotted domain (a hash of "a@b" matches nobody).
 * Meta: capi-param-builder (facebook/capi-param-builder nodejs/.../piiUtil/emailUtil.js): lowercase, trim, then its
 *   RFC 2822 approximation (copied verbatim, including its `(:?` typo) must match.
 */
const GMAIL_DOMAINS = new Set(['gmail.com', 'googlemail.com']);
const MAX_EMAIL = 254; // RFC 5321 path limit; also bounds the regex below.
const WHITESPACE = /\s/;
// Labels between dots, none empty: linear, no nested quantifiers.
const GOOGLE_DOMAIN = /^[^.]+(?:\.[^.]+)+$/;
// eslint-disable-next-line no-useless-escape
const META_EMAIL = /^[\w!#\$%&'\*\+\/\=\?\^`\{\|\}~\-]+(:?\.[\w!#\$%&'\*\+\/\=\?\^`\{\|\}~\-]+)*@(?:[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?$/i;

function trimmedLower(raw: string): string | null {
  const value = raw.trim().toLowerCase();
  if (!value) return null;
  if (value.length > MAX_EMAIL) throw new IdentityError('email', `is longer than ${MAX_EMAIL} characters`);
  return value;
}

export function googleEmail(raw: string): string | null {
  const value = trimmedLower(raw);
  if (value === null) return null;
  if (WHITESPACE.test(value)) throw new IdentityError('email', 'contains a space');
  const at = value.indexOf('@');
  if (at < 0 || at !== value.lastIndexOf('@')) throw new IdentityError('email', 'is not of the form name@domain');
  let name = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (!name) throw new IdentityError('email', 'has nothing before the @');
  if (!GOOGLE_DOMAIN.test(domain)) throw new IdentityError('email', 'has no valid domain after the @');
  if (GMAIL_DOMAINS.has(domain)) {
    const plus = name.indexOf('+');
    if (plus >= 0) name = name.slice(0, plus);
    name = name.replaceAll('.', '');
    if (!name) throw new IdentityError('email', 'has nothing before the @ once Gmail dots and +suffix are removed');
  }
  return `${name}@${domain}`;
}

export function metaEmail(raw: string): string | null {
  const value = trimmedLower(raw);
  if (value === null) return null;
  if (!META_EMAIL.test(value)) throw new IdentityError('email', 'is not a valid email address');
  return value;
}
