/**
 * Meta Graph API endpoint, version and the classification of its answers
 * (research/upload-apis.md §4.1 and §4.5; error table from rudderlabs/rudder-transformer's
 * facebookUtils/networkHandler.js and Meta's rate-limiting page).
 */
import { createHmac } from 'node:crypto';
import { AppError } from '../../../shared/ipc/result';
import type { PlatformError, SendAnswer } from '../destination';

/** The Graph API version, in one place (the SDK 26.0.0's default). */
export const META_GRAPH_VERSION = 'v26.0';
export const META_GRAPH_URL = 'https://graph.facebook.com';
export const META_GRAPH_URL_ENV = 'CONVDESK_META_GRAPH_URL';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * The Graph base URL: graph.facebook.com, or — for tests and the e2e harness only — the loopback
 * address in CONVDESK_META_GRAPH_URL (`http://127.0.0.1:PORT`, `http://[::1]:PORT`,
 * `http://localhost:PORT`). Anything else in that variable is refused, so it cannot send a token
 * somewhere else.
 */
export function metaGraphBase(env: NodeJS.ProcessEnv = process.env): string {
  const override = env[META_GRAPH_URL_ENV];
  if (override === undefined || override === '') return META_GRAPH_URL;
  let url: URL;
  try {
    url = new URL(override);
  } catch {
    throw new AppError('validation', `${META_GRAPH_URL_ENV} is not a URL; it may only point at a loopback address such as http://127.0.0.1:PORT`);
  }
  const pathOk = url.pathname === '/' || url.pathname === '';
  if (url.protocol !== 'http:' || !LOOPBACK_HOSTS.has(url.hostname) || !url.port || url.username || url.password || !pathOk || url.search || url.hash) {
    throw new AppError('validation', `${META_GRAPH_URL_ENV} may only point at a loopback address (http://127.0.0.1:PORT, http://[::1]:PORT or http://localhost:PORT), not ${url.protocol}//${url.host}`);
  }
  return `http://${url.host}`;
}

export function metaEventsUrl(base: string, datasetId: string): string {
  return `${base}/${META_GRAPH_VERSION}/${encodeURIComponent(datasetId)}/events`;
}

/** `appsecret_proof`: hex HMAC-SHA256 of the access token keyed with the app secret. */
export function appSecretProof(accessToken: string, appSecret: string): string {
  return createHmac('sha256', appSecret).update(accessToken).digest('hex');
}

interface GraphErrorBody {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  is_transient?: boolean;
  error_user_title?: string;
  error_user_msg?: string;
  fbtrace_id?: string;
}

/** Throttling codes: 4 app, 17 user, 32 page, 613 calls per hour, 80000–80014 business use case. */
const THROTTLE_CODES = new Set([4, 17, 32, 613]);
/** Temporary service errors Meta marks transient (unknown error, service unavailable…). */
const TEMPORARY_CODES = new Set([1, 2, 341, 368, 5000]);
/** Permission errors (3 capability, 10 / 200–299 permission, 294 ads management). */
function isPermission(code: number): boolean {
  return code === 3 || code === 10 || code === 294 || (code >= 200 && code <= 299);
}

/** A wait Meta asked for: Retry-After (seconds), or the business-use-case header's minutes. */
export function requestedWaitMs(headers: Headers): number | undefined {
  const retryAfter = headers.get('retry-after');
  if (retryAfter && /^\d+$/.test(retryAfter.trim())) return Number(retryAfter.trim()) * 1000;
  const usage = headers.get('x-business-use-case-usage');
  if (usage) {
    try {
      const parsed = JSON.parse(usage) as Record<string, { estimated_time_to_regain_access?: number }[]>;
      let minutes = 0;
      for (const entries of Object.values(parsed)) for (const entry of entries ?? []) minutes = Math.max(minutes, entry.estimated_time_to_regain_access ?? 0);
      if (minutes > 0) return minutes * 60_000;
    } catch {
      /* not JSON: no wait asked */
    }
  }
  return undefined;
}

function describe(error: GraphErrorBody): string {
  const title = error.error_user_title ? `${error.error_user_title}: ` : '';
  return `${title}${error.error_user_msg ?? error.message ?? 'no message'}`.slice(0, 1000);
}

