/**
 * The Google connection: sign in (consent in the system browser, code on the loopback listener),
 * or store a refresh token the user already has; test it; list the account's conversion actions;
 * remove it (revoked at Google). The client secret and the refresh token go to the SecretStore and
 * never come back out of main: views carry ids and states only.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ConversionActionView, GoogleConnectionView } from '../../shared/domain/google';
import { AppError } from '../../shared/ipc/result';

export type { ConversionActionView, GoogleConnectionView };
import type { Sqlite } from '../db/connection';
import type { DB } from '../db/schema';
import { actionsByName, isImportable, listConversionActions, type ConversionAction } from './actions';
import { googleEndpoints, type GoogleEndpoints } from './config';
import { GoogleApiError, GoogleNetworkError } from './http';
import { AccessTokens, consentUrl, createPkce, exchangeCode, listenForCode, RECONNECT_GOOGLE, refreshAccessToken, revokeToken, type LoopbackListener } from './oauth';
import type { GoogleCredentials } from './destination';
import * as repo from './repo';

/** The part of the app's SecretStore this module needs (names are namespaced "google.*"). */
export interface SecretStoreLike {
  get(name: string): Promise<string | null> | string | null;
  set(name: string, value: string): Promise<void> | void;
  delete(name: string): Promise<void> | void;
}

export const CLIENT_SECRET = 'google.client_secret';
export const REFRESH_TOKEN = 'google.refresh_token';

export interface ConnectInput {
  clientId: string;
  clientSecret: string;
  customerId: string;
  loginCustomerId?: string | null;
}

/** "123-456-7890" → "1234567890"; refuses anything but 10 digits. */
export function customerIdOf(value: string, what: string): string {
  const digits = value.replace(/[\s-]/g, '');
  if (!/^\d{10}$/.test(digits)) throw new AppError('validation', `${what} must be the 10-digit Google Ads customer id (e.g. 123-456-7890), got "${value}"`);
  return digits;
}

function cleanInput(input: ConnectInput) {
  const clientId = input.clientId.trim();
  if (!/^[\w.-]+\.apps\.googleusercontent\.com$/.test(clientId)) throw new AppError('validation', 'The client id must be an OAuth client id ending in .apps.googleusercontent.com (Google Cloud → Credentials → OAuth client "Desktop app")');
  if (!input.clientSecret.trim()) throw new AppError('validation', 'The client secret of the "Desktop app" OAuth client is required');
  return {
    clientId,
    clientSecret: input.clientSecret.trim(),
    customerId: customerIdOf(input.customerId, 'Customer id'),
    loginCustomerId: input.loginCustomerId?.trim() ? customerIdOf(input.loginCustomerId, 'Manager (login) customer id') : null,
  };
}

export interface PendingConnect {
  consentUrl: string;
  /** Resolves when the browser came back with a code and the tokens are stored. */
  done: Promise<GoogleConnectionView>;
  cancel(): void;
}

export class GoogleConnection {
  private tokens: AccessTokens | null = null;
  private pending: { listener: LoopbackListener } | null = null;

  constructor(
    private readonly db: Sqlite,
    private readonly k: Kysely<DB>,
    private readonly secrets: SecretStoreLike,
    private readonly fixedEndpoints: GoogleEndpoints | null = null,
    private readonly now: () => number = Date.now,
  ) {}

  /** Read when first needed, so a bad override fails the Google calls with its message, not the app's start. */
  get endpoints(): GoogleEndpoints {
    return this.fixedEndpoints ?? googleEndpoints();
  }

  /**
   * What the send worker needs (in memory only): the client, the refresh token, the account and the
   * conversion actions, listed afresh so the pre-flight checks the account as it is now (a stored list
   * is used when the Google Ads API cannot be reached; none at all is an error).
   */
  async credentials(options: { maxEventsPerRequest?: number; concurrency?: number } = {}): Promise<GoogleCredentials> {
    const { record } = await this.access();
    let actions: ConversionAction[] | null;
    try {
      actions = await this.refreshActions();
    } catch (error) {
      if (error instanceof AppError && error.code === 'forbidden') throw error;
      actions = this.storedActions();
      if (!actions) throw new AppError('io', `Could not list the conversion actions of Google Ads account ${record.customerId}: ${describeGoogleFailure(error)}`);
    }
    const [clientSecret, refreshToken] = [await this.secrets.get(CLIENT_SECRET), await this.secrets.get(REFRESH_TOKEN)];
    if (!clientSecret || !refreshToken) throw new AppError('forbidden', 'Reconnect Google: the stored sign-in is missing from this computer’s secret store. Events stay queued.', { reason: RECONNECT_GOOGLE });
    const endpoints = this.endpoints;
    // Only against a local fake (tests, benchmark) may the 300 requests/minute quota be raised.
    const rate = process.env.CONVDESK_GOOGLE_REQUESTS_PER_MINUTE;
    return {
      clientId: record.clientId,
      clientSecret,
      refreshToken,
      account: { customerId: record.customerId, loginCustomerId: record.loginCustomerId },
      actions,
      endpoints,
      ...(endpoints.overridden && rate && /^\d+$/.test(rate) ? { requestsPerMinute: Number(rate) } : {}),
      ...options,
    };
  }

