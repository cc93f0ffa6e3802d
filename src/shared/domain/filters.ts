import { z } from 'zod';
import { ConversionNameSchema } from './conversion-names';
import { DeliveryFilterSchema, DestinationSchema } from './delivery';
import { ConversionEventNameSchema, ConversionSyncStatusSchema, DecimalValueSchema, IsoDateTimeSchema } from './events';

export const NO_IDENTIFIERS_SCOPES = ['any', 'google', 'meta'] as const;
export type NoIdentifiersScope = (typeof NO_IDENTIFIERS_SCOPES)[number];

export const EventFilterSchema = z
  .object({
    statuses: z.array(ConversionSyncStatusSchema).max(5).optional(),
    eventNames: z.array(ConversionEventNameSchema).max(6).optional(),
    /**
     * The events' own conversion names, exactly as stored (an event stored before 0011 is named by its
     * category). An empty list matches nothing (a resolved "no conversion action" filter when every name is mapped).
     */
    conversionNames: z.array(ConversionNameSchema).max(1000).optional(),
    campaignId: z.uuid().nullable().optional(),
    brandId: z.uuid().nullable().optional(),
    importId: z.string().max(64).optional(),
    batchId: z.string().max(64).optional(),
    timeFrom: IsoDateTimeSchema.optional(),
    timeTo: IsoDateTimeSchema.optional(),
    valueMin: DecimalValueSchema.optional(),
    valueMax: DecimalValueSchema.optional(),
    hasClickId: z.boolean().optional(),
    hasIdentifiers: z.boolean().optional(),
    search: z.string().trim().max(200).optional(),
    /** Destination × status: events whose delivery to that destination is in one of the statuses. */
    delivery: DeliveryFilterSchema.optional(),
    /**
     * Upload problems, as the exports name them (issue 15): events older than the destination's upload
     * window ("too old"), events whose conversion name goes to no Google action / Meta event ("no
     * conversion action"). Main resolves both against Settings and the clock (events/resolve-filter.ts).
     */
    tooOldFor: DestinationSchema.optional(),
    unmappedFor: DestinationSchema.optional(),
    /**
     * "No identifiers": `any` — nothing any platform can match, the import pre-flight's rule (no click id,
     * email, phone or name with address for Google, nothing Meta matches on); `google` — no hashed email or phone for Google (the leads file's exclusion); `meta` —
     * nothing Meta can match on (the Meta file's exclusion).
     */
    noIdentifiersFor: z.enum(NO_IDENTIFIERS_SCOPES).optional(),
  })
  .strict();
export type EventFilter = z.input<typeof EventFilterSchema>;
export type EventFilterParsed = z.output<typeof EventFilterSchema>;

export const SORT_FIELDS = ['event_time', 'event_value', 'created_at', 'event_name', 'sync_status'] as const;
export const EventSortSchema = z.object({
  field: z.enum(SORT_FIELDS).default('event_time'),
  direction: z.enum(['asc', 'desc']).default('desc'),
});
export type EventSort = z.input<typeof EventSortSchema>;

export const EventListInputSchema = z
  .object({
    filter: EventFilterSchema.default({}),
    sort: EventSortSchema.default({ field: 'event_time', direction: 'desc' }),
    limit: z.number().int().min(1).max(1000).default(100),
    /** Opaque keyset cursor from a previous page's `nextCursor`. */
    cursor: z.string().max(500).optional(),
    /** Classic paging; ignored when a cursor is given. */
    offset: z.number().int().min(0).optional(),
    /** Skip the exact count (the grid asks for it separately). */
    withTotal: z.boolean().default(true),
  })
  .strict();
export type EventListInput = z.input<typeof EventListInputSchema>;
