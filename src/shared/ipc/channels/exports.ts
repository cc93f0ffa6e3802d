import { z } from 'zod';
import { channel } from '../define';
import { EXCLUSION_CODES, ExportFormatSchema, ExportRequestSchema, type ExportPreview, type ExportResult, type SyncBatch } from '../../domain/exports';
import type { TransitionOutcome } from './events';

const BatchIdSchema = z.string().min(1).max(64);

export const exportsChannels = {
  /**
   * Pre-flight: how many events a file would hold and which are excluded, with reasons. Runs in the
   * export worker; with a jobId it reports job:progress and exports:cancel can stop it.
   */
  'exports:preview': channel(ExportRequestSchema.extend({ jobId: z.uuid().optional() }).strict()).returns<ExportPreview>(),
  /**
   * Asks main's save dialog for a path, then writes the file in the export worker (progress on
   * job:progress with this jobId) and creates a sync batch. Resolves when the file is written;
   * null when the user cancelled the dialog; a `cancelled` error when exports:cancel stopped it.
   */
  'exports:run': channel(
    z
      .object({ format: ExportFormatSchema, filter: ExportRequestSchema.shape.filter, jobId: z.uuid().optional() })
      .strict(),
  ).returns<ExportResult | null>(),
  /**
   * "Skip these N" on an exclusion group: the group's events are skipped for the file's destination
   * only; the answer's undoToken goes to events:undoTransition. Named by the group's review filter, or
   * by `eventIds` for reasons Review has no filter for.
   */
  'exports:skipExcluded': channel(
    z
      .object({
        format: ExportFormatSchema,
        filter: ExportRequestSchema.shape.filter,
        code: z.enum(EXCLUSION_CODES),
        eventIds: z.array(z.uuid()).min(1).max(100_000).optional(),
      })
      .strict(),
  ).returns<TransitionOutcome>(),
  'exports:cancel': channel(z.object({ jobId: z.string().min(1).max(64) }).strict()).returns<{ cancelled: boolean }>(),
  /** Sync batches, newest first, with their events' current statuses. */
  'batches:list': channel(z.object({ limit: z.number().int().min(1).max(1000).default(100) }).strict()).returns<SyncBatch[]>(),
  /** The file was uploaded: the batch's queued events → sent (attempts +1, synced_at, history). */
  'batches:markUploaded': channel(z.object({ batchId: BatchIdSchema }).strict()).returns<{ batch: SyncBatch; outcome: TransitionOutcome }>(),
  /**
   * The platform refused the file (no eventIds: the whole batch → failed) or some rows (eventIds:
   * those events → failed, the batch stays open). The reason is what the platform said.
   */
  'batches:markFailed': channel(
    z.object({ batchId: BatchIdSchema, reason: z.string().trim().min(1).max(2000), eventIds: z.array(z.uuid()).min(1).max(100_000).optional() }).strict(),
  ).returns<{ batch: SyncBatch; outcome: TransitionOutcome }>(),
  /**
   * "Mark failed" from the platform's per-row results file (a FileRef from files:openDialog): exactly
   * the refused rows' events → failed on the batch's destination with the platform's message.
   */
  'batches:applyResults': channel(z.object({ batchId: BatchIdSchema, file: z.object({ id: z.string().min(1).max(64) }).passthrough() }).strict()).returns<{
    batch: SyncBatch;
    outcome: TransitionOutcome;
    failed: number;
    unmatched: { line: number; message: string; why: string }[];
    accepted: number;
  }>(),
} as const;
