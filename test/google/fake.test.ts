// The fake Google must refuse what Google refuses (§2.6, §2.9), or the pre-flight tests prove nothing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestEvents, retrieveRequestStatus } from '../../src/main/google/datamanager';
import { GoogleApiError } from '../../src/main/google/http';
import type { IngestRequest } from '../../src/main/google/ingest';
import type { FakeGoogle } from '../fakes/google';
import { endpointsOf, startFake } from './helpers';

let fake: FakeGoogle;
let token: string;
const golden = () => JSON.parse(readFileSync(join(__dirname, '../fixtures/google/ingest-click-only.json'), 'utf8')) as IngestRequest;

async function accessToken(): Promise<string> {
  const answer = await fetch(`${fake.url}/token`, {
    method: 'POST',
    body: new URLSearchParams({ client_id: fake.clientId, client_secret: fake.clientSecret, refresh_token: fake.issueRefreshToken(), grant_type: 'refresh_token' }),
  });
  return ((await answer.json()) as { access_token: string }).access_token;
}

beforeEach(async () => {
  fake = await startFake();
  token = await accessToken();
});
afterEach(() => fake.close());

const ingest = (body: unknown) => ingestEvents(endpointsOf(fake), token, body as IngestRequest);
const refusal = (body: unknown) => ingest(body).then(() => null, (e: unknown) => e as GoogleApiError);

describe('fake Data Manager', () => {
  it('rejects the whole request for one bad event, with the google.rpc.Status envelope and the event index', async () => {
    const body = golden();
    body.events = [body.events[0]!, { ...body.events[0]!, transactionId: 'ORD-2', userData: { userIdentifiers: [{ emailAddress: 'A'.repeat(64) }] } }, { ...body.events[0]!, transactionId: 'ORD-3' }];
    const raw = await fetch(`${fake.url}/v1/events:ingest`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
    expect(raw.status).toBe(400);
    const envelope = (await raw.json()) as { error: { status: string; details: { '@type': string; fieldViolations?: unknown[] }[] } };
    expect(envelope.error.status).toBe('INVALID_ARGUMENT');
    expect(envelope.error.details.map((d) => d['@type'].split('.').pop())).toEqual(['ErrorInfo', 'RequestInfo', 'BadRequest']);
    // Uppercase hex is not what HEX encoding of a SHA-256 means here; also, the first event was fine: nothing was kept.
    expect(fake.accepted.size).toBe(0);
    const error = (await refusal(body))!;
    expect(error.fieldViolations[0]).toMatchObject({ field: 'events[1].user_data.user_identifiers[0].email_address', reason: 'INVALID_SHA256_FORMAT' });
    expect(error.kind).toBe('invalid');
  });

  it('checks limits and required fields', async () => {
    const body = golden();
    expect((await refusal({ ...body, events: Array(2001).fill(body.events[0]) }))!.reason).toBe('TOO_MANY_EVENTS');
    expect((await refusal({ ...body, events: [{ ...body.events[0], eventTimestamp: '2026-11-20 14:05:00' }] }))!.reason).toBe('INVALID_FORMAT');
    expect((await refusal({ ...body, events: [{ eventTimestamp: '2026-11-20T14:05:00Z' }] }))!.reason).toBe('NO_IDENTIFIERS_PROVIDED');
    const { encoding: _encoding, ...noEncoding } = golden();
    expect((await refusal({ ...noEncoding, events: [{ ...body.events[0], userData: { userIdentifiers: [{ emailAddress: 'a'.repeat(64) }] } }] }))!.reason).toBe('REQUIRED_FIELD_MISSING');
    expect((await refusal({ ...body, destinations: [{ ...body.destinations[0], productDestinationId: 'customers/1/conversionActions/111' }] }))!.reason).toBe('INVALID_CONVERSION_ACTION_ID');
    expect((await refusal({ ...body, destinations: [{ ...body.destinations[0], productDestinationId: '444' }] }))!.reason).toBe('INVALID_CONVERSION_ACTION_TYPE');
    const { loginAccount: _login, ...noLogin } = body.destinations[0];
    expect((await refusal({ ...body, destinations: [noLogin] }))!.kind).toBe('permission');
  });

  it('validateOnly answers without a request id and keeps nothing', async () => {
    expect(await ingest({ ...golden(), validateOnly: true })).toEqual({ requestId: null });
    expect(fake.accepted.size).toBe(0);
    expect(fake.ingests).toHaveLength(0);
  });

  it('counts a resent transaction once and reports the duplicate in the diagnostics', async () => {
    const first = await ingest(golden());
    const second = await ingest(golden());
    expect(fake.accepted.size).toBe(1);
    expect(fake.duplicates()).toHaveLength(1);
    const endpoints = endpointsOf(fake);
    expect((await retrieveRequestStatus(endpoints, token, first.requestId!)).status).toBe('PROCESSING');
    expect(await retrieveRequestStatus(endpoints, token, first.requestId!)).toEqual({ status: 'SUCCESS', recordCount: 1, errors: [], warnings: [] });
    await retrieveRequestStatus(endpoints, token, second.requestId!);
    expect(await retrieveRequestStatus(endpoints, token, second.requestId!)).toMatchObject({ status: 'FAILED', errors: [{ reason: 'DUPLICATE_TRANSACTION_ID', count: 1 }] });
    await expect(retrieveRequestStatus(endpoints, token, 'nope')).rejects.toMatchObject({ reason: 'INVALID_REQUEST_ID' });
  });

  it('without a transaction id, the same click, action and time count once', async () => {
    const body = golden();
    const { transactionId: _t, ...event } = body.events[0]!;
    await ingest({ ...body, events: [event, { ...event, eventTimestamp: '2026-11-20T15:05:00+01:00' }, { ...event, eventTimestamp: '2026-11-20T14:06:00Z' }] });
    expect(fake.accepted.size).toBe(2);
  });

  it('fails on demand: 401 without a valid token, 429 with a retry delay, 503', async () => {
    fake.expireAccessTokens();
    expect((await refusal(golden()))!.kind).toBe('auth');
    token = await accessToken();
    fake.failNext('ingest', { status: 429, retryDelay: '2s' });
    const throttled = (await refusal(golden()))!;
    expect([throttled.kind, throttled.status, throttled.retryAfterMs]).toEqual(['quota', 'RESOURCE_EXHAUSTED', 2000]);
    fake.failNext('ingest', { status: 503 });
    expect((await refusal(golden()))!.kind).toBe('transient');
    expect((await ingest(golden())).requestId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
