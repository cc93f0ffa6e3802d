import { AppSettingsPatchSchema, AppSettingsSchema, type AppSettings, type AppSettingsPatch } from '../../shared/domain/settings';
import { AppError } from '../../shared/ipc/result';
import type { Sqlite } from '../db/connection';
import { formatIssues } from '../ipc/bind';
import { settingsValue, storeSettingsValue } from './repo';

const KEY = 'app';

function validate(value: unknown, what: string): AppSettings {
  const parsed = AppSettingsSchema.safeParse(value);
  if (!parsed.success) throw new AppError('validation', `Invalid ${what}: ${formatIssues(parsed.error.issues)}`);
  return parsed.data;
}

/** The stored settings, defaults filled in. A stored document that no longer validates is reported, not silently reset. */
export function getSettings(db: Sqlite): AppSettings {
  const value = settingsValue(db, KEY);
  if (value === undefined) return validate({}, 'settings');
  return validate(JSON.parse(value), 'stored settings');
}

function store(db: Sqlite, settings: AppSettings): AppSettings {
  storeSettingsValue(db, KEY, JSON.stringify(settings));
  return settings;
}

/** Merges a partial update one level deep (per section, per event name), validates the whole and stores it. */
export function updateSettings(db: Sqlite, patchInput: AppSettingsPatch): AppSettings {
  const parsedPatch = AppSettingsPatchSchema.safeParse(patchInput);
  if (!parsedPatch.success) throw new AppError('validation', `Invalid settings update: ${formatIssues(parsedPatch.error.issues)}`);
  const patch = parsedPatch.data;
  return db.transaction(() => {
    const current = getSettings(db);
    const destinations = { ...current.destinations };
    // A cleared text box arrives as "": it means "not mapped" (null).
    const blankToNull = <T extends Record<string, unknown>>(value: T | undefined): T | undefined =>
      value && (Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === 'string' && v.trim() === '' ? null : v])) as T);
    for (const [name, value] of Object.entries(patch.destinations ?? {})) {
      const key = name as keyof typeof destinations;
      destinations[key] = { ...destinations[key], ...blankToNull(value) } as (typeof destinations)[typeof key];
    }
    const conversionNames = { ...current.conversionNames };
    for (const [rawName, entry] of Object.entries(patch.conversionNames ?? {})) {
      const name = rawName.trim();
      if (entry === null) {
        delete conversionNames[name];
        continue;
      }
      const next: Record<string, string | null | undefined> = { ...conversionNames[name] };
      for (const [field, value] of Object.entries(entry)) {
        if (value === undefined) continue;
        if (typeof value === 'string' && value.trim() === '') delete next[field];
        else next[field] = value;
      }
      if (Object.keys(next).length) conversionNames[name] = next;
      else delete conversionNames[name];
    }
    const merged = {
      ...current,
      ...(patch.timeZone !== undefined ? { timeZone: patch.timeZone } : {}),
      ...(patch.defaultCountry !== undefined ? { defaultCountry: patch.defaultCountry } : {}),
      ...(patch.importMaxFileMb !== undefined ? { importMaxFileMb: patch.importMaxFileMb } : {}),
      destinations,
      conversionNames,
      consentDefaults: { ...current.consentDefaults, ...patch.consentDefaults },
      google: { ...current.google, ...blankToNull(patch.google) },
      meta: { ...current.meta, ...blankToNull(patch.meta) },
    };
    return store(db, validate(merged, 'settings'));
  })();
}

export function exportSettingsJson(db: Sqlite): { json: string } {
  return { json: `${JSON.stringify({ convdeskSettings: getSettings(db) }, null, 2)}\n` };
}

/** Accepts the document from exportSettingsJson (or the bare settings object). Missing fields get defaults. */
export function importSettingsJson(db: Sqlite, json: string): AppSettings {
  let document: unknown;
  try {
    document = JSON.parse(json);
  } catch (error) {
    throw new AppError('validation', `The settings file is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new AppError('validation', 'The settings file must contain a JSON object');
  }
  const value = 'convdeskSettings' in document ? (document as { convdeskSettings: unknown }).convdeskSettings : document;
  return store(db, validate(value, 'settings file'));
}
