/**
 * JSON over HTTP to Google's APIs and the google.rpc.Status error envelope they answer with
 * (research/upload-apis.md §2.6). Messages never carry a token: requests are described by their
 * path only, and answers are parsed, never echoed raw.
 */

/** One field violation of a google.rpc.BadRequest detail. */
export interface FieldViolation {
  field: string;
  description: string;
  reason?: string;
}

/** What kind of failure this is, for the engine: retry, stop the run, or isolate events. */
export type GoogleFailureKind = 'auth' | 'permission' | 'quota' | 'transient' | 'invalid' | 'other';

/** A non-2xx answer from a Google API, parsed from its google.rpc.Status body. */
export class GoogleApiError extends Error {
  constructor(
    readonly httpStatus: number,
    /** google.rpc.Code name: INVALID_ARGUMENT, UNAUTHENTICATED, RESOURCE_EXHAUSTED… */
    readonly status: string,
    message: string,
    /** ErrorInfo.reason (Data Manager ErrorReason, or Google Ads error enum) when present. */
    readonly reason: string | null,
    readonly fieldViolations: FieldViolation[],
    /** RetryInfo.retryDelay or Retry-After, in ms, when the server asked for a wait. */
    readonly retryAfterMs: number | null,
    /** The server's request id (RequestInfo / ErrorInfo.metadata.requestId), for support. */
    readonly requestId: string | null,
  ) {
    super(message);
    this.name = 'GoogleApiError';
  }

  get kind(): GoogleFailureKind {
    if (this.httpStatus === 401 || this.status === 'UNAUTHENTICATED') return 'auth';
    if (this.httpStatus === 403 || this.status === 'PERMISSION_DENIED') return 'permission';
    if (this.httpStatus === 429 || this.status === 'RESOURCE_EXHAUSTED') return 'quota';
    if (this.httpStatus >= 500 || this.status === 'UNAVAILABLE' || this.status === 'DEADLINE_EXCEEDED' || this.status === 'INTERNAL') return 'transient';
    if (this.httpStatus === 400) return 'invalid';
    return 'other';
  }
}

/** A network failure (refused, reset, timed out) before any HTTP answer. Always worth retrying. */
export class GoogleNetworkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GoogleNetworkError';
  }
}

interface StatusDetail {
  '@type'?: string;
  reason?: string;
  metadata?: Record<string, string>;
  requestId?: string;
  retryDelay?: string;
  fieldViolations?: { field?: string; description?: string; reason?: string }[];
  errors?: { errorCode?: Record<string, string>; message?: string }[];
}

/** "1.5s" / "40591s" (google.protobuf.Duration JSON) → ms. */
export function durationMs(value: string | undefined): number | null {
  const match = value && /^(\d+(?:\.\d+)?)s$/.exec(value);
  return match ? Math.round(Number(match[1]) * 1000) : null;
}

function retryAfterHeader(value: string | null): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

/** Builds the error from an answer's status, headers and body text (JSON or not). */
export function apiErrorFrom(httpStatus: number, headers: Headers, text: string, what: string): GoogleApiError {
  let parsed: { error?: { code?: number; message?: string; status?: string; details?: StatusDetail[] } } | undefined;
  try {
    const json = JSON.parse(text) as unknown;
    // searchStream wraps errors in an array (§1.11).
    parsed = (Array.isArray(json) ? json[0] : json) as typeof parsed;
  } catch {
    parsed = undefined;
  }
  const error = parsed?.error;
  const details = Array.isArray(error?.details) ? error.details : [];
  let reason: string | null = null;
  let retryAfterMs = retryAfterHeader(headers.get('retry-after'));
  let requestId: string | null = null;
  let detailMessage: string | null = null;
  const violations: FieldViolation[] = [];
  for (const detail of details) {
    const type = detail['@type'] ?? '';
    if (type.endsWith('google.rpc.ErrorInfo')) {
      reason ??= detail.reason ?? null;
      requestId ??= detail.metadata?.requestId ?? null;
    } else if (type.endsWith('google.rpc.RequestInfo')) requestId ??= detail.requestId ?? null;
    else if (type.endsWith('google.rpc.RetryInfo')) retryAfterMs = durationMs(detail.retryDelay) ?? retryAfterMs;
    else if (type.endsWith('google.rpc.BadRequest')) {
      for (const v of detail.fieldViolations ?? []) violations.push({ field: v.field ?? '', description: v.description ?? '', ...(v.reason ? { reason: v.reason } : {}) });
    } else if (type.endsWith('GoogleAdsFailure')) {
      // Google Ads API: the first error's enum value is the reason (e.g. USER_PERMISSION_DENIED).
      const code = detail.errors?.[0]?.errorCode;
      if (code) reason = Object.values(code)[0] ?? reason;
      detailMessage ??= detail.errors?.[0]?.message ?? null;
    }
  }
  // Data Manager puts the specific reason on each violation; the ErrorInfo reason is the generic one.
  if (violations.length && (reason === null || reason === 'INVALID_ARGUMENT')) reason = violations[0]!.reason ?? reason;
  const status = error?.status ?? (httpStatus === 401 ? 'UNAUTHENTICATED' : httpStatus === 429 ? 'RESOURCE_EXHAUSTED' : httpStatus >= 500 ? 'UNAVAILABLE' : 'UNKNOWN');
  const explanation = detailMessage ?? error?.message;
  const message = `${what}: ${explanation ?? `HTTP ${httpStatus}`}${reason && reason !== status ? ` (${reason})` : ''}`;
  return new GoogleApiError(httpStatus, status, message, reason, violations, retryAfterMs, requestId);
}

export interface JsonAnswer<T> {
  status: number;
  body: T;
}

/** POST/GET JSON with a bearer token; throws GoogleApiError / GoogleNetworkError. `what` names the call in messages. */
export async function googleJson<T>(
  url: string,
  init: { method: 'GET' | 'POST'; accessToken: string; body?: unknown; headers?: Record<string, string>; timeoutMs?: number; signal?: AbortSignal },
  what: string,
): Promise<JsonAnswer<T>> {
  let response: Response;
  const timeout = AbortSignal.timeout(init.timeoutMs ?? 60_000);
  try {
    response = await fetch(url, {
      method: init.method,
      headers: { ...init.headers, authorization: `Bearer ${init.accessToken}`, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
      signal: init.signal ? AbortSignal.any([init.signal, timeout]) : timeout,
    });
  } catch (error) {
    throw new GoogleNetworkError(`${what}: ${networkMessage(error)}`);
  }
  const text = await response.text().catch(() => '');
  if (!response.ok) throw apiErrorFrom(response.status, response.headers, text, what);
  try {
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
  } catch {
    throw new GoogleApiError(response.status, 'UNKNOWN', `${what}: the answer was not JSON`, null, [], null, null);
  }
}

function networkMessage(error: unknown): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return 'no answer in time';
  if (e?.name === 'AbortError') return 'cancelled';
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? 'network error';
}
