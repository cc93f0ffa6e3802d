/**
 * Google sign-in for an installed app: OAuth 2.0 authorization code with PKCE (RFC 7636), the code
 * received on a one-shot listener bound to 127.0.0.1 on a random port (RFC 8252 §7.3), `state`
 * checked, refresh when the access token expires, revoke on disconnect.
 * Sources: research/upload-apis.md §3.1 and https://developers.google.com/identity/protocols/oauth2/native-app
 *
 * Tokens never appear in messages: errors name the endpoint and Google's error code only.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppError } from '../../shared/ipc/result';
import { GOOGLE_SCOPES, type GoogleEndpoints } from './config';

export const base64url = (bytes: Buffer): string => bytes.toString('base64url');

export interface Pkce {
  verifier: string;
  challenge: string;
}

/** 32 random bytes → a 43-character verifier; challenge = BASE64URL(SHA-256(verifier)) (method S256). */
export function createPkce(): Pkce {
  const verifier = base64url(randomBytes(32));
  return { verifier, challenge: pkceChallenge(verifier) };
}

export function pkceChallenge(verifier: string): string {
  return base64url(createHash('sha256').update(verifier, 'ascii').digest());
}

export interface ConsentRequest {
  clientId: string;
  redirectUri: string;
  state: string;
  challenge: string;
}

/** The consent page's URL (opened in the system browser). */
export function consentUrl(endpoints: GoogleEndpoints, request: ConsentRequest): string {
  const url = new URL(endpoints.authorize);
  url.search = new URLSearchParams({
    client_id: request.clientId,
    redirect_uri: request.redirectUri,
    response_type: 'code',
    scope: GOOGLE_SCOPES.join(' '),
    state: request.state,
    code_challenge: request.challenge,
    code_challenge_method: 'S256',
    // A refresh token, re-issued even when the user consented before (§3.1).
    access_type: 'offline',
    prompt: 'consent',
  }).toString();
  return url.toString();
}

/** Raised when the refresh token is expired or revoked: the user must connect again; nothing is sent. */
export const RECONNECT_GOOGLE = 'reconnect_google';

export function reconnectError(detail: string): AppError {
  return new AppError('forbidden', `Reconnect Google: ${detail}. Events stay queued; connect again in Settings → Connections → Google Ads (or \`convdesk connections google connect\`).`, {
    reason: RECONNECT_GOOGLE,
  });
}

/** The page the browser shows after the redirect. Plain text: nothing from the request is echoed. */
function page(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body style="font-family:sans-serif;margin:3em"><h1>${title}</h1><p>${body}</p></body></html>`;
}

export interface LoopbackListener {
  /** http://127.0.0.1:PORT — the redirect_uri registered with this consent request. */
  redirectUri: string;
  /** Resolves with the authorization code of the first redirect carrying the expected state. */
  code: Promise<string>;
  close(): void;
}

export interface ListenOptions {
  state: string;
  /** Give up after this long (default 5 minutes). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Listens on 127.0.0.1 (random port) for Google's redirect. A redirect whose `state` differs is
 * refused with 400 and ignored (it cannot come from our consent request: a forged link or another
 * local page); the listener closes after the first good one, an `error=` answer, the timeout or abort.
 */
export async function listenForCode(options: ListenOptions): Promise<LoopbackListener> {
  let settle!: { resolve(code: string): void; reject(error: Error): void };
  const code = new Promise<string>((resolve, reject) => (settle = { resolve, reject }));
  code.catch(() => undefined);
  let done = false;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const answer = (status: number, title: string, body: string) => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', connection: 'close' });
      res.end(page(title, body));
    };
    if (done || req.method !== 'GET' || url.pathname !== '/') return answer(404, 'Not found', 'Nothing here.');
    const params = url.searchParams;
    if (params.get('state') !== options.state) {
      return answer(400, 'Sign-in refused', 'This sign-in answer does not belong to the request Conversion Desk started (state mismatch). Start again from the app.');
    }
    const error = params.get('error');
    if (error) {
      finish(new AppError(error === 'access_denied' ? 'forbidden' : 'validation', error === 'access_denied' ? 'Google sign-in was cancelled on the consent page (access_denied)' : `Google sign-in failed: ${error}`));
      return answer(200, 'Sign-in cancelled', 'You can close this tab and return to Conversion Desk.');
    }
    const received = params.get('code');
    if (!received) return answer(400, 'Sign-in refused', 'The answer had no authorization code.');
    finish(null, received);
    answer(200, 'Signed in', 'Conversion Desk received Google’s answer. You can close this tab.');
  });
  const timer = setTimeout(() => finish(new AppError('cancelled', 'Google sign-in timed out: no answer from the consent page')), options.timeoutMs ?? 300_000);
  const onAbort = () => finish(new AppError('cancelled', 'Google sign-in was cancelled'));
  options.signal?.addEventListener('abort', onAbort, { once: true });

  function finish(error: Error | null, value?: string) {
    if (done) return;
    done = true;
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    if (error) settle.reject(error);
    else settle.resolve(value!);
    // Let the answer page flush, then stop listening.
    setImmediate(() => {
      server.close();
      server.closeIdleConnections();
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { redirectUri: `http://127.0.0.1:${port}`, code, close: () => finish(new AppError('cancelled', 'Google sign-in was cancelled')) };
}

export interface TokenAnswer {
  accessToken: string;
  /** Epoch ms when the access token expires. */
  expiresAt: number;
  refreshToken: string | null;
  scopes: string[];
}

interface RawToken {
  access_token?: string;
  expires_in?: number;
  refresh_token?: string;
  scope?: string;
  token_type?: string;
  error?: string;
  error_description?: string;
}

