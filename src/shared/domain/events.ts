import { z } from 'zod';
import { isIsoCurrency } from './currencies';
import { decimalToMicros, MoneyFormatError } from './money';

export const EVENT_NAMES = ['purchase', 'lead', 'signup', 'add_to_cart', 'page_view', 'custom'] as const;
export const ConversionEventNameSchema = z.enum(EVENT_NAMES);
export type ConversionEventName = z.infer<typeof ConversionEventNameSchema>;

export const SYNC_STATUSES = ['pending', 'queued', 'sent', 'failed', 'skipped'] as const;
export const ConversionSyncStatusSchema = z.enum(SYNC_STATUSES);
export type ConversionSyncStatus = z.infer<typeof ConversionSyncStatusSchema>;

export const CONSENT_VALUES = ['granted', 'denied', 'unspecified'] as const;
export const ConsentSchema = z.enum(CONSENT_VALUES);
export type Consent = z.infer<typeof ConsentSchema>;

export const HASH_PATTERN = /^[0-9a-f]{64}$/;
export const Sha256HexSchema = z.string().regex(HASH_PATTERN, 'must be a lowercase SHA-256 hex digest');

export const CurrencySchema = z
  .string()
  .trim()
  .transform((value) => value.toUpperCase())
  .refine(isIsoCurrency, { message: 'is not an ISO 4217 currency code' });

/** A decimal amount as text ("12.30"), non-negative, at most 6 decimals (micros). Numbers are accepted and stringified. */
export const DecimalValueSchema = z
  .union([z.string(), z.number()])
  .transform((value, ctx) => {
    const text = typeof value === 'number' ? numberToPlainString(value) : value.trim();
    try {
      decimalToMicros(text);
      return text;
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        message: error instanceof MoneyFormatError ? error.message : 'is not a valid amount',
      });
      return z.NEVER;
    }
  });

function numberToPlainString(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return value.toString().includes('e') ? value.toFixed(6) : value.toString();
}

/** Any ISO-8601 date-time with Z or an offset; normalized to UTC `YYYY-MM-DDTHH:mm:ss.sssZ`. */
export const IsoDateTimeSchema = z
  .string()
  .trim()
  .refine((text) => /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i.test(text), {
    message: 'is not an ISO-8601 date-time with a time zone (e.g. 2026-03-01T14:30:00Z)',
  })
  .transform((text, ctx) => {
    const date = new Date(text.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
    if (Number.isNaN(date.getTime())) {
      ctx.addIssue({ code: 'custom', message: 'is not a real date-time' });
      return z.NEVER;
    }
    return date.toISOString();
  });

export const CustomParamsSchema = z.record(z.string(), z.json());
export type CustomParams = z.infer<typeof CustomParamsSchema>;

/** A stored event, with the original plan's field names. `event_value` is an exact decimal string. */
/**
 * One event's delivery to one destination (delivery.ts explains the model), as lists and the detail
 * panel show it. Declared here (not in delivery.ts) so ConversionEventSchema can carry it without an
 * import cycle.
 */
export const DeliveryStateSchema = z.object({
  destination: z.enum(['google_ads', 'meta']),
  status: ConversionSyncStatusSchema,
  /** false: no row yet — the delivery follows the event's sync_status. */
  recorded: z.boolean(),
  /** Routed there by the current Settings mapping. */
  routed: z.boolean(),
  attempts: z.number().int().nonnegative(),
  lastError: z.string().nullable(),
  lastErrorCode: z.string().nullable(),
  syncedAt: z.string().nullable(),
  batchId: z.string().nullable(),
  runId: z.string().nullable(),
  platformIds: z.record(z.string(), z.unknown()).nullable(),
});

export const ConversionEventSchema = z.object({
  id: z.uuid(),
  event_name: ConversionEventNameSchema,
  /** The event's own conversion name ("Qualified lead", "InitiateCheckout"); its category for events stored before 0011. */
  conversion_name: z.string(),
  event_id: z.string(),
  user_email_hash: Sha256HexSchema.nullable(),
  user_phone_hash: Sha256HexSchema.nullable(),
  user_first_name_hash: Sha256HexSchema.nullable(),
  user_last_name_hash: Sha256HexSchema.nullable(),
  meta_email_hash: Sha256HexSchema.nullable(),
  meta_phone_hash: Sha256HexSchema.nullable(),
  meta_first_name_hash: Sha256HexSchema.nullable(),
  meta_last_name_hash: Sha256HexSchema.nullable(),
  user_ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  event_value: z.string().nullable(),
  currency: z.string(),
  transaction_id: z.string().nullable(),
  custom_params: CustomParamsSchema.nullable(),
  source: z.string().nullable(),
  campaign_id: z.uuid().nullable(),
  brand_id: z.uuid().nullable(),
  import_id: z.string().nullable(),
  gclid: z.string().nullable(),
  gbraid: z.string().nullable(),
  wbraid: z.string().nullable(),
  fbc: z.string().nullable(),
  fbp: z.string().nullable(),
  consent_ad_user_data: ConsentSchema,
  consent_ad_personalization: ConsentSchema,
  sync_status: ConversionSyncStatusSchema,
  sync_attempts: z.number().int().nonnegative(),
  synced_at: z.string().nullable(),
  sync_error: z.string().nullable(),
  batch_id: z.string().nullable(),
  /** Per destination (Google Ads, Meta): filled by lists and the detail view. */
  deliveries: z.array(DeliveryStateSchema).optional(),
  event_time: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type ConversionEvent = z.infer<typeof ConversionEventSchema>;

const optionalText = (max: number) => z.string().trim().max(max).optional().nullable();

/**
 * What a caller may send to create an event. Personal data arrives raw (or pre-hashed) and is
 * normalized + hashed in main; the raw value is never stored.
 */
export const ConversionEventInsertSchema = z.object({
  event_name: ConversionEventNameSchema,
  event_id: z.string().trim().min(1).max(200).optional(),
  email: optionalText(320),
  phone: optionalText(64),
  first_name: optionalText(200),
  last_name: optionalText(200),
  user_ip: z.union([z.ipv4(), z.ipv6()]).optional().nullable(),
  user_agent: optionalText(1000),
  event_value: DecimalValueSchema.optional().nullable(),
  currency: CurrencySchema.optional(),
  transaction_id: optionalText(200),
  custom_params: CustomParamsSchema.optional().nullable(),
  source: optionalText(200),
  campaign_id: z.uuid().optional().nullable(),
  brand_id: z.uuid().optional().nullable(),
  gclid: optionalText(200),
  gbraid: optionalText(200),
  wbraid: optionalText(200),
  fbc: optionalText(500),
  fbp: optionalText(500),
  consent_ad_user_data: ConsentSchema.optional(),
  consent_ad_personalization: ConsentSchema.optional(),
  event_time: IsoDateTimeSchema.optional(),
  default_country: z.string().length(2).optional(),
});
export type ConversionEventInsert = z.input<typeof ConversionEventInsertSchema>;
export type ConversionEventInsertParsed = z.output<typeof ConversionEventInsertSchema>;

/** The original API's PATCH whitelist: only sync fields. Unknown keys are refused. */
export const SyncFieldsUpdateSchema = z
  .object({
    sync_status: ConversionSyncStatusSchema.optional(),
    sync_error: z.string().max(2000).nullable().optional(),
    synced_at: IsoDateTimeSchema.nullable().optional(),
    sync_attempts: z.number().int().nonnegative().optional(),
  })
  .strict();
export type SyncFieldsUpdate = z.input<typeof SyncFieldsUpdateSchema>;
