/**
 * Google Ads through the Data Manager API as a destination of the sending engine
 * (src/main/send/destination.ts): `POST /v1/events:ingest`, ≤ 2,000 events per request,
 * `validateOnly: true` for a dry run, 300 requests per minute per Cloud project, back off on
 * RESOURCE_EXHAUSTED (research/upload-apis.md §2.3–§2.6).
 *
 * The engine cuts requests by count, so one request may hold events for several conversion actions:
 * then it names each action as a destination with a `reference` and each event its
 * `destinationReferences` (§2.3: ≤ 10 destinations per request). A request for one action has no
 * references (the golden bodies' shape).
 */
import { destinationCache, googleActionFor } from '../../shared/domain/destinations';
import type { AppSettings } from '../../shared/domain/settings';
import { jsonListBody } from '../send/body';
import { createPoster, type PostAnswer } from '../send/http';
import type { Destination, PlatformError, Prepared, SendAnswer, SendOptions, SendRow } from '../send/destination';
import { actionsByName, type ConversionAction } from './actions';
import type { GoogleEndpoints } from './config';
import { apiErrorFrom, GoogleApiError, GoogleNetworkError } from './http';
import { destinationFor, GOOGLE_COLUMNS, MAX_EVENTS_PER_REQUEST, prepareEventJson, type GoogleAccount, type GoogleEventRow } from './ingest';
import { AccessTokens, RECONNECT_GOOGLE } from './oauth';
import { AppError } from '../../shared/ipc/result';

/** "IngestionService requests per Cloud project: 300 / minute" (§2.6). */
export const GOOGLE_REQUESTS_PER_MINUTE = 300;
/** Two requests in flight overlap building one with waiting for the other; the minute quota bounds the rest. */
export const GOOGLE_CONCURRENCY = 2;
/** Data Manager documents no deadline; 60 s for a 2,000-event request (UNCONFIRMED). A timeout is resent (same transaction ids). */
export const GOOGLE_TIMEOUT_MS = 60_000;
/** Without a RetryInfo delay, wait this long after RESOURCE_EXHAUSTED (the per-minute window). */
const QUOTA_BACKOFF_MS = 60_000;
const MAX_DESTINATIONS = 10;

export interface GoogleCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  account: GoogleAccount;
  /** The account's conversion actions as last listed (the pre-flight checks names against them). */
  actions: ConversionAction[];
  endpoints: GoogleEndpoints;
  /** Tests and the benchmark raise it against the fake; the real quota is GOOGLE_REQUESTS_PER_MINUTE. */
  requestsPerMinute?: number;
  maxEventsPerRequest?: number;
  concurrency?: number;
}

/** One prepared event: the action it goes to and its JSON (serialized once, in `prepare`). */
export interface GoogleEvent {
  actionId: string;
  json: string;
}

/** Spaces request starts so that at most `perMinute` start in any minute (a sliding minimum interval). */
export class RequestPacer {
  private next = 0;
  constructor(private readonly perMinute: number) {}
  async wait(signal?: AbortSignal): Promise<void> {
    const interval = 60_000 / this.perMinute;
    const now = Date.now();
    const at = Math.max(now, this.next);
    this.next = at + interval;
    if (at > now) await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, at - now);
      signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
  }
  /** The platform said the quota is spent: no request starts before `ms` from now. */
  pause(ms: number): void {
    this.next = Math.max(this.next, Date.now() + ms);
  }
}