  record(): repo.GoogleConnectionRecord | null {
    return repo.readConnection(this.db, this.k);
  }

  view(): GoogleConnectionView {
    const record = this.record();
    const actions = repo.readActions(this.db, this.k);
    return {
      connected: record?.state === 'connected',
      state: record?.state ?? 'not_connected',
      clientId: record?.clientId ?? null,
      customerId: record?.customerId ?? null,
      loginCustomerId: record?.loginCustomerId ?? null,
      connectedAt: record?.connectedAt ?? null,
      lastError: record?.lastError ?? null,
      actionsFetchedAt: actions && actions.customerId === record?.customerId ? actions.fetchedAt : null,
      actionsCount: actions && actions.customerId === record?.customerId ? actions.actions.length : null,
    };
  }

  /**
   * Starts the sign-in: listener on 127.0.0.1, PKCE and state, the consent URL (the caller opens it
   * in the browser). Only one sign-in at a time; a new one cancels the previous.
   */
  async beginConnect(input: ConnectInput, options: { timeoutMs?: number } = {}): Promise<PendingConnect> {
    const clean = cleanInput(input);
    this.pending?.listener.close();
    const state = randomBytes(24).toString('base64url');
    const pkce = createPkce();
    const listener = await listenForCode({ state, timeoutMs: options.timeoutMs });
    this.pending = { listener };
    const url = consentUrl(this.endpoints, { clientId: clean.clientId, redirectUri: listener.redirectUri, state, challenge: pkce.challenge });
    const done = (async () => {
      try {
        const code = await listener.code;
        const tokens = await exchangeCode(this.endpoints, clean, { code, verifier: pkce.verifier, redirectUri: listener.redirectUri }, this.now);
        await this.store(clean, tokens.refreshToken);
        return this.view();
      } finally {
        if (this.pending?.listener === listener) this.pending = null;
      }
    })();
    done.catch(() => undefined);
    return { consentUrl: url, done, cancel: () => listener.close() };
  }

  cancelConnect(): void {
    this.pending?.listener.close();
  }

  /** Headless: stores a refresh token the user already has, after checking Google accepts it. */
  async connectWithRefreshToken(input: ConnectInput & { refreshToken: string }): Promise<GoogleConnectionView> {
    const clean = cleanInput(input);
    if (!input.refreshToken.trim()) throw new AppError('validation', 'The refresh token is empty');
    await refreshAccessToken(this.endpoints, clean, input.refreshToken.trim(), this.now);
    await this.store(clean, input.refreshToken.trim());
    return this.view();
  }

  private async store(clean: ReturnType<typeof cleanInput>, refreshToken: string): Promise<void> {
    await this.secrets.set(CLIENT_SECRET, clean.clientSecret);
    await this.secrets.set(REFRESH_TOKEN, refreshToken);
    repo.writeConnection(this.db, this.k, {
      clientId: clean.clientId,
      customerId: clean.customerId,
      loginCustomerId: clean.loginCustomerId,
      state: 'connected',
      connectedAt: new Date(this.now()).toISOString(),
      lastError: null,
    });
    this.tokens = null;
  }

