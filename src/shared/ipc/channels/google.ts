import { z } from 'zod';
import { channel } from '../define';
import { GoogleConnectInputSchema, type ConversionActionView, type GoogleConnectionView, type RunDiagnostics } from '../../domain/google';

const empty = z.object({}).strict();

export const googleChannels = {
  /** Ids and state of the Google connection ("Reconnect Google" when the grant died). Never a secret. */
  'google:connection': channel(empty).returns<GoogleConnectionView>(),
  /**
   * Starts the sign-in: main listens on 127.0.0.1, opens Google's consent page in the browser and
   * returns its URL (shown too, in case the browser did not open). The client secret goes to main
   * once, into the SecretStore, and never comes back.
   */
  'google:beginConnect': channel(GoogleConnectInputSchema).returns<{ consentUrl: string }>(),
  /** Waits for the browser to come back (or the sign-in to fail or time out); the connection after it. */
  'google:finishConnect': channel(empty).returns<GoogleConnectionView>(),
  'google:cancelConnect': channel(empty).returns<{ cancelled: boolean }>(),
  /** Lists the account's conversion actions (proves the sign-in and the account). */
  'google:test': channel(empty).returns<{ ok: true; customerId: string; actions: number; usable: number }>(),
  /** Revokes the sign-in at Google and forgets it here. */
  'google:remove': channel(empty).returns<{ removed: boolean; revoked: 'revoked' | 'already_invalid' | 'not_stored' }>(),
  /** The account's conversion actions: the stored list, or listed afresh with refresh: true. null = never listed. */
  'google:conversionActions': channel(z.object({ refresh: z.boolean().default(false) }).strict()).returns<ConversionActionView[] | null>(),
  /** Google's processing results for a send run's requests (polled now when not final). */
  'google:diagnostics': channel(z.object({ runId: z.string().min(1).max(64), poll: z.boolean().default(true) }).strict()).returns<RunDiagnostics>(),
} as const;