/** The request body's parts (head, events, tail): one destination without references, several with them. */
export function ingestParts(account: GoogleAccount, events: readonly GoogleEvent[], validateOnly: boolean): { head: string; items: string[]; tail: string } | null {
  const actions = [...new Set(events.map((e) => e.actionId))];
  if (actions.length > MAX_DESTINATIONS) return null;
  const head = `{"encoding":"HEX","validateOnly":${validateOnly},`;
  if (actions.length === 1) {
    return { head: `{"destinations":[${JSON.stringify(destinationFor(account, actions[0]!))}],${head.slice(1)}"events":[`, items: events.map((e) => e.json), tail: ']}' };
  }
  const destinations = actions.map((id) => JSON.stringify({ reference: id, ...destinationFor(account, id) }));
  const withRefs = events.map((e) => `{"destinationReferences":[${JSON.stringify(e.actionId)}],${e.json.slice(1)}`);
  return { head: `{"destinations":[${destinations.join(',')}],${head.slice(1)}"events":[`, items: withRefs, tail: ']}' };
}

const EVENT_FIELD = /^events\[(\d+)\]/;

function platformError(error: GoogleApiError | GoogleNetworkError): PlatformError {
  if (error instanceof GoogleNetworkError) return { httpStatus: null, code: 'NETWORK', subcode: null, message: error.message };
  return { httpStatus: error.httpStatus, code: error.status, subcode: error.reason, message: error.message };
}

/** Classifies a failed ingest for the engine (never throws). */
export function classifyIngestFailure(error: unknown, customerId: string): SendAnswer {
  const ids = (e: unknown): Record<string, string> => (e instanceof GoogleApiError && e.requestId ? { requestId: e.requestId } : {});
  if (error instanceof AppError && (error.details as { reason?: string } | undefined)?.reason === RECONNECT_GOOGLE) {
    return { kind: 'fatal', scope: 'auth', error: { httpStatus: null, code: 'invalid_grant', subcode: null, message: error.message }, platformIds: {}, fix: 'Reconnect Google in Settings → Connections → Google Ads (or `convdesk connections google connect`).' };
  }
  if (error instanceof AppError) return { kind: 'transient', error: { httpStatus: null, code: error.code, subcode: null, message: error.message }, platformIds: {} };
  if (error instanceof GoogleNetworkError) return { kind: 'transient', error: platformError(error), platformIds: {} };
  if (!(error instanceof GoogleApiError)) return { kind: 'transient', error: { httpStatus: null, code: 'UNKNOWN', subcode: null, message: (error as Error)?.message ?? String(error) }, platformIds: {} };
  const base = { error: platformError(error), platformIds: ids(error) };
  switch (error.kind) {
    case 'auth':
      return { kind: 'fatal', scope: 'auth', ...base, fix: 'Google refused the sign-in: reconnect Google in Settings → Connections → Google Ads.' };
    case 'permission':
      return { kind: 'fatal', scope: 'permission', ...base, fix: `The signed-in Google user cannot send to Google Ads account ${customerId}: check the customer id and, when you reach the account through a manager, the manager (login) id.` };
    case 'quota':
      return { kind: 'transient', ...base, retryAfterMs: error.retryAfterMs ?? QUOTA_BACKOFF_MS };
    case 'transient':
      return { kind: 'transient', ...base, ...(error.retryAfterMs !== null ? { retryAfterMs: error.retryAfterMs } : {}) };
    case 'invalid': {
      const bad = new Map<number, { code: string; reason: string }>();
      for (const v of error.fieldViolations) {
        const match = EVENT_FIELD.exec(v.field);
        if (match && !bad.has(Number(match[1]))) bad.set(Number(match[1]), { code: v.reason ?? 'INVALID_ARGUMENT', reason: `${v.field}: ${v.description}` });
      }
      if (!bad.size && error.fieldViolations.some((v) => v.field.startsWith('destinations'))) {
        return { kind: 'fatal', scope: 'config', ...base, fix: 'Google refused the conversion action or account: refresh the conversion actions in Settings and check the mapping.' };
      }
      // Positions known: exactly those events fail. Otherwise the engine splits the request until the bad events are alone.
      return bad.size ? { kind: 'rejected', ...base, badEvents: [...bad].map(([index, v]) => ({ index, ...v })) } : { kind: 'rejected', ...base };
    }
    default:
      return { kind: 'rejected', ...base };
  }
}