async function tokenRequest(endpoints: GoogleEndpoints, form: Record<string, string>, now: () => number): Promise<TokenAnswer> {
  let response: Response;
  try {
    response = await fetch(endpoints.token, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new AppError('io', `Google token endpoint unreachable: ${(error as Error).name === 'TimeoutError' ? 'no answer in time' : ((error as { cause?: { code?: string } }).cause?.code ?? 'network error')}`);
  }
  let body: RawToken = {};
  try {
    body = (await response.json()) as RawToken;
  } catch {
    /* not JSON: handled below */
  }
  if (!response.ok || !body.access_token) {
    const code = body.error ?? `HTTP ${response.status}`;
    // RFC 6749 §5.2: the grant (refresh token or code) is expired, revoked or was issued to another client.
    if (code === 'invalid_grant') throw reconnectError(body.error_description ? `Google says "${body.error_description}"` : 'the sign-in expired or was revoked');
    if (code === 'invalid_client' || code === 'unauthorized_client') {
      throw new AppError('forbidden', `Google refused the OAuth client (${code}): check the client id and secret of your "Desktop app" OAuth client`, { reason: RECONNECT_GOOGLE });
    }
    throw new AppError(response.status >= 500 ? 'io' : 'forbidden', `Google token endpoint answered ${code}${body.error_description ? `: ${body.error_description}` : ''}`);
  }
  return {
    accessToken: body.access_token,
    expiresAt: now() + Math.max(0, (body.expires_in ?? 3600) - 60) * 1000,
    refreshToken: body.refresh_token ?? null,
    scopes: (body.scope ?? '').split(/\s+/).filter(Boolean),
  };
}

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

/** Exchanges the authorization code (with the PKCE verifier) for tokens; checks both scopes were granted. */
export async function exchangeCode(
  endpoints: GoogleEndpoints,
  client: ClientCredentials,
  exchange: { code: string; verifier: string; redirectUri: string },
  now: () => number = Date.now,
): Promise<TokenAnswer & { refreshToken: string }> {
  const answer = await tokenRequest(
    endpoints,
    {
      code: exchange.code,
      client_id: client.clientId,
      client_secret: client.clientSecret,
      redirect_uri: exchange.redirectUri,
      grant_type: 'authorization_code',
      code_verifier: exchange.verifier,
    },
    now,
  );
  if (!answer.refreshToken) throw new AppError('forbidden', 'Google granted no refresh token; connect again (the consent page must be completed, not skipped)');
  assertScopes(answer.scopes);
  return answer as TokenAnswer & { refreshToken: string };
}

/** Granular consent lets the user untick a scope (§3.1, UNCONFIRMED for these scopes): say which one is missing. */
export function assertScopes(granted: readonly string[]): void {
  if (!granted.length) return; // Google always returns `scope`; an empty answer means "as requested".
  const missing = GOOGLE_SCOPES.filter((scope) => !granted.includes(scope));
  if (missing.length) {
    throw new AppError('forbidden', `Google did not grant ${missing.map((s) => s.replace('https://www.googleapis.com/auth/', '')).join(' and ')} access; connect again and leave every box ticked on the consent page`, {
      reason: RECONNECT_GOOGLE,
    });
  }
}

export function refreshAccessToken(endpoints: GoogleEndpoints, client: ClientCredentials, refreshToken: string, now: () => number = Date.now): Promise<TokenAnswer> {
  return tokenRequest(endpoints, { client_id: client.clientId, client_secret: client.clientSecret, refresh_token: refreshToken, grant_type: 'refresh_token' }, now);
}

/** Revokes the grant at Google. An already dead token (400 invalid_token) counts as revoked. */
export async function revokeToken(endpoints: GoogleEndpoints, token: string): Promise<'revoked' | 'already_invalid'> {
  let response: Response;
  try {
    response = await fetch(endpoints.revoke, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }).toString(),
      signal: AbortSignal.timeout(30_000),
    });
  } catch {
    throw new AppError('io', 'Google revocation endpoint unreachable; the connection was not removed (try again, or remove access at myaccount.google.com/permissions)');
  }
  if (response.ok) return 'revoked';
  const body = (await response.json().catch(() => ({}))) as RawToken;
  if (response.status === 400 && (body.error === 'invalid_token' || body.error === 'invalid_grant')) return 'already_invalid';
  throw new AppError('io', `Google did not revoke the sign-in (${body.error ?? `HTTP ${response.status}`})`);
}

/**
 * An access token on demand: refreshed when missing or about to expire, or when a call reported
 * it rejected (invalidate). One refresh at a time, shared by concurrent callers.
 */
export class AccessTokens {
  private current: TokenAnswer | null = null;
  private pending: Promise<TokenAnswer> | null = null;
  /** Refreshes done (tests and progress). */
  refreshes = 0;

  constructor(
    private readonly endpoints: GoogleEndpoints,
    private readonly client: ClientCredentials,
    private readonly refreshToken: string,
    private readonly now: () => number = Date.now,
  ) {}

  async get(): Promise<string> {
    if (this.current && this.current.expiresAt > this.now()) return this.current.accessToken;
    this.pending ??= refreshAccessToken(this.endpoints, this.client, this.refreshToken, this.now)
      .then((answer) => {
        this.refreshes++;
        this.current = answer;
        return answer;
      })
      .finally(() => (this.pending = null));
    return (await this.pending).accessToken;
  }

  /** The API answered 401 with this token: the next get() refreshes. */
  invalidate(token: string): void {
    if (this.current?.accessToken === token) this.current = null;
  }
}
