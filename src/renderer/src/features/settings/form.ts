import { EVENT_NAMES, type Consent, type ConversionEventName } from '../../../../shared/domain/events';
import { AppSettingsSchema, type AppSettings, type AppSettingsPatch } from '../../../../shared/domain/settings';
import { ApiError } from '../../lib/api';

/** The form's values: plain strings (blank = not set). */
export interface SettingsDraft {
  timeZone: string;
  defaultCountry: string;
  importMaxFileMb: string;
  adUserData: Consent;
  adPersonalization: Consent;
  googleCurrency: string;
  metaCurrency: string;
  metaActionSource: AppSettings['meta']['actionSource'];
  destinations: Record<ConversionEventName, { google: string; meta: string }>;
}

/** Field key → message; keys are the settings paths (timeZone, destinations.lead.metaEventName…). */
export type FieldErrors = Record<string, string>;

export function toDraft(settings: AppSettings): SettingsDraft {
  return {
    timeZone: settings.timeZone,
    defaultCountry: settings.defaultCountry,
    importMaxFileMb: String(settings.importMaxFileMb),
    adUserData: settings.consentDefaults.adUserData,
    adPersonalization: settings.consentDefaults.adPersonalization,
    googleCurrency: settings.google.requiredCurrency ?? '',
    metaCurrency: settings.meta.requiredCurrency ?? '',
    metaActionSource: settings.meta.actionSource,
    destinations: Object.fromEntries(
      EVENT_NAMES.map((name) => [name, { google: settings.destinations[name].googleConversionName ?? '', meta: settings.destinations[name].metaEventName ?? '' }]),
    ) as SettingsDraft['destinations'],
  };
}

const orNull = (value: string): string | null => (value.trim() ? value.trim() : null);

/** The whole draft as a settings patch (every field, so the saved document equals the form). */
export function toPatch(draft: SettingsDraft): AppSettingsPatch {
  return {
    timeZone: draft.timeZone.trim(),
    defaultCountry: draft.defaultCountry.trim(),
    importMaxFileMb: Number(draft.importMaxFileMb.trim() || NaN),
    consentDefaults: { adUserData: draft.adUserData, adPersonalization: draft.adPersonalization },
    google: { requiredCurrency: orNull(draft.googleCurrency) },
    meta: { actionSource: draft.metaActionSource, requiredCurrency: orNull(draft.metaCurrency) },
    destinations: Object.fromEntries(
      EVENT_NAMES.map((name) => [name, { googleConversionName: orNull(draft.destinations[name].google), metaEventName: orNull(draft.destinations[name].meta) }]),
    ),
  };
}

const FIELD_LABELS: Record<string, string> = {
  timeZone: 'Account time zone',
  defaultCountry: 'Default country',
  importMaxFileMb: 'Import file size limit',
  'google.requiredCurrency': 'Google Ads account currency',
  'meta.requiredCurrency': 'Meta account currency',
};

const capitalize = (text: string) => (text ? text[0]!.toUpperCase() + text.slice(1) : text);

function messageFor(path: string, message: string): string {
  if (/^Too big|too_big|at most/i.test(message) || /<=\s*\d+/.test(message)) return capitalize(message);
  if (message.startsWith('is ') || message.startsWith('may ')) return `${FIELD_LABELS[path] ?? 'This value'} ${message}.`;
  return capitalize(message);
}

/** Checks the draft with the same schema main uses, so problems show next to their field before saving. */
export function validateDraft(draft: SettingsDraft): FieldErrors {
  const patch = toPatch(draft);
  const candidate = {
    timeZone: patch.timeZone,
    defaultCountry: patch.defaultCountry,
    importMaxFileMb: patch.importMaxFileMb,
    consentDefaults: patch.consentDefaults,
    google: patch.google,
    meta: patch.meta,
    destinations: patch.destinations,
  };
  const parsed = AppSettingsSchema.safeParse(candidate);
  const errors: FieldErrors = {};
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.map(String).join('.');
      if (!errors[path]) errors[path] = messageFor(path, issue.message);
    }
  }
  if (!draft.timeZone.trim()) errors.timeZone = 'Enter the Google Ads account time zone, e.g. America/New_York.';
  return errors;
}

const KNOWN_PATHS = [
  'timeZone',
  'defaultCountry',
  'importMaxFileMb',
  'consentDefaults.adUserData',
  'consentDefaults.adPersonalization',
  'google.requiredCurrency',
  'meta.requiredCurrency',
  'meta.actionSource',
  ...EVENT_NAMES.flatMap((name) => [`destinations.${name}.googleConversionName`, `destinations.${name}.metaEventName`]),
];

/**
 * Field errors from main's answer: the structured issues when present, else the "path message; …"
 * text of the validation error. Whatever cannot be placed next to a field stays in the banner.
 */
export function fieldErrorsFromApi(error: unknown): FieldErrors {
  if (!(error instanceof ApiError) || error.code !== 'validation') return {};
  const errors: FieldErrors = {};
  const details = error.details as { issues?: { path: string; message: string }[] } | undefined;
  for (const issue of details?.issues ?? []) {
    const path = issue.path.replace(/^patch\./, '');
    if (KNOWN_PATHS.includes(path)) errors[path] = messageFor(path, issue.message);
  }
  const text = error.message.replace(/^[^:]*:\s*/, '');
  for (const part of text.split('; ')) {
    const path = KNOWN_PATHS.find((known) => part.startsWith(`${known} `));
    if (path && !errors[path]) errors[path] = messageFor(path, part.slice(path.length + 1));
  }
  return errors;
}

export function timeZoneNames(): string[] {
  try {
    return (Intl as unknown as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  } catch {
    return [];
  }
}
