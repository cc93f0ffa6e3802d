import { z } from 'zod';
import { channel } from '../define';
import {
  ConversionEventInsertSchema,
  ConversionSyncStatusSchema,
  SyncFieldsUpdateSchema,
  type ConversionEvent,
  type ConversionSyncStatus,
} from '../../domain/events';
import { EventFilterSchema, EventListInputSchema } from '../../domain/filters';
import { SyncActionSchema } from '../../domain/sync';

export interface EventPage {
  events: ConversionEvent[];
  /** Exact count for the filter, or null when `withTotal` was false. */
  total: number | null;
  nextCursor: string | null;
}

export interface HistoryEntry {
  id: number;
  event_id: string;
  from_status: ConversionSyncStatus | null;
  to_status: ConversionSyncStatus;
  action: string;
  note: string | null;
  batch_id: string | null;
  created_at: string;
}

export interface EventDetail {
  event: ConversionEvent;
  history: HistoryEntry[];
  importName: string | null;
}

export interface TransitionOutcome {
  /** Events whose status changed. */
  changed: number;
  /** Events that matched but could not make this transition, grouped by their current status. */
  refused: { status: ConversionSyncStatus; count: number; reason: string }[];
  /** Ids of rows asked for by id that do not exist. */
  missing: string[];
  /** Id of the undo record for this change (null when nothing changed). */
  undoToken: string | null;
}

export type StatusCounts = Record<ConversionSyncStatus, number>;

const IdsSchema = z.array(z.uuid()).min(1).max(100_000);
export const TargetSchema = z.union([
  z.object({ ids: IdsSchema }).strict(),
  z.object({ filter: EventFilterSchema }).strict(),
]);

export const eventsChannels = {
  'events:create': channel(ConversionEventInsertSchema).returns<ConversionEvent>(),
  'events:get': channel(z.object({ id: z.uuid() })).returns<EventDetail>(),
  'events:delete': channel(z.object({ target: TargetSchema })).returns<{ deleted: number; refused: number; reason: string | null }>(),
  'events:list': channel(EventListInputSchema).returns<EventPage>(),
  'events:count': channel(z.object({ filter: EventFilterSchema.default({}) })).returns<{ total: number; byStatus: StatusCounts }>(),
  'events:updateSync': channel(z.object({ id: z.uuid(), patch: SyncFieldsUpdateSchema })).returns<ConversionEvent>(),
  'events:transition': channel(
    z.object({ action: SyncActionSchema, target: TargetSchema, reason: z.string().trim().max(2000).optional() }),
  ).returns<TransitionOutcome>(),
  'events:undoTransition': channel(z.object({ undoToken: z.string().min(1).max(64) })).returns<{ restored: number }>(),
  'events:assign': channel(
    z.object({ target: TargetSchema, campaignId: z.uuid().nullable().optional(), brandId: z.uuid().nullable().optional() }),
  ).returns<{ changed: number }>(),
  'events:statusCounts': channel(z.object({}).strict()).returns<StatusCounts>(),
} as const;

export { ConversionSyncStatusSchema };