  /** The connection and a source of access tokens, or an error that says what to do. */
  async access(): Promise<{ record: repo.GoogleConnectionRecord; tokens: AccessTokens }> {
    const record = this.record();
    if (!record) throw new AppError('not_found', 'Google Ads is not connected: connect it in Settings → Connections → Google Ads (or `convdesk connections google connect`)');
    if (record.state === 'reconnect_needed') {
      throw new AppError('forbidden', `Reconnect Google: ${record.lastError ?? 'the sign-in expired or was revoked'}. Events stay queued.`, { reason: RECONNECT_GOOGLE });
    }
    if (!this.tokens) {
      const [clientSecret, refreshToken] = [await this.secrets.get(CLIENT_SECRET), await this.secrets.get(REFRESH_TOKEN)];
      if (!clientSecret || !refreshToken) {
        this.markReconnect('the stored sign-in is missing from this computer’s secret store');
        throw new AppError('forbidden', 'Reconnect Google: the stored sign-in is missing from this computer’s secret store. Events stay queued.', { reason: RECONNECT_GOOGLE });
      }
      this.tokens = new AccessTokens(this.endpoints, { clientId: record.clientId, clientSecret }, refreshToken, this.now);
    }
    return { record, tokens: this.tokens };
  }

  /**
   * Runs `call` with a fresh access token; a 401 refreshes once and retries; invalid_grant marks the
   * connection "Reconnect Google" and rethrows.
   */
  async withToken<T>(call: (accessToken: string, record: repo.GoogleConnectionRecord) => Promise<T>): Promise<T> {
    const { record, tokens } = await this.access();
    try {
      const token = await tokens.get();
      try {
        return await call(token, record);
      } catch (error) {
        if (!(error instanceof GoogleApiError) || error.kind !== 'auth') throw error;
        tokens.invalidate(token);
        return await call(await tokens.get(), record);
      }
    } catch (error) {
      if (error instanceof AppError && (error.details as { reason?: string } | undefined)?.reason === RECONNECT_GOOGLE) this.markReconnect(error.message.replace(/^Reconnect Google: /, '').replace(/\. Events stay queued.*$/s, ''));
      throw error;
    }
  }

  markReconnect(reason: string): void {
    const record = this.record();
    if (record) repo.writeConnection(this.db, this.k, { ...record, state: 'reconnect_needed', lastError: reason });
    this.tokens = null;
  }

  /** Lists the account's conversion actions and keeps the list for Settings and the pre-flight. */
  async refreshActions(): Promise<ConversionActionView[]> {
    const actions = await this.withToken((token, record) => listConversionActions(this.endpoints, token, record));
    const record = this.record()!;
    repo.writeActions(this.db, this.k, { customerId: record.customerId, fetchedAt: new Date(this.now()).toISOString(), actions });
    return actions.map((a) => ({ ...a, usable: a.status === 'ENABLED' && isImportable(a) }));
  }

  /** The last listing for the connected customer (no network), or null when never listed. */
  storedActions(): ConversionActionView[] | null {
    const record = this.record();
    const stored = repo.readActions(this.db, this.k);
    if (!record || !stored || stored.customerId !== record.customerId) return null;
    return stored.actions.map((a) => ({ ...a, usable: a.status === 'ENABLED' && isImportable(a) }));
  }

  storedActionsByName(): Map<string, ConversionAction> | null {
    const actions = this.storedActions();
    return actions ? actionsByName(actions) : null;
  }

  /** One harmless call that proves the grant and the account: the conversion-action listing. */
  async test(): Promise<{ ok: true; customerId: string; actions: number; usable: number } > {
    const actions = await this.refreshActions();
    return { ok: true, customerId: this.record()!.customerId, actions: actions.length, usable: actions.filter((a) => a.usable).length };
  }

  /** Revokes the grant at Google, then forgets it locally (also when Google says it was already dead). */
  async remove(): Promise<{ removed: boolean; revoked: 'revoked' | 'already_invalid' | 'not_stored' }> {
    const record = this.record();
    const refreshToken = await this.secrets.get(REFRESH_TOKEN);
    let revoked: 'revoked' | 'already_invalid' | 'not_stored' = 'not_stored';
    if (refreshToken) revoked = await revokeToken(this.endpoints, refreshToken);
    await this.secrets.delete(REFRESH_TOKEN);
    await this.secrets.delete(CLIENT_SECRET);
    repo.deleteConnection(this.db, this.k);
    this.tokens = null;
    return { removed: record !== null, revoked };
  }
}

/** A short, secret-free description of a failed Google call for messages and the journal. */
export function describeGoogleFailure(error: unknown): string {
  if (error instanceof GoogleApiError) return `${error.message}${error.reason && !error.message.includes(error.reason) ? ` (${error.reason})` : ''}`;
  if (error instanceof GoogleNetworkError || error instanceof AppError) return error.message;
  return (error as Error)?.message ?? String(error);
}
