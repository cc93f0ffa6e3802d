/**
 * The match keys of stored events, as Kysely expressions: the pre-flight's "can Google / Meta match
 * this event" rule and the per-key fill counts of an import's report (issue 15 item 1). The same rules
 * as src/main/imports/match-quality.ts applies to a file's sample before import.
 */
import { type AliasedExpression, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import { MATCH_KEYS, type MatchKey, type MatchQuality } from '../../shared/domain/match-quality';
import type { DB } from '../db/schema';

type EB = ExpressionBuilder<DB, 'conversion_events'>;
type Column = keyof DB['conversion_events'];

const set = (eb: EB, c: Column) => eb(c, 'is not', null);
const all = (eb: EB, ...cs: Column[]) => eb.and(cs.map((c) => set(eb, c)));
const any = (eb: EB, ...cs: Column[]) => eb.or(cs.map((c) => set(eb, c)));

/** Google's name-with-address key: first and last name hashed, region and postal code. */
export const googleNameAddress = (eb: EB) => all(eb, 'user_first_name_hash', 'user_last_name_hash', 'google_region_code', 'google_postal_code');

/** Whether Google / Meta have anything to match an event on (the export's rules, checked at import). */
export function matchKeys(eb: EB) {
  const google = eb.or([any(eb, 'gclid', 'gbraid', 'wbraid', 'user_email_hash', 'user_phone_hash'), googleNameAddress(eb)]);
  const meta = eb.or([
    any(eb, 'meta_email_hash', 'meta_phone_hash', 'meta_external_id_hash', 'fbc', 'fbp'),
    eb.and([all(eb, 'meta_first_name_hash', 'meta_last_name_hash'), any(eb, 'meta_zip_hash', 'meta_city_hash', 'meta_dob_hash')]),
    all(eb, 'user_ip', 'user_agent'),
  ]);
  return { google, meta };
}

function keyRules(eb: EB): Record<MatchKey, { google: Expression<SqlBool> | null; meta: Expression<SqlBool> | null }> {
  return {
    email: { google: set(eb, 'user_email_hash'), meta: set(eb, 'meta_email_hash') },
    phone: { google: set(eb, 'user_phone_hash'), meta: set(eb, 'meta_phone_hash') },
    name: { google: all(eb, 'user_first_name_hash', 'user_last_name_hash'), meta: all(eb, 'meta_first_name_hash', 'meta_last_name_hash') },
    address: { google: all(eb, 'google_region_code', 'google_postal_code'), meta: any(eb, 'meta_zip_hash', 'meta_city_hash', 'meta_state_hash', 'meta_country_hash') },
    click_id: { google: any(eb, 'gclid', 'gbraid', 'wbraid'), meta: any(eb, 'fbc', 'fbp') },
    external_id: { google: null, meta: set(eb, 'meta_external_id_hash') },
    ip_agent: { google: null, meta: all(eb, 'user_ip', 'user_agent') },
  };
}

const count = (eb: EB, condition: Expression<SqlBool>) => eb.fn.sum<number>(eb.case().when(condition).then(1).else(0).end());

/** Select items counting, over the selected events, every key per platform and the matchable / strong events. */
export function qualitySelections(eb: EB) {
  const rules = keyRules(eb);
  const { google, meta } = matchKeys(eb);
  const googleStrong = any(eb, 'gclid', 'gbraid', 'wbraid', 'user_email_hash', 'user_phone_hash');
  const metaStrong = any(eb, 'fbc', 'meta_email_hash', 'meta_phone_hash', 'meta_external_id_hash');
  const items: AliasedExpression<number, string>[] = [
    eb.fn.countAll<number>().as('q_rows'),
    count(eb, google).as('q_google_can'),
    count(eb, eb.and([google, googleStrong])).as('q_google_strong'),
    count(eb, meta).as('q_meta_can'),
    count(eb, eb.and([meta, metaStrong])).as('q_meta_strong'),
  ];
  for (const key of MATCH_KEYS) {
    const rule = rules[key];
    if (rule.google) items.push(count(eb, rule.google).as(`q_${key}_google`));
    if (rule.meta) items.push(count(eb, rule.meta).as(`q_${key}_meta`));
  }
  return items;
}

/** The quality figures from a row selected with qualitySelections. */
export function qualityFromRow(row: Record<string, number | null | undefined>): MatchQuality {
  const n = (name: string) => Number(row[name] ?? 0);
  return {
    rows: n('q_rows'),
    keys: MATCH_KEYS.map((key) => ({
      key,
      google: `q_${key}_google` in row ? n(`q_${key}_google`) : null,
      meta: `q_${key}_meta` in row ? n(`q_${key}_meta`) : null,
    })),
    google: { canMatch: n('q_google_can'), strong: n('q_google_strong') },
    meta: { canMatch: n('q_meta_can'), strong: n('q_meta_strong') },
  };
}
