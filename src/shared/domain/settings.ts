import { z } from 'zod';
import { isIsoCurrency } from './currencies';
import { ConversionNameSchema } from './conversion-names';
import { ConsentSchema, EVENT_NAMES, type ConversionEventName } from './events';

/** True when the runtime's Intl knows this IANA time zone (e.g. "Europe/Berlin"). */
export function isValidTimeZone(zone: string): boolean {
  if (!zone || zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const TimeZoneSchema = z
  .string()
  .trim()
  .refine(isValidTimeZone, { message: 'is not an IANA time zone (e.g. America/New_York, Europe/Berlin, UTC)' });

const OptionalCurrencySchema = z
  .string()
  .trim()
  .transform((value) => value.toUpperCase())
  .refine(isIsoCurrency, { message: 'is not an ISO 4217 currency code' })
  .nullable();

/**
 * Google Ads: the conversion action's name exactly as in Google Ads (the upload's "Conversion Name").
 * Meta: a standard event name (Purchase, Lead…) or a custom one. null = this event is not sent there.
 */
const GoogleActionNameSchema = z.string().trim().min(1).max(100);
const MetaEventNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(50)
  .regex(/^[A-Za-z0-9_ -]+$/, 'may only contain letters, digits, space, _ and -');

export const EventDestinationSchema = z
  .object({
    googleConversionName: GoogleActionNameSchema.nullable().default(null),
    metaEventName: MetaEventNameSchema.nullable().default(null),
  })
  .strict();
export type EventDestination = z.infer<typeof EventDestinationSchema>;

/**
 * Where one conversion name goes, overriding the automatic choice (destinations.ts): a field left out
 * = automatic, a name = that conversion action / Meta event, null = not sent to that platform.
 */
export const ConversionNameDestinationSchema = z
  .object({
    googleConversionName: GoogleActionNameSchema.nullable().optional(),
    metaEventName: MetaEventNameSchema.nullable().optional(),
  })
  .strict();
export type ConversionNameDestination = z.infer<typeof ConversionNameDestinationSchema>;

/** Meta's action_source values that fit offline conversions (Conversions API "Server Event Parameters"). */
export const META_ACTION_SOURCES = ['physical_store', 'system_generated', 'phone_call', 'email', 'chat', 'website', 'other'] as const;

const DEFAULT_META_EVENTS: Record<ConversionEventName, string | null> = {
  purchase: 'Purchase',
  lead: 'Lead',
  signup: 'CompleteRegistration',
  add_to_cart: 'AddToCart',
  page_view: 'ViewContent',
  custom: null,
};

const destinationsShape = Object.fromEntries(
  EVENT_NAMES.map((name) => [name, EventDestinationSchema.default({ googleConversionName: null, metaEventName: DEFAULT_META_EVENTS[name] })]),
) as Record<ConversionEventName, z.ZodDefault<typeof EventDestinationSchema>>;

export const ConsentDefaultsSchema = z
  .object({
    adUserData: ConsentSchema.default('unspecified'),
    adPersonalization: ConsentSchema.default('unspecified'),
  })
  .strict();

/**
 * Everything the export needs to know about the ad accounts. Stored as JSON in the settings table
 * (key "app"), validated with this schema on every read and write.
 */
export const AppSettingsSchema = z
  .object({
    version: z.literal(1).default(1),
    /** The Google Ads account's time zone; conversion times are written in it (Parameters:TimeZone=…). */
    timeZone: TimeZoneSchema.default('UTC'),
    /** Default country for phone numbers without a country code (ISO alpha-2). */
    defaultCountry: z.string().trim().toUpperCase().regex(/^[A-Z]{2}$/, 'is not an ISO 3166 alpha-2 country code').default('US'),
    /** Largest file the import accepts, in MB (dropped or opened files over it are refused up front). */
    importMaxFileMb: z.number().int('must be a whole number of MB').min(1, 'must be at least 1 MB').max(16384, 'must be at most 16384 MB (16 GB)').default(2048),
    /** Per event name: Google conversion action name and Meta event name. */
    destinations: z.object(destinationsShape).strict().default(
      Object.fromEntries(EVENT_NAMES.map((name) => [name, { googleConversionName: null, metaEventName: DEFAULT_META_EVENTS[name] }])) as Record<
        ConversionEventName,
        EventDestination
      >,
    ),
    /**
     * Per conversion name (exactly as the events store it, e.g. "Qualified lead"): the Google conversion
     * action and the Meta event, when the automatic choice is not right. `destinations` is the
     * per-category fallback.
     */
    conversionNames: z
      .record(ConversionNameSchema, ConversionNameDestinationSchema)
      .refine((record) => Object.keys(record).length <= 5000, 'at most 5000 conversion names')
      .default({}),
    /** Used for events whose consent is "unspecified" (Google's Ad User Data / Ad Personalization columns). */
    consentDefaults: ConsentDefaultsSchema.default({ adUserData: 'unspecified', adPersonalization: 'unspecified' }),
    google: z
      .object({
        /** When set, events in another currency are excluded ("currency mismatch"). null = any currency. */
        requiredCurrency: OptionalCurrencySchema.default(null),
      })
      .strict()
      .default({ requiredCurrency: null }),
    meta: z
      .object({
        actionSource: z.enum(META_ACTION_SOURCES).default('physical_store'),
        requiredCurrency: OptionalCurrencySchema.default(null),
      })
      .strict()
      .default({ actionSource: 'physical_store', requiredCurrency: null }),
  })
  .strict();
export type AppSettings = z.output<typeof AppSettingsSchema>;
export type AppSettingsInput = z.input<typeof AppSettingsSchema>;

/** A partial update: top-level sections are merged one level deep (destinations per event name). */
export const AppSettingsPatchSchema = z
  .object({
    timeZone: z.string().optional(),
    defaultCountry: z.string().optional(),
    importMaxFileMb: z.number().optional(),
    destinations: z.partialRecord(z.enum(EVENT_NAMES), z.object({ googleConversionName: z.string().nullable().optional(), metaEventName: z.string().nullable().optional() }).strict()).optional(),
    /**
     * Per conversion name: null removes the name's mapping; in an entry, "" makes that field automatic
     * again, null means "not sent there", a name maps it.
     */
    conversionNames: z
      .record(z.string().max(200), z.object({ googleConversionName: z.string().nullable().optional(), metaEventName: z.string().nullable().optional() }).strict().nullable())
      .optional(),
    consentDefaults: z.object({ adUserData: ConsentSchema.optional(), adPersonalization: ConsentSchema.optional() }).strict().optional(),
    google: z.object({ requiredCurrency: z.string().nullable().optional() }).strict().optional(),
    meta: z.object({ actionSource: z.enum(META_ACTION_SOURCES).optional(), requiredCurrency: z.string().nullable().optional() }).strict().optional(),
  })
  .strict();
export type AppSettingsPatch = z.input<typeof AppSettingsPatchSchema>;

export function defaultSettings(): AppSettings {
  return AppSettingsSchema.parse({});
}