/** Turns one HTTP answer of POST /{dataset}/events into the engine's classification. */
export function classifyMetaAnswer(status: number, headers: Headers, body: unknown, expected: number): SendAnswer {
  const envelope = (body && typeof body === 'object' ? body : {}) as { error?: GraphErrorBody; events_received?: number; fbtrace_id?: string };
  const graphError = envelope.error;
  const platformIds: Record<string, string> = {};
  const trace = graphError?.fbtrace_id ?? envelope.fbtrace_id ?? headers.get('x-fb-trace-id') ?? undefined;
  if (trace) platformIds.fbtrace_id = String(trace);
  if (status >= 200 && status < 300 && !graphError) {
    const received = Number(envelope.events_received ?? expected);
    return { kind: 'accepted', httpStatus: status, platformIds, received };
  }
  const error: PlatformError = {
    httpStatus: status,
    code: graphError?.code !== undefined ? String(graphError.code) : null,
    subcode: graphError?.error_subcode !== undefined ? String(graphError.error_subcode) : null,
    message: graphError ? describe(graphError) : `HTTP ${status} without a Graph error body`,
  };
  const code = graphError?.code;
  if (code === 190 || code === 102 || code === 463 || code === 467) {
    return {
      kind: 'fatal',
      scope: 'auth',
      error,
      platformIds,
      fix: 'Meta refused the access token (expired, revoked or invalid). Generate a new one in Events Manager → your dataset → Settings → Conversions API → Generate access token, then paste it in Settings → Connections → Meta.',
    };
  }
  if (/appsecret_proof/i.test(graphError?.message ?? '')) {
    return {
      kind: 'fatal',
      scope: 'auth',
      error,
      platformIds,
      fix: 'Meta requires a valid appsecret_proof for this app: enter the app secret (App Dashboard → Settings → Basic) in Settings → Connections → Meta, or check that it belongs to the app that issued the token.',
    };
  }
  if (code !== undefined && isPermission(code)) {
    return {
      kind: 'fatal',
      scope: 'permission',
      error,
      platformIds,
      fix: 'The token has no permission to send events to this dataset. Use a system-user token generated from the dataset itself (Events Manager → Settings → Conversions API), or give the system user access to the dataset in Business Settings.',
    };
  }
  if (code === 100 && (graphError?.error_subcode === 33 || /does not exist|cannot be loaded/i.test(graphError?.message ?? ''))) {
    return {
      kind: 'fatal',
      scope: 'config',
      error,
      platformIds,
      fix: 'Meta does not know this dataset id, or the token cannot see it. Check the dataset (pixel) id in Events Manager → Data sources, and that the token was generated for it.',
    };
  }
  if (!graphError && status >= 400 && status < 500 && status !== 429) {
    return { kind: 'fatal', scope: 'config', error, platformIds, fix: `Meta's address answered HTTP ${status} without a Graph error: check the dataset id and that nothing between this computer and graph.facebook.com rewrites requests.` };
  }
  const throttled = code !== undefined && (THROTTLE_CODES.has(code) || (code >= 80000 && code <= 80014));
  if (throttled || graphError?.is_transient === true || (code !== undefined && TEMPORARY_CODES.has(code)) || status >= 500 || status === 429) {
    return { kind: 'transient', error, platformIds, retryAfterMs: requestedWaitMs(headers) };
  }
  // Anything else is about the events' data (code 100 with a 2804xxx subcode, or none): Meta refuses
  // the whole request without saying which event, so the engine splits it. UNCONFIRMED whether every
  // code-100 answer without a subcode is event-specific; splitting is the safe reading (good events
  // still go through, and a request-level problem fails loudly on single events).
  return { kind: 'rejected', error, platformIds };
}

/** A network failure (refused, reset, timeout) in the engine's terms. */
export function networkFailure(error: unknown): SendAnswer {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const name = (error as Error)?.name;
  const what = name === 'TimeoutError' ? 'no answer in time' : (cause?.code ?? cause?.message ?? (error as Error)?.message ?? 'connection failed');
  return { kind: 'transient', error: { httpStatus: null, code: null, subcode: null, message: `network: ${what}` }, platformIds: {} };
}
