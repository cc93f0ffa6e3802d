/**
 * A faithful local fake of Meta's Conversions API endpoint, `POST /v26.0/{dataset}/events`
 * (research/upload-apis.md §4.1–4.5, §4.7 checklist), on 127.0.0.1 only. Used by the integration
 * tests, the e2e harness and the send benchmark.
 *
 * What it checks, like Meta: the access token (unknown → 190, expired → 190/463), `appsecret_proof`
 * when the app requires it, the dataset id (unknown → 100/33), `data` as a JSON array (or a JSON
 * string in a form-encoded body) of 1..1,000 events, each with event_name, an integer event_time,
 * a known action_source, user_data with at least one customer-information key, hashed keys as
 * arrays of 64-hex strings, fbc as fb.1.<ms>.<fbclid>, event_time at most 7 days old (62 for
 * physical_store; older → 100/2804003 for the WHOLE request) and not in the future, Purchase with
 * value and currency. One invalid event rejects the whole request (all-or-nothing).
 * Subcodes other than 33, 463 and 2804003 are UNCONFIRMED (Meta does not document them).
 *
 * On demand: throttling (codes 4 / 17 / 613 with is_transient), 5xx, slow answers, connections
 * dropped before or after the events were recorded, events rejected by id. It records every
 * accepted event (`accepted`, test events apart) so tests count duplicates; Meta deduplicates on
 * event_name + event_id (`unique()`).
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export const FAKE_META_VERSION = 'v26.0';
const ACTION_SOURCES = new Set(['website', 'app', 'email', 'phone_call', 'chat', 'physical_store', 'system_generated', 'business_messaging', 'other']);
const HASHED_KEYS = ['em', 'ph', 'fn', 'ln', 'ge', 'db', 'ct', 'st', 'zp', 'country', 'external_id'];
const PLAIN_KEYS = ['client_ip_address', 'client_user_agent', 'fbc', 'fbp', 'lead_id', 'subscription_id', 'fb_login_id', 'madid', 'anon_id', 'ctwa_clid', 'page_id'];
const HEX64 = /^[0-9a-f]{64}$/;
const DAY_S = 86_400;

export interface AcceptedEvent {
  datasetId: string;
  eventName: string;
  eventId: string | null;
  eventTime: number;
  request: number;
}

export interface FakeMetaFailure {
  /** HTTP status (default 400 for Graph errors). */
  status?: number;
  code?: number;
  subcode?: number;
  isTransient?: boolean;
  message?: string;
  /** Response headers (Retry-After, X-Business-Use-Case-Usage…). */
  headers?: Record<string, string>;
}

interface GraphError {
  status: number;
  code: number;
  subcode?: number;
  type?: string;
  isTransient?: boolean;
  message: string;
  title?: string;
  userMessage?: string;
  headers?: Record<string, string>;
}

export interface FakeMetaOptions {
  port?: number;
  /** Known datasets (pixel ids). */
  datasets?: string[];
  /** token → state. */
  tokens?: Record<string, 'valid' | 'expired'>;
  /** When set, every request must carry appsecret_proof = HMAC-SHA256(appSecret, token). */
  appSecret?: string | null;
  /** "Now" in seconds for the event-age rules (default: the clock). */
  nowSeconds?: () => number;
  /** Delay before every answer, ms. */
  delayMs?: number;
  /** Skip the per-event checks (benchmark: the app side, not the fake, is measured). */
  lenient?: boolean;
}

export class FakeMeta {
  readonly datasets: Set<string>;
  readonly tokens: Map<string, 'valid' | 'expired'>;
  appSecret: string | null;
  delayMs: number;
  lenient: boolean;
  nowSeconds: () => number;
  /** Every accepted real event, in arrival order (test events are in `testEvents`). */
  readonly accepted: AcceptedEvent[] = [];
  readonly testEvents: (AcceptedEvent & { testEventCode: string })[] = [];
  /** One entry per request that reached the handler. */
  readonly requests: { n: number; datasetId: string; events: number; status: number; code?: number; subcode?: number; testEventCode?: string }[] = [];
  /** event_id → the error Meta would give for that event (it rejects the whole request). */
  readonly rejectEventIds = new Map<string, { subcode: number; message: string; title?: string }>();
  private readonly failures: FakeMetaFailure[] = [];
  private drops: ('before' | 'after')[] = [];
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private requestCount = 0;
  url = '';

