import { z } from 'zod';

/** What the window may know about the Google connection: ids and state, never a secret. */
export interface GoogleConnectionView {
  connected: boolean;
  state: 'not_connected' | 'connected' | 'reconnect_needed';
  clientId: string | null;
  customerId: string | null;
  loginCustomerId: string | null;
  connectedAt: string | null;
  lastError: string | null;
  actionsFetchedAt: string | null;
  actionsCount: number | null;
}

export interface ConversionActionView {
  id: string;
  name: string;
  type: string;
  status: string;
  /** Enabled and of an importable type ("Import from clicks"): the send accepts it. */
  usable: boolean;
}

export type GoogleRequestStatus = 'PROCESSING' | 'SUCCESS' | 'PARTIAL_SUCCESS' | 'FAILED' | 'REQUEST_STATUS_UNKNOWN';

export interface ReasonCount {
  reason: string;
  count: number;
}

export interface RequestDiagnosticsView {
  sendRequestId: string;
  googleRequestId: string;
  events: number;
  status: GoogleRequestStatus;
  errors: ReasonCount[];
  warnings: ReasonCount[];
  polls: number;
  nextPollAt: string | null;
  lastError: string | null;
}

/** "sent" means accepted by Google; these are Google's later processing results for a run. */
export interface RunDiagnostics {
  requests: RequestDiagnosticsView[];
  byStatus: Partial<Record<GoogleRequestStatus, number>>;
  /** Events Google reported as not processed, by reason, over the run's requests. */
  errorsByReason: ReasonCount[];
  pending: number;
}

const CustomerIdSchema = z.string().trim().max(20);

export const GoogleConnectInputSchema = z
  .object({
    clientId: z.string().trim().min(1).max(200),
    clientSecret: z.string().trim().min(1).max(500),
    customerId: CustomerIdSchema.min(1),
    loginCustomerId: CustomerIdSchema.nullable().default(null),
  })
  .strict();
export type GoogleConnectInput = z.input<typeof GoogleConnectInputSchema>;
