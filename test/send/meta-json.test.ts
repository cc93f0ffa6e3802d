import { describe, expect, it } from 'vitest';
import type { ExportRow } from '../../src/main/exports/formats';
import { buildMetaEvent, META_HASHED_KEYS, META_PLAIN_KEYS, metaEventJson } from '../../src/main/send/meta/destination';
import { defaultSettings } from '../../src/shared/domain/settings';

// metaEventJson writes the event's JSON directly; it must be byte for byte what
// JSON.stringify(buildMetaEvent(…)) gave, which is what Meta received before.

/** A small deterministic generator (the same rows on every run). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const AWKWARD = ['', 'plain', 'quote " inside', 'back\\slash', 'new\nline\ttab', 'ctrl \u0001\u001f', 'é ü 中文 😀', 'lone \ud800 surrogate', '</script>', '0', ' ', '\u2028 \u007f', 'a'.repeat(64)];

function rows(count: number, seed: number): { row: ExportRow; name: string; ms: number }[] {
  const next = random(seed);
  const pick = <T,>(values: readonly T[]): T => values[Math.floor(next() * values.length)]!;
  const text = () => (next() < 0.3 ? null : next() < 0.5 ? pick(AWKWARD) : next().toString(16).slice(2).padEnd(64, 'f'));
  const out: { row: ExportRow; name: string; ms: number }[] = [];
  for (let i = 0; i < count; i++) {
    const row: Record<string, unknown> = {
      rowid: i + 1,
      id: `id-${i}`,
      event_name: pick(['purchase', 'lead', 'sign_up']),
      event_id: pick([`evt_${i}`, 'evt "quoted"', 'évènement-ü', '']),
      event_time: '2026-11-20T10:00:00.000Z',
      event_value_micros: pick([null, 0, 1, 990_000, 123_456_789, 5_000_000_000_000, -1_500_000]),
      currency: pick(['USD', 'EUR', 'JPY', 'KWD', null, '']),
      transaction_id: pick([null, '', `ORD-${i}`, 'order "7"\n', '注文-1']),
      data_processing_options: pick([null, null, '[]', '["LDU"]', '[ "LDU" ]', '{"a":1}']),
      dpo_country: pick([null, 0, 1, 1000]),
      dpo_state: pick([null, 0, 1000]),
    };
    for (const [, column] of META_HASHED_KEYS) row[column] = text();
    for (const [, column] of META_PLAIN_KEYS) row[column] = text();
    if (next() < 0.05) row.meta_email_hash = 12345;
    out.push({ row: row as ExportRow, name: pick(['Purchase', 'Lead', 'CompleteRegistration', 'Name "q"', 'Käufe']), ms: Math.floor(next() * 2e12) + pick([0, 999, -1]) });
  }
  return out;
}

describe('metaEventJson (the Meta event written directly)', () => {
  it('is byte for byte JSON.stringify(buildMetaEvent(…)) on varied rows', () => {
    const settingsList = [defaultSettings(), { ...defaultSettings(), meta: { ...defaultSettings().meta, actionSource: 'website' as const } }];
    let compared = 0;
    for (const settings of settingsList) {
      for (const { row, name, ms } of rows(4000, compared + 7)) {
        const expected = JSON.stringify(buildMetaEvent(row, name, ms, settings));
        expect(metaEventJson(row, name, ms, settings)).toBe(expected);
        compared++;
      }
    }
    expect(compared).toBe(8000);
  });

  it('covers every key: all identifiers, value, order id and data processing options present', () => {
    const settings = defaultSettings();
    const row: Record<string, unknown> = { event_id: 'e1', currency: 'EUR', event_value_micros: 12_340_000, transaction_id: 'O-1', data_processing_options: '["LDU"]', dpo_country: 1, dpo_state: 1000 };
    for (const [, column] of [...META_HASHED_KEYS, ...META_PLAIN_KEYS]) row[column] = `v-${column}`;
    const json = metaEventJson(row as ExportRow, 'Purchase', 1_764_000_000_500, settings);
    expect(json).toBe(JSON.stringify(buildMetaEvent(row as ExportRow, 'Purchase', 1_764_000_000_500, settings)));
    const parsed = JSON.parse(json) as { user_data: Record<string, unknown>; custom_data: Record<string, unknown>; event_time: number };
    expect(Object.keys(parsed.user_data)).toHaveLength(META_HASHED_KEYS.length + META_PLAIN_KEYS.length);
    expect(parsed.custom_data).toEqual({ currency: 'EUR', value: 12.34, order_id: 'O-1' });
    expect(parsed.event_time).toBe(1_764_000_000);
    expect(json.endsWith(',"data_processing_options":["LDU"],"data_processing_options_country":1,"data_processing_options_state":1000}')).toBe(true);
  });
});
