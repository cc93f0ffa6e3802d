/**
 * Review search (issue 15 item 9): the typed text finds events by event id or order id (a prefix, with
 * or without the '#' shops put before order numbers), and by email or phone. An email or phone is
 * normalized and hashed here in main with each platform's rules (identity hashForLookup) and matched
 * against the stored hashes through the lookup indexes of migration 0018. The typed value never leaves
 * main and is never stored; only its hashes go into the query's parameters.
 */
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { EventFilterParsed } from '../../shared/domain/filters';
import type { Sqlite } from '../db/connection';
import { k as compiler } from '../db/query';
import type { DB } from '../db/schema';
import { getSettings } from '../settings/service';
import { hashForLookup } from '../identity';
import type { SqlFragment } from './filter-repo';

/** What a search text looks for: id prefixes and, for an email or phone, the hashes it may be stored under. */
export interface SearchKeys {
  prefixes: string[];
  emailHashes: string[];
  phoneHashes: string[];
}

const EMAIL_LIKE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** Digits with the usual phone punctuation, at least 6 digits, no letters. */
const PHONE_LIKE = /^\+?[\d\s().\-/]+$/;

export function looksLikeEmail(text: string): boolean {
  return EMAIL_LIKE.test(text.trim());
}

export function looksLikePhone(text: string): boolean {
  const t = text.trim();
  return PHONE_LIKE.test(t) && t.replace(/\D/g, '').length >= 6;
}

export function searchKeys(text: string, defaultCountry: string | undefined): SearchKeys {
  const t = text.trim();
  const prefixes = [t];
  // Shops write order numbers as "#1001": typing 1001 finds it.
  if (t && !t.startsWith('#')) prefixes.push(`#${t}`);
  const emailHashes = looksLikeEmail(t) ? hashForLookup('email', t, defaultCountry) : [];
  let phoneHashes: string[] = [];
  if (looksLikePhone(t)) {
    try {
      phoneHashes = hashForLookup('phone', t, defaultCountry);
    } catch {
      phoneHashes = [];
    }
  }
  return { prefixes, emailHashes, phoneHashes };
}

const LOOKUP = {
  email: sql<string>`substr(coalesce(meta_email_hash, user_email_hash), 1, 16)`,
  phone: sql<string>`substr(coalesce(meta_phone_hash, user_phone_hash), 1, 16)`,
} as const;

const MAX = '\u{10FFFF}';

export function searchExpression(eb: ExpressionBuilder<DB, 'conversion_events'>, keys: SearchKeys): Expression<SqlBool> {
  const terms: Expression<SqlBool>[] = [];
  for (const column of ['event_id', 'transaction_id'] as const) {
    for (const prefix of keys.prefixes) terms.push(eb.and([eb(column, '>=', prefix), eb(column, '<', prefix + MAX)]));
  }
  const hashed = (kind: 'email' | 'phone', hashes: string[]) => {
    if (hashes.length === 0) return;
    const [meta, google] = kind === 'email' ? (['meta_email_hash', 'user_email_hash'] as const) : (['meta_phone_hash', 'user_phone_hash'] as const);
    const heads = [...new Set(hashes.map((h) => h.slice(0, 16)))];
    terms.push(eb.and([eb(LOOKUP[kind], 'in', heads), eb.or([eb(meta, 'in', hashes), eb(google, 'in', hashes)])]));
  };
  hashed('email', keys.emailHashes);
  hashed('phone', keys.phoneHashes);
  return eb.or(terms);
}


/** The search as a WHERE fragment for filterToWhere. */
export function searchWhere(keys: SearchKeys): SqlFragment {
  const compiled = compiler
    .selectFrom('conversion_events')
    .select('id')
    .where((eb) => searchExpression(eb, keys))
    .compile();
  const at = compiled.sql.indexOf(' where ');
  return { sql: `(${compiled.sql.slice(at + ' where '.length)})`, params: [...compiled.parameters] };
}

/** A filter whose search text was resolved in main (the hashes travel to worker threads; the text is never stored). */
export type SearchResolvedFilter = EventFilterParsed & { searchKeys?: SearchKeys };

export function withSearchKeys<T extends EventFilterParsed>(filter: T, defaultCountry: string | undefined): T & { searchKeys?: SearchKeys } {
  return filter.search ? { ...filter, searchKeys: searchKeys(filter.search, defaultCountry) } : filter;
}

/** The filter with its search resolved on this connection (Settings → Default country reads national phone numbers). */
export function resolveSearch<T extends EventFilterParsed>(db: Sqlite, filter: T): T & { searchKeys?: SearchKeys } {
  if (!filter.search || (filter as SearchResolvedFilter).searchKeys) return filter;
  return withSearchKeys(filter, getSettings(db).defaultCountry);
}