  constructor(options: FakeMetaOptions = {}) {
    this.datasets = new Set(options.datasets ?? ['1234567890']);
    this.tokens = new Map(Object.entries(options.tokens ?? { 'EAAtest-valid-token-0000000000000000': 'valid' }));
    this.appSecret = options.appSecret ?? null;
    this.delayMs = options.delayMs ?? 0;
    this.lenient = options.lenient ?? false;
    this.nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  }

  async start(port = 0): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 5000;
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = null;
  }

  /** The next `count` requests fail like this (throttling, 5xx…), in order, before any validation. */
  failNext(count: number, failure: FakeMetaFailure): void {
    for (let i = 0; i < count; i++) this.failures.push(failure);
  }

  /** Throttling as Meta sends it: code 17 (user), 4 (app) or 613 (calls per hour), is_transient. */
  throttleNext(count: number, code: 4 | 17 | 613 = 17, headers?: Record<string, string>): void {
    const subcode = code === 17 ? 2446079 : code === 613 ? 1487742 : undefined;
    const message = code === 4 ? 'Application request limit reached' : code === 17 ? 'User request limit reached' : 'Calls to this api have exceeded the rate limit.';
    this.failNext(count, { status: 400, code, subcode, isTransient: true, message, headers });
  }

  /** The next `count` requests lose their connection: 'before' recording anything, or 'after' recording the events (the answer never arrives). */
  dropNext(count: number, when: 'before' | 'after' = 'after'): void {
    for (let i = 0; i < count; i++) this.drops.push(when);
  }

  /** Distinct (event_name, event_id) pairs accepted: what Meta counts after deduplication. */
  unique(): number {
    return new Set(this.accepted.map((e) => `${e.eventName}\u0000${e.eventId}`)).size;
  }

  /** event_id → how many times it was accepted. */
  countsById(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const e of this.accepted) counts.set(e.eventId ?? '', (counts.get(e.eventId ?? '') ?? 0) + 1);
    return counts;
  }

  reset(): void {
    this.accepted.length = 0;
    this.testEvents.length = 0;
    this.requests.length = 0;
    this.failures.length = 0;
    this.drops = [];
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.url === '/__fake__/stats') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ accepted: this.accepted.length, unique: this.unique(), requests: this.requests.length, testEvents: this.testEvents.length }));
    }
    const n = ++this.requestCount;
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    const read = /^\/(v\d+\.\d+)\/(\d+)(?:\?.*)?$/.exec(req.url ?? '');
    if (req.method === 'GET' && read) return this.readDataset(req, res, n, read[2]!);
    const match = /^\/(v\d+\.\d+)\/([^/?]+)\/events(?:\?.*)?$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !match) return this.send(res, { status: 400, code: 100, type: 'GraphMethodException', message: `Unsupported ${req.method} request.` }, n, '', 0);
    const [, version, datasetId] = match as unknown as [string, string, string];
    if (version !== FAKE_META_VERSION) return this.send(res, { status: 400, code: 2635, message: `(#2635) You are calling a deprecated version of the Ads API. Please update to the latest version: ${FAKE_META_VERSION}.` }, n, datasetId, 0);

    let params: Record<string, unknown>;
    try {
      params = parseBody(req.headers['content-type'] ?? '', Buffer.concat(chunks).toString('utf8'), new URL(req.url!, 'http://x').searchParams);
    } catch {
      return this.send(res, { status: 400, code: 100, message: 'Invalid parameter', userMessage: 'The request body could not be parsed.' }, n, datasetId, 0);
    }
    const data = params.data;
    const count = Array.isArray(data) ? data.length : 0;

    const drop = this.drops.shift();
    if (drop === 'before') return void req.socket.destroy();
    const failure = this.failures.shift();
    if (failure) {
      const error: GraphError = { status: failure.status ?? 400, code: failure.code ?? 1, subcode: failure.subcode, isTransient: failure.isTransient, message: failure.message ?? 'An unknown error occurred', headers: failure.headers };
      if ((failure.status ?? 400) >= 500 && failure.code === undefined) {
        this.requests.push({ n, datasetId, events: count, status: failure.status! });
        res.writeHead(failure.status!, { 'content-type': 'text/html', ...failure.headers });
        return void res.end('<html><body>Service temporarily unavailable</body></html>');
      }
      return this.send(res, error, n, datasetId, count);
    }

    const error = this.validate(datasetId, params);
    if (error) return this.send(res, error, n, datasetId, count);

    const testEventCode = typeof params.test_event_code === 'string' && params.test_event_code ? params.test_event_code : undefined;
    for (const event of data as Record<string, unknown>[]) {
      const record = { datasetId, eventName: String(event.event_name), eventId: event.event_id === undefined ? null : String(event.event_id), eventTime: Number(event.event_time), request: n };
      if (testEventCode) this.testEvents.push({ ...record, testEventCode });
      else this.accepted.push(record);
    }
    this.requests.push({ n, datasetId, events: count, status: 200, testEventCode });
    if (drop === 'after') return void req.socket.destroy();
    const body = JSON.stringify({ events_received: count, messages: [], fbtrace_id: `FAKE${n.toString(36).toUpperCase()}` });
    res.writeHead(200, { 'content-type': 'application/json', 'x-fb-trace-id': `FAKE${n.toString(36).toUpperCase()}` });
    res.end(body);
  }

  /** GET /{dataset}?fields=id,name — the connection test's harmless call. */
  private readDataset(req: IncomingMessage, res: ServerResponse, n: number, datasetId: string): void {
    const query = new URL(req.url!, 'http://x').searchParams;
    const bearer = /^(?:Bearer|OAuth) (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const params = { access_token: bearer ?? query.get('access_token') ?? undefined, appsecret_proof: query.get('appsecret_proof') ?? undefined, data: [] };
    const error = this.validate(datasetId, params, true);
    if (error) return this.send(res, error, n, datasetId, 0);
    this.requests.push({ n, datasetId, events: 0, status: 200 });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: datasetId, name: `Fake dataset ${datasetId}` }));
  }

  private send(res: ServerResponse, error: GraphError, n: number, datasetId: string, events: number): void {
    this.requests.push({ n, datasetId, events, status: error.status, code: error.code, subcode: error.subcode });
    const trace = `FAKE${n.toString(36).toUpperCase()}`;
    const body = {
      error: {
        message: error.message,
        type: error.type ?? 'OAuthException',
        code: error.code,
        ...(error.subcode !== undefined ? { error_subcode: error.subcode } : {}),
        is_transient: error.isTransient ?? false,
        ...(error.title ? { error_user_title: error.title } : {}),
        ...(error.userMessage ? { error_user_msg: error.userMessage } : {}),
        fbtrace_id: trace,
      },
    };
    res.writeHead(error.status, { 'content-type': 'application/json', ...error.headers });
    res.end(JSON.stringify(body));
  }

  private validate(datasetId: string, params: Record<string, unknown>, readOnly = false): GraphError | null {
    const token = params.access_token;
    if (typeof token !== 'string' || !token) return { status: 400, code: 190, message: 'An access token is required to request this resource.' };
    const state = this.tokens.get(token);
    if (state === undefined) return { status: 400, code: 190, message: 'Invalid OAuth access token - Cannot parse access token' };
    if (state === 'expired') return { status: 400, code: 190, subcode: 463, message: 'Error validating access token: Session has expired.' };
    if (this.appSecret) {
      const expected = createHmac('sha256', this.appSecret).update(token).digest('hex');
      if (params.appsecret_proof !== expected) return { status: 400, code: 100, type: 'GraphMethodException', message: 'Invalid appsecret_proof provided in the API argument' };
    }
    if (!this.datasets.has(datasetId)) {
      return { status: 400, code: 100, subcode: 33, type: 'GraphMethodException', message: `Unsupported post request. Object with ID '${datasetId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.` };
    }
    if (readOnly) return null;
    const data = params.data;
    if (!Array.isArray(data)) return invalid(2804001, 'The parameter data is required and must be an array of events.'); // subcode UNCONFIRMED
    if (data.length === 0) return invalid(2804001, 'data must contain at least one event.');
    if (data.length > 1000) return invalid(2804002, `data may contain at most 1000 events; got ${data.length}.`); // UNCONFIRMED subcode
    if (this.lenient) return null;
    const now = this.nowSeconds();
    for (let i = 0; i < data.length; i++) {
      const problem = this.checkEvent(data[i], now);
      if (problem) return problem;
    }
    return null;
  }

  private checkEvent(event: unknown, now: number): GraphError | null {
    if (!event || typeof event !== 'object' || Array.isArray(event)) return invalid(2804001, 'Each event must be an object.');
    const e = event as Record<string, unknown>;
    const rejected = typeof e.event_id === 'string' ? this.rejectEventIds.get(e.event_id) : undefined;
    if (rejected) return { ...invalid(rejected.subcode, rejected.message), title: rejected.title };
    if (typeof e.event_name !== 'string' || !e.event_name) return invalid(2804007, 'event_name is required.');
    if (typeof e.event_time !== 'number' || !Number.isInteger(e.event_time)) return invalid(2804008, 'event_time must be a Unix timestamp in seconds.');
    if (typeof e.action_source !== 'string' || !ACTION_SOURCES.has(e.action_source)) return invalid(2804009, 'action_source is required and must be a valid value.');
    const window = e.action_source === 'physical_store' ? 62 : 7;
    if (e.event_time < now - window * DAY_S) {
      return { ...invalid(2804003, `The timestamp for this event is too far in the past. Events need to be sent from your server within ${window} days of when they occurred.`), title: 'Event Timestamp Too Old' };
    }
    if (e.event_time > now + 600) return { ...invalid(2804004, 'The timestamp for this event is in the future.'), title: 'Event Timestamp In Future' };
    const user = e.user_data;
    if (!user || typeof user !== 'object' || Array.isArray(user)) return invalid(2804019, 'user_data is required.');
    const u = user as Record<string, unknown>;
    const present = [...HASHED_KEYS, ...PLAIN_KEYS].filter((key) => u[key] !== undefined && u[key] !== null && u[key] !== '');
    if (!present.length) return { ...invalid(2804050, 'The event does not have enough customer information parameters.'), title: 'Missing Customer Information Parameters' };
    for (const key of HASHED_KEYS) {
      if (u[key] === undefined) continue;
      const values = Array.isArray(u[key]) ? (u[key] as unknown[]) : [u[key]];
      if (!values.every((v) => typeof v === 'string' && HEX64.test(v))) return { ...invalid(2804016, `user_data.${key} must be SHA-256 hashed (64 lowercase hex characters).`), title: 'Unhashed Customer Information' };
    }
    if (u.fbc !== undefined && (typeof u.fbc !== 'string' || !/^fb\.\d\.\d{10,13}\..+$/.test(u.fbc))) {
      return { ...invalid(2804017, `The fbc parameter is not in the expected format fb.1.<creation time in ms>.<fbclid>: ${String(u.fbc).slice(0, 40)}`), title: 'Invalid Click ID (fbc)' };
    }
    if (e.event_name === 'Purchase') {
      const custom = (e.custom_data ?? {}) as Record<string, unknown>;
      if (typeof custom.value !== 'number' || typeof custom.currency !== 'string') return { ...invalid(2804048, 'Purchase events require custom_data.value and custom_data.currency.'), title: 'Missing Value Or Currency' };
    }
    return null;
  }
}

function invalid(subcode: number, userMessage: string): GraphError {
  return { status: 400, code: 100, subcode, message: 'Invalid parameter', userMessage };
}

function parseBody(contentType: string, text: string, query: URLSearchParams): Record<string, unknown> {
  const params: Record<string, unknown> = Object.fromEntries(query.entries());
  if (contentType.includes('application/json')) Object.assign(params, JSON.parse(text || '{}'));
  else if (text) for (const [key, value] of new URLSearchParams(text)) params[key] = value;
  if (typeof params.data === 'string') params.data = JSON.parse(params.data);
  return params;
}
