/**
 * A destination of the sending engine: the one thing that differs between Meta's Conversions API,
 * Google's Data Manager API and whatever comes next. The engine (engine.ts) owns everything else:
 * selecting the events queued for the destination, the pre-flight bookkeeping, cutting requests,
 * the journal written before and after every request, retries with backoff and jitter, splitting a
 * rejected request until the bad events are alone, marking events sent / failed with history,
 * progress, cancel, dry runs and the reconciliation of requests a crash left without an answer.
 *
 * ## Adding a destination (e.g. Google Data Manager)
 * 1. Add its name to DESTINATION_NAMES (src/shared/domain/send.ts).
 * 2. Implement `Destination` in `src/main/send/<name>/destination.ts`:
 *    - `columns`: the conversion_events columns `prepare` reads (fewer columns, faster reads);
 *    - `prepare(row, nowMs)`: the pre-flight of ONE event (the same checks as that destination's file
 *      export, if it has one) → the platform's JSON for it, or an exclusion with a code and a reason.
 *      An excluded event is never sent and stays queued;
 *    - `maxEventsPerRequest` (Meta 1,000; Data Manager 2,000) and `concurrency` (requests in flight);
 *    - `send(events, options)`: ONE HTTP request for these events, its answer classified as a
 *      `SendAnswer` (below). Never throw for an HTTP or network failure: classify it. Never put a
 *      secret (token, app secret) in an answer, an error message or `platformIds`.
 * 3. Build it from its connection in `src/main/send/destinations.ts` (`createDestination`), reading
 *    secrets from the SecretStore in main (they reach the worker in memory, never via SQLite).
 * 4. A fake server in `test/fakes/<name>.ts` and the engine's tests, run against it.
 *
 * The event id the platform deduplicates on must be the event's stable `conversion_events.event_id`,
 * so a resend after a crash carries the same ids (never an event under two ids).
 */
import type { DestinationName } from '../../shared/domain/send';

/** One event as read for sending: `rowid`, `id`, `event_id` plus the destination's `columns`. */
export interface SendRow {
  rowid: number;
  id: string;
  event_id: string;
  [column: string]: unknown;
}

export type Prepared<E> = { ok: true; event: E } | { ok: false; code: string; reason: string };

/** What the platform said about one request (all of it, or none of it, for Meta). */
export interface PlatformError {
  httpStatus: number | null;
  /** The platform's own error code / subcode, as text ("100", "2804003"; "INVALID_ARGUMENT"). */
  code: string | null;
  subcode: string | null;
  /** The platform's message, for humans (never contains a secret). */
  message: string;
}

export type SendAnswer =
  /** Every event of the request was accepted. */
  | { kind: 'accepted'; httpStatus: number; platformIds: Record<string, string>; received: number }
  /**
   * The request was refused because of (some of) its events' data. Meta refuses the whole request
   * for one bad event without saying which: the engine splits the request and resends the halves
   * until the bad events are alone. A destination that knows the bad events' positions gives
   * `badEvents` and the engine fails exactly those and resends the rest.
   */
  | {
      kind: 'rejected';
      error: PlatformError;
      platformIds: Record<string, string>;
      badEvents?: { index: number; code: string; reason: string }[];
    }
  /** Worth retrying (5xx, throttled, is_transient, network error, timeout). `retryAfterMs` when the platform asked for a wait. */
  | { kind: 'transient'; error: PlatformError; platformIds: Record<string, string>; retryAfterMs?: number }
  /**
   * Nothing can succeed until the user fixes something (token expired or refused, missing
   * permission, wrong dataset / account): the run stops and leaves the events queued.
   */
  | { kind: 'fatal'; scope: 'auth' | 'permission' | 'config'; error: PlatformError; platformIds: Record<string, string>; fix: string };

export interface SendOptions {
  /** A dry run: the platform's test / validate-only mode; no status changes. */
  dryRun: boolean;
  signal?: AbortSignal;
}

export interface Destination<E = unknown> {
  readonly name: DestinationName;
  /** For messages: "Meta Conversions API". */
  readonly label: string;
  readonly maxEventsPerRequest: number;
  /** Requests in flight at once (the platform's rate limits allowing). */
  readonly concurrency: number;
  /** Columns of conversion_events `prepare` reads (besides rowid, id, event_id). */
  readonly columns: readonly string[];
  /** Whether a dry run reaches the platform (a test event code, a validate-only flag) or stays local. */
  readonly dryRunReachesPlatform: boolean;
  prepare(row: SendRow, nowMs: number): Prepared<E>;
  send(events: readonly E[], options: SendOptions): Promise<SendAnswer>;
}
