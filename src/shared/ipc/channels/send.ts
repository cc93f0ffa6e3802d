import { z } from 'zod';
import { channel } from '../define';
import {
  DestinationNameSchema,
  MetaConnectionInputSchema,
  SendRequestSchema,
  type ConnectionTestResult,
  type FailureEvent,
  type FailureGroup,
  type MetaConnectionView,
  type SendResult,
  type SendRunSummary,
} from '../../domain/send';

const RunIdSchema = z.string().min(1).max(64);
const empty = z.object({}).strict();

export const sendChannels = {
  /** What the window may know about the Meta connection: "connected as dataset N, token ending …abcd". Never the token. */
  'connections:metaGet': channel(empty).returns<MetaConnectionView>(),
  /** Saves the connection; the token (and app secret) go to main once, into the SecretStore, and never come back. */
  'connections:metaSet': channel(MetaConnectionInputSchema).returns<MetaConnectionView>(),
  /** One harmless call to Meta (reads the dataset's id and name) and what Meta answered. */
  'connections:metaTest': channel(empty).returns<ConnectionTestResult>(),
  'connections:metaRemove': channel(empty).returns<MetaConnectionView>(),
  /** Starts a send in the send worker; progress on send:progress; the result with send:status. */
  'send:start': channel(SendRequestSchema).returns<{ runId: string }>(),
  /** Stops starting requests; those in flight finish and are recorded; the rest stay queued. */
  'send:cancel': channel(z.object({ runId: RunIdSchema }).strict()).returns<{ cancelled: boolean }>(),
  /** A run (the latest when no id): counts, failed and excluded events with reasons. */
  'send:status': channel(z.object({ runId: RunIdSchema.optional() }).strict()).returns<SendResult & { running: boolean }>(),
  'send:runs': channel(z.object({ limit: z.number().int().min(1).max(500).default(50) }).strict()).returns<SendRunSummary[]>(),
  /** A run's failed / excluded events grouped by reason. */
  'send:failures': channel(z.object({ runId: RunIdSchema }).strict()).returns<FailureGroup[]>(),
  /** The events of one reason, each with its file and line. */
  'send:failureEvents': channel(
    z.object({ runId: RunIdSchema, outcome: z.enum(['failed', 'excluded']), code: z.string().max(100), reason: z.string().max(5000) }).strict(),
  ).returns<FailureEvent[]>(),
  /** Failed events back in that destination's queue (their other deliveries untouched). */
  'send:retry': channel(z.object({ to: DestinationNameSchema, eventIds: z.array(z.string().min(1).max(64)).min(1).max(100_000) }).strict()).returns<{ requeued: number }>(),
} as const;
