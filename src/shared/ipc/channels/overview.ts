import { z } from 'zod';
import { channel } from '../define';
import type { ConversionSyncStatus } from '../../domain/events';
import { EventFilterSchema, EventSortSchema, SORT_FIELDS } from '../../domain/filters';
import type { StatusCounts } from './events';

/** One calendar day of the overview chart (days without events are present with zeros). */
export interface TimelineDay {
  /** YYYY-MM-DD in the requested UTC offset. */
  day: string;
  total: number;
  count: StatusCounts;
  /** currency → status → summed value in micros; a missing entry means 0. */
  valueMicros: Record<string, Partial<Record<ConversionSyncStatus, number>>>;
}

export interface OverviewTimeline {
  /** First and last day shown (null when nothing matches). */
  from: string | null;
  to: string | null;
  days: TimelineDay[];
  /** Currencies that appear, most valuable first. */
  currencies: string[];
}

export interface OverviewTiles {
  total: number;
  byStatus: StatusCounts;
  /** Total value per currency (micros), most valuable first; events without a value count in `count` only. */
  valueByCurrency: { currency: string; valueMicros: number; count: number }[];
  /** status → currency → micros. */
  valueByStatus: Record<ConversionSyncStatus, Record<string, number>>;
}

export const TimelineInputSchema = z
  .object({
    filter: EventFilterSchema.default({}),
    /** Days back from the end of the range (filter.timeTo, else the latest matching event). Default: the whole range, at most 3,660 days. */
    days: z.number().int().min(1).max(3660).optional(),
    /** Day boundaries in this offset from UTC (the app's time zone setting), default 0. */
    utcOffsetMinutes: z.number().int().min(-840).max(840).default(0),
  })
  .strict();
export type TimelineInput = z.input<typeof TimelineInputSchema>;
export type TimelineParsed = z.output<typeof TimelineInputSchema>;

export interface SavedView {
  id: string;
  name: string;
  filter: z.output<typeof EventFilterSchema>;
  sort: { field: (typeof SORT_FIELDS)[number]; direction: 'asc' | 'desc' };
  /** Grid columns in display order, with width (px) and hidden flag. */
  columns: { id: string; width?: number; hidden?: boolean }[];
  createdAt: string;
  updatedAt: string;
}

export const SavedViewInputSchema = z
  .object({
    /** Present to update that view; absent to create (or replace the view with the same name). */
    id: z.string().min(1).max(64).optional(),
    name: z.string().trim().min(1).max(100),
    filter: EventFilterSchema.default({}),
    sort: EventSortSchema.default({ field: 'event_time', direction: 'desc' }),
    columns: z
      .array(z.object({ id: z.string().min(1).max(64), width: z.number().int().min(20).max(2000).optional(), hidden: z.boolean().optional() }).strict())
      .max(60)
      .default([]),
  })
  .strict();
export type SavedViewInput = z.input<typeof SavedViewInputSchema>;

export const overviewChannels = {
  'overview:timeline': channel(TimelineInputSchema).returns<OverviewTimeline>(),
  'overview:tiles': channel(z.object({ filter: EventFilterSchema.default({}) }).strict()).returns<OverviewTiles>(),
  'views:list': channel(z.object({}).strict()).returns<SavedView[]>(),
  'views:save': channel(SavedViewInputSchema).returns<SavedView>(),
  'views:delete': channel(z.object({ id: z.string().min(1).max(64) }).strict()).returns<{ deleted: boolean }>(),
} as const;
