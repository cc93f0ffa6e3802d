/**
 * A faithful fake Google on 127.0.0.1 for tests and the browser harness (research/upload-apis.md
 * §1.11, §2, §3): the OAuth consent page and token / revoke endpoints (PKCE S256 verified, refresh,
 * invalid_grant), Google Ads `googleAds:search` for conversion actions, Data Manager
 * `events:ingest` (google-ingest.ts) and `requestStatus:retrieve` (PROCESSING, then a final status
 * with error counts), failures on demand (401/403/429/5xx, dropped connections), and a record of
 * what it accepted, deduplicated as Google counts conversions.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dedupKey, validateIngest, type AcceptedConversion, type FakeCustomer, type IngestBody, type IngestEventBody, type Violation } from './google-ingest';

export type { FakeConversionAction, FakeCustomer } from './google-ingest';

export type Endpoint = 'token' | 'search' | 'ingest' | 'status' | 'revoke';

export interface ScriptedFailure {
  status: number;
  /** google.rpc.Code name; defaults from the HTTP status. */
  rpcStatus?: string;
  reason?: string;
  /** RetryInfo.retryDelay, e.g. "1s". */
  retryDelay?: string;
  /** Close the socket without answering (after reading the body). */
  drop?: boolean;
}

interface Grant {
  clientId: string;
  redirectUri: string;
  challenge: string;
  scope: string;
  used: boolean;
}

interface IngestRecord {
  requestId: string;
  body: IngestBody;
  polls: number;
  /** Processing errors found for this request, per destination (by index): reason → count. */
  errors: Map<string, number>[];
  /** Events sent to each destination. */
  counts: number[];
}

const HTTP_STATUS_NAMES: Record<number, string> = { 400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 503: 'UNAVAILABLE' };

export interface FakeGoogleOptions {
  clientId?: string;
  clientSecret?: string;
  customers?: FakeCustomer[];
  /** Access token lifetime in seconds (default 3599, as Google). */
  accessTokenTtl?: number;
  /** requestStatus:retrieve answers PROCESSING this many times before the final status (default 1). */
  processingPolls?: number;
  /** googleAds:search page size (Google's is 10,000). */
  searchPageSize?: number;
  /**
   * Benchmark mode: events:ingest checks only the envelope (auth, destinations, 1–2,000 events) and
   * counts events by their dedup key, without per-event validation or keeping bodies, so the
   * benchmark measures the app, not the fake.
   */
  lenient?: boolean;
}

export class FakeGoogle {
  url = '';
  readonly clientId: string;
  readonly clientSecret: string;
  readonly customers = new Map<string, FakeCustomer>();
  private server: Server | null = null;
  private readonly grants = new Map<string, Grant>();
  private readonly refreshTokens = new Map<string, { clientId: string; revoked: boolean }>();
  private readonly accessTokens = new Map<string, { refreshToken: string; expiresAt: number }>();
  private readonly failures: Record<Endpoint, ScriptedFailure[]> = { token: [], search: [], ingest: [], status: [], revoke: [] };
  private readonly rejections: { test(event: IngestEventBody): boolean; reason: string; withIndex: boolean }[] = [];
  private readonly processingRules: { test(event: IngestEventBody): boolean; reason: string }[] = [];
  readonly ingests: IngestRecord[] = [];
  /** Every events:ingest body received, valid or not, in order (validateOnly included). */
  readonly received: IngestBody[] = [];
  readonly accepted = new Map<string, AcceptedConversion>();
  readonly calls: Record<Endpoint, number> = { token: 0, search: 0, ingest: 0, status: 0, revoke: 0 };
  /** Called for every request before it is answered (tests use it to kill a client mid-send). */
  onRequest: ((endpoint: Endpoint) => void) | null = null;
  private receipts = 0;
  accessTokenTtl: number;
  /** Wait this long before answering events:ingest (kill tests land kills with requests in flight). */
  delayMs = 0;
  processingPolls: number;
  searchPageSize: number;
  readonly lenient: boolean;
  /** Lenient mode: events received, and their distinct dedup keys. */
  readonly counted = { events: 0, requests: 0, keys: new Set<string>() };