export function createGoogleDestination(credentials: GoogleCredentials, settings: AppSettings): Destination<GoogleEvent> {
  const tokens = new AccessTokens(credentials.endpoints, { clientId: credentials.clientId, clientSecret: credentials.clientSecret }, credentials.refreshToken);
  const pacer = new RequestPacer(Math.max(1, credentials.requestsPerMinute ?? GOOGLE_REQUESTS_PER_MINUTE));
  const byName = actionsByName(credentials.actions);
  const resolveName = destinationCache(googleActionFor, settings);
  const url = `${credentials.endpoints.dataManager}/v1/events:ingest`;
  const poster = createPoster();
  const { account } = credentials;

  async function post(body: Uint8Array<ArrayBuffer>, signal: AbortSignal | undefined): Promise<{ status: number; text: string; headers: Headers; token: string }> {
    const token = await tokens.get();
    await pacer.wait(signal);
    let response: PostAnswer;
    try {
      response = await poster.post(url, body, { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, { timeoutMs: GOOGLE_TIMEOUT_MS, signal });
    } catch (error) {
      const e = error as { name?: string; cause?: { code?: string } };
      throw new GoogleNetworkError(`Data Manager (events:ingest): ${e.name === 'TimeoutError' ? 'no answer in time' : (e.cause?.code ?? 'network error')}`);
    }
    if (response.bodyError !== undefined) throw new GoogleNetworkError('Data Manager (events:ingest): the answer was cut off');
    return { status: response.status, text: response.text, headers: response.headers, token };
  }

  return {
    name: 'google_ads',
    label: 'Google Ads (Data Manager API)',
    maxEventsPerRequest: Math.min(credentials.maxEventsPerRequest ?? MAX_EVENTS_PER_REQUEST, MAX_EVENTS_PER_REQUEST),
    concurrency: credentials.concurrency ?? GOOGLE_CONCURRENCY,
    columns: GOOGLE_COLUMNS.filter((c) => c !== 'id' && c !== 'event_id'),
    dryRunReachesPlatform: true,

    prepare(row: SendRow, nowMs: number): Prepared<GoogleEvent> {
      const result = prepareEventJson(row as unknown as GoogleEventRow, { account, settings, actionsByName: byName, nowMs, resolveName });
      if ('code' in result) return { ok: false, code: result.code, reason: result.reason };
      return { ok: true, event: { actionId: result.action.id, json: result.json } };
    },

    async send(events: readonly GoogleEvent[], options: SendOptions): Promise<SendAnswer> {
      const parts = ingestParts(account, events, options.dryRun);
      if (parts === null) {
        // More than 10 actions in one request: nothing was sent; the engine splits it (fewer actions per half).
        return { kind: 'rejected', error: { httpStatus: null, code: 'TOO_MANY_DESTINATIONS', subcode: null, message: 'More than 10 conversion actions in one request (not sent; split locally)' }, platformIds: {} };
      }
      const body = jsonListBody(parts.head, parts.items, parts.tail);
      try {
        let answer = await post(body, options.signal);
        if (answer.status === 401) {
          // The access token expired or was revoked mid-run: refresh once (invalid_grant → Reconnect Google).
          tokens.invalidate(answer.token);
          answer = await post(body, options.signal);
        }
        if (answer.status >= 200 && answer.status < 300) {
          let requestId: string | undefined;
          try {
            requestId = (JSON.parse(answer.text) as { requestId?: string }).requestId;
          } catch {
            /* an empty body (validateOnly) */
          }
          return { kind: 'accepted', httpStatus: answer.status, platformIds: requestId ? { requestId } : {}, received: events.length };
        }
        const error = apiErrorFrom(answer.status, answer.headers, answer.text, 'Data Manager (events:ingest)');
        if (error.kind === 'quota') pacer.pause(error.retryAfterMs ?? QUOTA_BACKOFF_MS);
        return classifyIngestFailure(error, account.customerId);
      } catch (error) {
        return classifyIngestFailure(error, account.customerId);
      }
    },
  };
}
