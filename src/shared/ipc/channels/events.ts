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

/** The queue confirmation's check: how many of the events no destination can take, and why (one event may have several reasons). */
export interface UploadCheck {
  total: number;
  cannotUpload: number;
  reasons: { code: 'no_identifiers' | 'unmapped' | 'too_old'; count: number }[];
  /** The conversion names mapped neither to a Google action nor to a Meta event. */
  unmappedNames: string[];
}

export type StatusCounts = Record<ConversionSyncStatus, number>;

/** What a bulk job produced, by operation (same shapes as the direct channels' answers). */
export type BulkResult =
  | { op: 'transition'; outcome: TransitionOutcome }
  | { op: 'assign'; changed: number }
  | { op: 'delete'; deleted: number; refused: number; reason: string | null }
  | { op: 'undo'; restored: number };
export type BulkOp = BulkResult['op'];

export type JobState = 'running' | 'done' | 'failed' | 'cancelled';

/** A bulk change running (or finished) in the jobs worker. Progress also arrives as 'job:progress'. */
export interface JobInfo {
  jobId: string;
  kind: 'bulk';
  op: BulkOp;
  /** Human label, e.g. "Queue 1,000,000 events". */
  label: string;
  state: JobState;
  done: number;
  /** Rows the job will look at (known once the worker has counted; 0 before). */
  total: number;
  startedAt: string;
  finishedAt: string | null;
  result: BulkResult | null;
  /** Why it failed (an illegal transition refuses everything, a missing campaign…), or null. */
  error: { code: string; message: string; details?: unknown } | null;
  /** Where a finished job's time went (ms): lockMs, countMs, chunksMs, commitMs, checkpointMs. */
  timings?: Record<string, number>;
}

const IdsSchema = z.array(z.uuid()).min(1).max(100_000);
export const TargetSchema = z.union([
  z.object({ ids: IdsSchema }).strict(),
  z.object({ filter: EventFilterSchema }).strict(),
]);

const BulkJobSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('transition'), action: SyncActionSchema, target: TargetSchema, reason: z.string().trim().max(2000).optional() }).strict(),
  z.object({ op: z.literal('assign'), target: TargetSchema, campaignId: z.uuid().nullable().optional(), brandId: z.uuid().nullable().optional() }).strict(),
  z.object({ op: z.literal('delete'), target: TargetSchema }).strict(),
  z.object({ op: z.literal('undo'), undoToken: z.string().min(1).max(64) }).strict(),
]);
export type BulkJobInput = z.input<typeof BulkJobSchema>;

const JobIdSchema = z.object({ jobId: z.string().min(1).max(64) }).strict();

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
  /** For the queue confirmation: how many of the target's events cannot be uploaded anywhere, and why. */
  'events:uploadCheck': channel(z.object({ target: TargetSchema }).strict()).returns<UploadCheck>(),
  'events:statusCounts': channel(z.object({}).strict()).returns<StatusCounts>(),
  /** The events' distinct conversion names, sorted (for the review filter); at most 1000. */
  'events:conversionNames': channel(z.object({}).strict()).returns<{ names: string[]; truncated: boolean }>(),
  /**
   * Starts a bulk change in the jobs worker whatever its size and answers at once with the job; the
   * direct channels above (transition/assign/delete/undoTransition) also use the worker for targets
   * over the bulk threshold, but answer only when it has finished.
   */
  'events:bulkJob': channel(BulkJobSchema).returns<JobInfo>(),
  'jobs:get': channel(JobIdSchema).returns<JobInfo>(),
  /** Resolves when the job has finished (any outcome). */
  'jobs:wait': channel(JobIdSchema).returns<JobInfo>(),
  /** Asks the worker to stop; it rolls back, so a cancelled job changes nothing. */
  'jobs:cancel': channel(JobIdSchema).returns<{ cancelled: boolean }>(),
  /** Running jobs first, then the most recent finished ones. */
  'jobs:list': channel(z.object({}).strict()).returns<JobInfo[]>(),
} as const;

export { ConversionSyncStatusSchema };
