import { z } from 'zod';
import { EventFilterSchema } from './filters';
import { META_ACTION_SOURCES } from './settings';

/** Destinations the sending engine can deliver to through an API. */
export const DESTINATION_NAMES = ['meta', 'google_ads'] as const;
export const DestinationNameSchema = z.enum(DESTINATION_NAMES);
export type DestinationName = z.infer<typeof DestinationNameSchema>;

export const DESTINATION_LABELS: Record<DestinationName, string> = {
  meta: 'Meta Conversions API',
  google_ads: 'Google Ads (Data Manager API)',
};

export const SendRequestSchema = z
  .object({
    to: DestinationNameSchema,
    /** Which events (the review filter); only events queued for the destination are ever sent. */
    filter: EventFilterSchema.default({}),
    /** Send with the test event code (or check locally): no status changes. */
    dryRun: z.boolean().default(false),
  })
  .strict();
export type SendRequest = z.input<typeof SendRequestSchema>;
export type SendRequestParsed = z.output<typeof SendRequestSchema>;

export const RUN_STATUSES = ['running', 'completed', 'stopped', 'cancelled', 'interrupted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export interface SendProgress {
  runId: string;
  destination: DestinationName;
  dryRun: boolean;
  phase: 'running' | 'done' | 'stopped' | 'cancelled' | 'failed';
  /** Events the run will try (after the pre-flight). */
  total: number;
  sent: number;
  failed: number;
  excluded: number;
  requests: number;
  inFlight: number;
  /** Requests waiting for a retry after a transient failure, and the soonest retry. */
  retriesWaiting: number;
  nextRetryInMs: number | null;
  /** The highest attempt number used so far, of at most maxAttempts. */
  attempt: number;
  maxAttempts: number;
  eventsPerSecond: number;
  etaSeconds: number | null;
  /** Why the run stopped, when it did (what to fix). */
  message?: string;
}

export interface FailedEvent {
  /** conversion_events.id */
  id: string;
  /** The event's own event_id (the dedup key, sent to the platform). */
  eventId: string;
  /** The platform's code and subcode ("100/2804003"), or the pre-flight's code. */
  code: string;
  reason: string;
}

export interface SendRunSummary {
  runId: string;
  destination: DestinationName;
  dryRun: boolean;
  status: RunStatus;
  sent: number;
  failedCount: number;
  excludedCount: number;
  requests: number;
  retries: number;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

/** Why a run stopped early: fix the connection (auth / permission / config), wait (rate_limit, retries), or the user cancelled. */
export type StopKind = 'auth' | 'permission' | 'config' | 'rate_limit' | 'retries' | 'cancelled';

export interface SendResult extends SendRunSummary {
  /** Set by the run itself (not kept in the journal: `send status` shows the error text). */
  stopKind?: StopKind | null;
  /** The failed events (the first 1,000 in the app; all in the CLI), each with the platform's own reason. */
  failed: FailedEvent[];
  excluded: FailedEvent[];
  /** In-flight requests of an interrupted run that this run repeated (same event ids). */
  resentRequests: number;
}

/** A failure reason and how many events of a run have it (the Send screen's "failed by reason"). */
export interface FailureGroup {
  outcome: 'failed' | 'excluded';
  code: string;
  reason: string;
  count: number;
}

/** One event of a failure group, pointing back at its file and line. */
export interface FailureEvent {
  id: string;
  eventId: string;
  fileName: string | null;
  sourceLine: number | null;
  status: string;
}

// ---------------------------------------------------------------- connections

export const MetaConnectionInputSchema = z
  .object({
    datasetId: z.string().trim().regex(/^\d{5,20}$/, 'is not a dataset (pixel) id: digits only, as shown in Events Manager'),
    /** Sent once from the renderer (or read from an environment variable by the CLI); never returned. */
    accessToken: z.string().trim().min(20, 'looks too short for a Meta access token').max(1000).optional(),
    /** Empty string: remove the stored app secret. */
    appSecret: z.string().trim().max(200).optional(),
    testEventCode: z.string().trim().max(100).nullable().optional(),
    actionSource: z.enum(META_ACTION_SOURCES).optional(),
  })
  .strict();
export type MetaConnectionInput = z.input<typeof MetaConnectionInputSchema>;

/** What the renderer may know about the Meta connection: never the token itself. */
export interface MetaConnectionView {
  connected: boolean;
  datasetId: string | null;
  /** "…abcd" */
  tokenHint: string | null;
  hasAppSecret: boolean;
  testEventCode: string | null;
  actionSource: string;
  /** Where the secrets live: "safeStorage (gnome_libsecret)", "0600 file", "environment". */
  secretStore: string;
  /** "connected as dataset 123, token ending …abcd" */
  summary: string;
}

export interface ConnectionTestResult {
  ok: boolean;
  /** What the platform answered, in words (no secret). */
  message: string;
  httpStatus: number | null;
  code: string | null;
  platformIds: Record<string, string>;
}
