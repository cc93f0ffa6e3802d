/**
 * Data Manager API calls: `POST /v1/events:ingest` (→ a request id, or the whole request refused)
 * and `GET /v1/requestStatus:retrieve` (processing results, ~30 minutes later, as counts per
 * reason). research/upload-apis.md §2.2, §2.6.
 */
import type { GoogleEndpoints } from './config';
import { googleJson } from './http';
import type { IngestRequest } from './ingest';

export interface IngestAnswer {
  /** Absent for validateOnly requests ("Only errors are returned"). */
  requestId: string | null;
}

/** Sends one request; throws GoogleApiError (whole request refused, auth, quota, 5xx) or GoogleNetworkError. */
export async function ingestEvents(endpoints: GoogleEndpoints, accessToken: string, request: IngestRequest | string, signal?: AbortSignal): Promise<IngestAnswer> {
  const { body } = await googleJson<{ requestId?: string }>(`${endpoints.dataManager}/v1/events:ingest`, { method: 'POST', accessToken, body: request, signal }, 'Data Manager (events:ingest)');
  return { requestId: body.requestId ?? null };
}

export const REQUEST_STATUSES = ['PROCESSING', 'SUCCESS', 'PARTIAL_SUCCESS', 'FAILED', 'REQUEST_STATUS_UNKNOWN'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export interface ReasonCount {
  reason: string;
  count: number;
}

export interface RequestDiagnostics {
  status: RequestStatus;
  /** Events the request carried (eventsIngestionStatus.recordCount). */
  recordCount: number | null;
  errors: ReasonCount[];
  warnings: ReasonCount[];
}

interface RawCounts {
  recordCount?: string | number;
  reason?: string;
}

interface RawStatus {
  requestStatusPerDestination?: {
    requestStatus?: string;
    errorInfo?: { errorCounts?: RawCounts[] };
    warningInfo?: { warningCounts?: RawCounts[] };
    eventsIngestionStatus?: { recordCount?: string | number };
  }[];
}

const counts = (list: RawCounts[] | undefined): ReasonCount[] =>
  (list ?? []).filter((c) => c.reason).map((c) => ({ reason: c.reason!, count: Number(c.recordCount ?? 0) }));

function sumCounts(lists: ReasonCount[][]): ReasonCount[] {
  const total = new Map<string, number>();
  for (const list of lists) for (const c of list) total.set(c.reason, (total.get(c.reason) ?? 0) + c.count);
  return [...total].map(([reason, count]) => ({ reason, count }));
}

/**
 * One status for the whole request (it names one destination per conversion action): still
 * PROCESSING while any destination is; SUCCESS when all succeeded; FAILED when all failed; else
 * PARTIAL_SUCCESS. Error and warning counts are summed by reason.
 */
export function parseRequestStatus(raw: RawStatus): RequestDiagnostics {
  const entries = raw.requestStatusPerDestination ?? [];
  const statuses = entries.map((e) => ((REQUEST_STATUSES as readonly string[]).includes(e.requestStatus ?? '') ? (e.requestStatus as RequestStatus) : 'REQUEST_STATUS_UNKNOWN'));
  const status: RequestStatus = !statuses.length
    ? 'REQUEST_STATUS_UNKNOWN'
    : statuses.includes('PROCESSING')
      ? 'PROCESSING'
      : statuses.every((s) => s === 'SUCCESS')
        ? 'SUCCESS'
        : statuses.every((s) => s === 'FAILED')
          ? 'FAILED'
          : statuses.includes('REQUEST_STATUS_UNKNOWN')
            ? 'REQUEST_STATUS_UNKNOWN'
            : 'PARTIAL_SUCCESS';
  const records = entries.map((e) => e.eventsIngestionStatus?.recordCount).filter((n) => n !== undefined);
  return {
    status,
    recordCount: records.length ? records.reduce<number>((sum, n) => sum + Number(n), 0) : null,
    errors: sumCounts(entries.map((e) => counts(e.errorInfo?.errorCounts))),
    warnings: sumCounts(entries.map((e) => counts(e.warningInfo?.warningCounts))),
  };
}

export async function retrieveRequestStatus(endpoints: GoogleEndpoints, accessToken: string, requestId: string, signal?: AbortSignal): Promise<RequestDiagnostics> {
  const url = `${endpoints.dataManager}/v1/requestStatus:retrieve?${new URLSearchParams({ requestId }).toString()}`;
  const { body } = await googleJson<RawStatus>(url, { method: 'GET', accessToken, signal }, 'Data Manager (requestStatus:retrieve)');
  return parseRequestStatus(body);
}

/** Terminal statuses stop the polling. */
export function isFinal(status: RequestStatus): boolean {
  return status === 'SUCCESS' || status === 'PARTIAL_SUCCESS' || status === 'FAILED';
}

/**
 * When to ask again: Google suggests waiting ~30 minutes after ingest, then polling with
 * exponential backoff (§2.6): the first poll after `firstMs`, then 5, 10, 20… minutes, at most 2 hours apart.
 */
export function nextPollDelayMs(polls: number, firstMs = 30 * 60_000): number {
  if (polls <= 0) return firstMs;
  return Math.min(5 * 60_000 * 2 ** Math.min(polls - 1, 10), 2 * 3_600_000);
}
