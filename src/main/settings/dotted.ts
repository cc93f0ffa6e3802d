/**
 * Settings as dotted keys (`defaultCountry`, `google.requiredCurrency`,
 * `destinations.lead.googleConversionName`, `conversionNames.Qualified lead.metaEventName`) for the
 * CLI: listing them, and applying `KEY=VALUE` assignments to a whole settings document that is then
 * validated with the settings schema. Pure: no database here.
 */
import { AppSettingsSchema, defaultSettings, type AppSettings } from '../../shared/domain/settings';
import { AppError } from '../../shared/ipc/result';
import { formatIssues } from '../ipc/bind';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Sections whose keys are names the user chooses (a conversion name may itself contain dots). */
const OPEN_RECORDS = new Set(['conversionNames']);
const CONVERSION_NAME_FIELDS = ['googleConversionName', 'metaEventName'];

/** Every leaf of the settings as [dotted key, value]. */
export function flattenSettings(settings: AppSettings): [string, Json][] {
  const out: [string, Json][] = [];
  const walk = (value: Json, path: string) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, child] of Object.entries(value)) walk(child, path ? `${path}.${key}` : key);
    } else out.push([path, value]);
  };
  walk(settings as unknown as Json, '');
  return out;
}

/** The keys `settings set` knows, for error messages (conversion names as a pattern). */
export function knownKeys(): string[] {
  const keys = flattenSettings(defaultSettings()).map(([key]) => key);
  return [...keys, ...CONVERSION_NAME_FIELDS.map((field) => `conversionNames.<name>.${field}`)];
}

function unknownKey(key: string): AppError {
  return new AppError('validation', `Unknown setting "${key}". Settings: ${knownKeys().join(', ')}`);
}

/** The text of a value as typed, turned into the type the setting holds now. */
function typed(key: string, text: string, current: Json | undefined, nullable: boolean): Json | undefined {
  if (typeof current === 'number') {
    const number = Number(text);
    if (text.trim() === '' || !Number.isFinite(number)) throw new AppError('validation', `${key} must be a number, got "${text}"`);
    return number;
  }
  if (typeof current === 'boolean') {
    if (text !== 'true' && text !== 'false') throw new AppError('validation', `${key} must be true or false, got "${text}"`);
    return text === 'true';
  }
  if (nullable && (text === '' || text === 'null')) return null;
  return text;
}

/**
 * Applies assignments to a copy of the settings and validates the result. In a conversion-name
 * mapping an empty value makes that field automatic again and `null` means "not sent there"; for
 * other optional settings an empty value or `null` clears them.
 */
export function applyAssignments(settings: AppSettings, assignments: readonly string[]): AppSettings {
  const next = structuredClone(settings) as unknown as Record<string, Json>;
  for (const assignment of assignments) {
    const at = assignment.indexOf('=');
    if (at <= 0) throw new AppError('validation', `"${assignment}" is not KEY=VALUE (e.g. defaultCountry=FR)`);
    const key = assignment.slice(0, at).trim();
    const text = assignment.slice(at + 1);
    const [section] = key.split('.');
    if (OPEN_RECORDS.has(section!)) {
      const last = key.lastIndexOf('.');
      const name = key.slice(section!.length + 1, last).trim();
      const field = key.slice(last + 1);
      if (last <= section!.length || !name || !CONVERSION_NAME_FIELDS.includes(field)) throw unknownKey(key);
      const record = next[section!] as Record<string, Record<string, Json>>;
      const entry = { ...(Object.hasOwn(record, name) ? record[name] : {}) };
      if (text === '') delete entry[field];
      else entry[field] = text === 'null' ? null : text;
      if (Object.keys(entry).length) record[name] = entry;
      else delete record[name];
      continue;
    }
    const parts = key.split('.');
    let parent: Record<string, Json> = next;
    for (const part of parts.slice(0, -1)) {
      const child = Object.hasOwn(parent, part) ? parent[part] : undefined;
      if (child === null || typeof child !== 'object' || Array.isArray(child)) throw unknownKey(key);
      parent = child as Record<string, Json>;
    }
    const leaf = parts[parts.length - 1]!;
    if (!Object.hasOwn(parent, leaf) || (parent[leaf] !== null && typeof parent[leaf] === 'object')) throw unknownKey(key);
    parent[leaf] = typed(key, text, parent[leaf], isNullable(key))!;
  }
  const parsed = AppSettingsSchema.safeParse(next);
  if (!parsed.success) throw new AppError('validation', `Invalid settings: ${formatIssues(parsed.error.issues)}`);
  return parsed.data;
}

/** Whether the schema accepts null at this key (checked by trying it on the defaults). */
function isNullable(key: string): boolean {
  const probe = structuredClone(defaultSettings()) as unknown as Record<string, Json>;
  const parts = key.split('.');
  let parent = probe;
  for (const part of parts.slice(0, -1)) parent = parent[part] as Record<string, Json>;
  parent[parts[parts.length - 1]!] = null;
  return AppSettingsSchema.safeParse(probe).success;
}