  constructor(options: FakeGoogleOptions = {}) {
    this.clientId = options.clientId ?? '1234-desktop.apps.googleusercontent.com';
    this.clientSecret = options.clientSecret ?? 'GOCSPX-fake-desktop-secret';
    for (const customer of options.customers ?? []) this.customers.set(customer.customerId, customer);
    this.accessTokenTtl = options.accessTokenTtl ?? 3599;
    this.processingPolls = options.processingPolls ?? 1;
    this.searchPageSize = options.searchPageSize ?? 10_000;
    this.lenient = options.lenient ?? false;
  }

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) this.status(res, 500, 'INTERNAL', String(error));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server!.close(resolve));
    this.server = null;
  }

  /** The environment the app reads its endpoints from. */
  env(): Record<string, string> {
    return { CONVDESK_GOOGLE_OAUTH_URL: this.url, CONVDESK_GOOGLE_ADS_URL: this.url, CONVDESK_DATAMANAGER_URL: this.url };
  }

  // ------------------------------------------------------------------ scripting

  /** The next `times` calls to `endpoint` fail this way. */
  failNext(endpoint: Endpoint, failure: ScriptedFailure, times = 1): void {
    for (let i = 0; i < times; i++) this.failures[endpoint].push(failure);
  }

  /** Whole requests holding a matching event are rejected with this reason (a field violation at its index). */
  rejectEvents(test: (event: IngestEventBody) => boolean, reason = 'INVALID_FORMAT', options: { withIndex?: boolean } = {}): void {
    this.rejections.push({ test, reason, withIndex: options.withIndex ?? true });
  }

  /** Accepted events that match are reported as processing errors (counts by reason) by requestStatus:retrieve. */
  processingError(test: (event: IngestEventBody) => boolean, reason: string): void {
    this.processingRules.push({ test, reason });
  }

  /** Every issued access token stops working (the app must refresh). */
  expireAccessTokens(): void {
    for (const token of this.accessTokens.values()) token.expiresAt = 0;
  }

  /** The user revoked the app at myaccount.google.com: refresh gets invalid_grant. */
  revokeAllGrants(): void {
    for (const token of this.refreshTokens.values()) token.revoked = true;
    this.accessTokens.clear();
  }

  /** Issues a refresh token directly (the "I already have one" CLI path). */
  issueRefreshToken(): string {
    const token = `1//fake-refresh-${randomBytes(12).toString('hex')}`;
    this.refreshTokens.set(token, { clientId: this.clientId, revoked: false });
    return token;
  }

  isRefreshTokenLive(token: string): boolean {
    const entry = this.refreshTokens.get(token);
    return !!entry && !entry.revoked;
  }

  /** Accepted conversions received more than once (Google counted them once). */
  duplicates(): AcceptedConversion[] {
    return [...this.accepted.values()].filter((c) => c.received > 1);
  }

  /** Follows the consent page's "Allow" link, returning the loopback redirect Google would send the browser to. */
  async approve(consentUrl: string, choice: 'allow' | 'deny' = 'allow'): Promise<string> {
    const response = await fetch(`${consentUrl}&fake_choice=${choice}`, { redirect: 'manual' });
    const location = response.headers.get('location');
    if (response.status !== 302 || !location) throw new Error(`fake consent answered ${response.status}: ${await response.text()}`);
    return location;
  }

  // ------------------------------------------------------------------ HTTP

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const body = await new Promise<string>((resolve) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
    const path = url.pathname;
    if (req.method === 'GET' && path === '/o/oauth2/v2/auth') return this.authorize(url, res);
    if (path === '/__fake__/stats') {
      const lenient = this.lenient;
      return this.json(res, 200, {
        accepted: lenient ? this.counted.events : [...this.accepted.values()].reduce((n, c) => n + c.received, 0),
        unique: lenient ? this.counted.keys.size : this.accepted.size,
        requests: lenient ? this.counted.requests : this.calls.ingest,
      });
    }
    const endpoint: Endpoint | null =
      path === '/token' ? 'token'
      : path === '/revoke' ? 'revoke'
      : /^\/v\d+\/customers\/\d+\/googleAds:search$/.test(path) ? 'search'
      : path === '/v1/events:ingest' ? 'ingest'
      : path === '/v1/requestStatus:retrieve' ? 'status'
      : null;
    if (!endpoint) return this.status(res, 404, 'NOT_FOUND', `No route ${req.method} ${path}`);
    this.calls[endpoint]++;
    this.onRequest?.(endpoint);
    const failure = this.failures[endpoint].shift();
    if (failure) {
      if (failure.drop) return void req.socket.destroy();
      return this.status(res, failure.status, failure.rpcStatus ?? HTTP_STATUS_NAMES[failure.status] ?? 'UNKNOWN', 'Scripted failure', failure.reason, [], failure.retryDelay);
    }
    if (endpoint === 'token') return this.token(new URLSearchParams(body), res);
    if (endpoint === 'revoke') return this.revoke(new URLSearchParams(body), res);
    if (!this.authorized(req)) return this.status(res, 401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token.', 'ACCESS_TOKEN_EXPIRED');
    if (endpoint === 'search') return this.search(path, req, body, res);
    if (endpoint === 'ingest') {
      if (this.delayMs) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      return this.ingest(body, res);
    }
    return this.retrieve(url, res);
  }

  private json(res: ServerResponse, status: number, value: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
    res.end(JSON.stringify(value));
  }

  /** google.rpc.Status envelope (§2.6). */
  private status(res: ServerResponse, http: number, status: string, message: string, reason?: string, violations: Violation[] = [], retryDelay?: string): void {
    const requestId = randomUUID();
    const details: unknown[] = [
      { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: reason ?? status, domain: 'datamanager.googleapis.com', metadata: { requestId } },
      { '@type': 'type.googleapis.com/google.rpc.RequestInfo', requestId },
    ];
    if (violations.length) details.push({ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: violations });
    if (retryDelay) details.push({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay });
    this.json(res, http, { error: { code: http, message, status, details } });
  }

  private authorized(req: IncomingMessage): boolean {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const entry = token ? this.accessTokens.get(token) : undefined;
    return !!entry && entry.expiresAt > Date.now() && this.isRefreshTokenLive(entry.refreshToken);
  }

  private authorize(url: URL, res: ServerResponse): void {
    const q = url.searchParams;
    const problems: string[] = [];
    if (q.get('client_id') !== this.clientId) problems.push('invalid_client');
    const redirect = q.get('redirect_uri') ?? '';
    if (!/^http:\/\/(127\.0\.0\.1|\[::1\]|localhost):\d+\/?$/.test(redirect)) problems.push('redirect_uri_mismatch');
    if (q.get('response_type') !== 'code') problems.push('unsupported_response_type');
    if (q.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(q.get('code_challenge') ?? '')) problems.push('invalid_request: PKCE S256 required');
    const scopes = (q.get('scope') ?? '').split(' ');
    for (const scope of ['https://www.googleapis.com/auth/datamanager', 'https://www.googleapis.com/auth/adwords']) if (!scopes.includes(scope)) problems.push(`missing scope ${scope}`);
    if (problems.length) {
      res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
      return void res.end(`<h1>Error 400</h1><p data-testid="fake-consent-error">${problems.join(', ')}</p>`);
    }
    const state = q.get('state') ?? '';
    const target = new URL(redirect);
    const choice = q.get('fake_choice');
    if (choice === 'deny') {
      target.search = new URLSearchParams({ error: 'access_denied', state }).toString();
      res.writeHead(302, { location: target.toString() });
      return void res.end();
    }
    if (choice === 'allow') {
      const code = `4/fake-code-${randomBytes(12).toString('hex')}`;
      this.grants.set(code, { clientId: this.clientId, redirectUri: redirect, challenge: q.get('code_challenge')!, scope: q.get('scope')!, used: false });
      target.search = new URLSearchParams({ code, state, scope: q.get('scope')! }).toString();
      res.writeHead(302, { location: target.toString() });
      return void res.end();
    }
    const allow = new URL(url.toString());
    allow.searchParams.set('fake_choice', 'allow');
    const deny = new URL(url.toString());
    deny.searchParams.set('fake_choice', 'deny');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      `<!doctype html><html><head><title>Sign in - Google Accounts (fake)</title></head><body><h1>Conversion Desk wants to access your Google Account</h1>` +
        `<p>Manage your Google Ads conversions; see, edit, create and delete your Google Ads data.</p>` +
        `<a id="allow" href="${allow.toString().replace(/&/g, '&amp;')}">Allow</a> <a id="deny" href="${deny.toString().replace(/&/g, '&amp;')}">Cancel</a></body></html>`,
    );
  }

  private issueAccess(refreshToken: string) {
    const access = `ya29.fake-${randomBytes(16).toString('hex')}`;
    this.accessTokens.set(access, { refreshToken, expiresAt: Date.now() + this.accessTokenTtl * 1000 });
    return access;
  }

  private token(form: URLSearchParams, res: ServerResponse): void {
    const fail = (error: string, description: string, status = 400) => this.json(res, status, { error, error_description: description });
    if (form.get('client_id') !== this.clientId || form.get('client_secret') !== this.clientSecret) return fail('invalid_client', 'The OAuth client was not found.', 401);
    const scope = 'https://www.googleapis.com/auth/datamanager https://www.googleapis.com/auth/adwords';
    if (form.get('grant_type') === 'authorization_code') {
      const grant = this.grants.get(form.get('code') ?? '');
      if (!grant || grant.used) return fail('invalid_grant', 'Malformed auth code.');
      grant.used = true;
      if (grant.redirectUri !== form.get('redirect_uri')) return fail('invalid_grant', 'Bad Request (redirect_uri mismatch)');
      const verifier = form.get('code_verifier') ?? '';
      const challenge = createHash('sha256').update(verifier, 'ascii').digest('base64url');
      if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier) || challenge !== grant.challenge) return fail('invalid_grant', 'Invalid code verifier.');
      const refresh = this.issueRefreshToken();
      return this.json(res, 200, { access_token: this.issueAccess(refresh), expires_in: this.accessTokenTtl, refresh_token: refresh, scope: grant.scope, token_type: 'Bearer' });
    }
    if (form.get('grant_type') === 'refresh_token') {
      const refresh = form.get('refresh_token') ?? '';
      if (!this.isRefreshTokenLive(refresh)) return fail('invalid_grant', 'Token has been expired or revoked.');
      return this.json(res, 200, { access_token: this.issueAccess(refresh), expires_in: this.accessTokenTtl, scope, token_type: 'Bearer' });
    }
    fail('unsupported_grant_type', 'Invalid grant_type.');
  }

  private revoke(form: URLSearchParams, res: ServerResponse): void {
    const token = form.get('token') ?? '';
    const refresh = this.refreshTokens.get(token) ? token : this.accessTokens.get(token)?.refreshToken;
    if (!refresh || !this.isRefreshTokenLive(refresh)) return this.json(res, 400, { error: 'invalid_token', error_description: 'Token expired or revoked' });
    this.refreshTokens.get(refresh)!.revoked = true;
    this.json(res, 200, {});
  }

  private search(path: string, req: IncomingMessage, body: string, res: ServerResponse): void {
    const customerId = /customers\/(\d+)\//.exec(path)![1]!;
    const customer = this.customers.get(customerId);
    const login = req.headers['login-customer-id'];
    if (!customer || (customer.managerId && login !== customer.managerId)) {
      return this.googleAdsError(res, 403, 'PERMISSION_DENIED', 'authorizationError', 'USER_PERMISSION_DENIED', "User doesn't have permission to access customer. Note: If you're accessing a client customer, the manager's customer id must be set in the 'login-customer-id' header.");
    }
    let request: { query?: string; pageToken?: string };
    try {
      request = JSON.parse(body) as typeof request;
    } catch {
      return this.googleAdsError(res, 400, 'INVALID_ARGUMENT', 'queryError', 'BAD_VALUE', 'Invalid JSON payload.');
    }
    const query = (request.query ?? '').replace(/\s+/g, ' ').trim();
    if (!/^SELECT .+ FROM conversion_action\b/i.test(query)) return this.googleAdsError(res, 400, 'INVALID_ARGUMENT', 'queryError', 'PROHIBITED_RESOURCE_TYPE_IN_FROM_CLAUSE', 'Only conversion_action is served by the fake.');
    const start = Number(request.pageToken ?? 0);
    const rows = customer.actions.slice(start, start + this.searchPageSize).map((a) => ({
      conversionAction: { resourceName: `customers/${customerId}/conversionActions/${a.id}`, id: a.id, name: a.name, type: a.type, status: a.status },
    }));
    const next = start + this.searchPageSize < customer.actions.length ? String(start + this.searchPageSize) : undefined;
    this.json(res, 200, { results: rows, ...(next ? { nextPageToken: next } : {}), fieldMask: 'conversionAction.id,conversionAction.name,conversionAction.type,conversionAction.status,conversionAction.resourceName', queryResourceConsumption: '1' });
  }

  private googleAdsError(res: ServerResponse, http: number, status: string, errorKind: string, code: string, message: string): void {
    this.json(res, http, {
      error: { code: http, message: 'The caller does not have permission', status, details: [{ '@type': 'type.googleapis.com/google.ads.googleads.v25.errors.GoogleAdsFailure', errors: [{ errorCode: { [errorKind]: code }, message }], requestId: randomUUID() }] },
    });
  }

  private ingest(text: string, res: ServerResponse): void {
    let body: IngestBody;
    try {
      body = JSON.parse(text) as IngestBody;
    } catch {
      return this.status(res, 400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.');
    }
    if (this.lenient) return this.countLeniently(body, res);
    this.received.push(body);
    const rejection = validateIngest(body, this.customers);
    if (rejection) return this.status(res, rejection.httpStatus, rejection.status, rejection.message, rejection.reason, rejection.violations);
    const events = body.events!;
    for (const rule of this.rejections) {
      const index = events.findIndex((e) => rule.test(e));
      if (index >= 0) {
        const field = rule.withIndex ? `events[${index}]` : 'events';
        return this.status(res, 400, 'INVALID_ARGUMENT', 'There was a problem with the request.', 'INVALID_ARGUMENT', [{ field, reason: rule.reason, description: rule.withIndex ? `Event ${index} is invalid.` : 'An event is invalid.' }]);
      }
    }
    if (body.validateOnly) return this.json(res, 200, {});
    const requestId = randomUUID();
    const destinations = body.destinations!;
    const errors = destinations.map(() => new Map<string, number>());
    const counts = destinations.map(() => 0);
    destinations.forEach((destination, d) => {
      const actionId = destination.productDestinationId!;
      const count = (reason: string) => errors[d]!.set(reason, (errors[d]!.get(reason) ?? 0) + 1);
      for (const event of events) {
        // §2.4: an event with destinationReferences goes to those destinations only; without, to all.
        if (event.destinationReferences && !event.destinationReferences.includes(destination.reference ?? '')) continue;
        counts[d]!++;
        const processing = this.processingRules.find((rule) => rule.test(event));
        if (processing) {
          count(processing.reason);
          continue;
        }
        const key = dedupKey(actionId, event, ++this.receipts);
        const existing = this.accepted.get(key);
        if (existing) {
          existing.received++;
          existing.requestIds.push(requestId);
          count(event.transactionId ? 'DUPLICATE_TRANSACTION_ID' : 'DUPLICATE_GCLID');
          continue;
        }
        const click = event.adIdentifiers?.gclid ?? event.adIdentifiers?.gbraid ?? event.adIdentifiers?.wbraid ?? null;
        this.accepted.set(key, { key, actionId, transactionId: event.transactionId ?? null, clickId: click, eventTimestamp: event.eventTimestamp!, event, received: 1, requestIds: [requestId] });
      }
    });
    this.ingests.push({ requestId, body, polls: 0, errors, counts });
    this.json(res, 200, { requestId });
  }

  private countLeniently(body: IngestBody, res: ServerResponse): void {
    const events = body.events;
    if (!Array.isArray(events) || events.length === 0 || events.length > 2000 || !body.destinations?.length) {
      return this.status(res, 400, 'INVALID_ARGUMENT', `events must hold 1 to 2,000 events; got ${Array.isArray(events) ? events.length : 'none'}.`);
    }
    this.counted.requests++;
    if (body.validateOnly) return this.json(res, 200, {});
    const byReference = new Map(body.destinations.map((d) => [d.reference ?? '', d.productDestinationId ?? '']));
    for (const event of events) {
      this.counted.events++;
      const action = event.destinationReferences?.length ? byReference.get(event.destinationReferences[0]!) ?? '' : body.destinations[0]!.productDestinationId ?? '';
      this.counted.keys.add(dedupKey(action, event, ++this.receipts));
    }
    this.json(res, 200, { requestId: randomUUID() });
  }

  private retrieve(url: URL, res: ServerResponse): void {
    const record = this.ingests.find((r) => r.requestId === url.searchParams.get('requestId'));
    if (!record) return this.status(res, 400, 'INVALID_ARGUMENT', 'Request id not found.', 'INVALID_REQUEST_ID', [{ field: 'request_id', reason: 'INVALID_REQUEST_ID', description: 'Unknown request id.' }]);
    record.polls++;
    const processing = record.polls <= this.processingPolls;
    this.json(res, 200, {
      requestStatusPerDestination: record.body.destinations!.map((destination, d) => {
        const failed = [...record.errors[d]!.values()].reduce((a, b) => a + b, 0);
        const final = failed === 0 ? 'SUCCESS' : failed >= record.counts[d]! ? 'FAILED' : 'PARTIAL_SUCCESS';
        return {
          destination,
          requestStatus: processing ? 'PROCESSING' : final,
          ...(processing ? {} : { errorInfo: { errorCounts: [...record.errors[d]!].map(([reason, n]) => ({ recordCount: String(n), reason })) }, warningInfo: { warningCounts: [] } }),
          eventsIngestionStatus: { recordCount: String(record.counts[d]) },
        };
      }),
    });
  }
}
