import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { googleEndpoints, loopbackBase } from '../../src/main/google/config';
import { CLIENT_SECRET, GoogleConnection, REFRESH_TOKEN } from '../../src/main/google/connection';
import { AccessTokens, createPkce, pkceChallenge } from '../../src/main/google/oauth';
import { AppError } from '../../src/shared/ipc/result';
import type { FakeGoogle } from '../fakes/google';
import { createTestContext } from '../helpers/context';
import { CUSTOMER_ID, endpointsOf, MANAGER_ID, MemorySecrets, startFake } from './helpers';

let fake: FakeGoogle;
let ctx: ReturnType<typeof createTestContext>;
let secrets: MemorySecrets;
let connection: GoogleConnection;

beforeEach(async () => {
  fake = await startFake();
  ctx = createTestContext();
  secrets = new MemorySecrets();
  connection = new GoogleConnection(ctx.db, ctx.kysely, secrets, endpointsOf(fake));
});
afterEach(async () => {
  connection.cancelConnect();
  await fake.close();
  ctx.cleanup();
});

const input = () => ({ clientId: fake.clientId, clientSecret: fake.clientSecret, customerId: '123-456-7890', loginCustomerId: MANAGER_ID });

describe('endpoint overrides', () => {
  it('accepts only loopback addresses', () => {
    expect(loopbackBase('X', 'http://127.0.0.1:4000/')).toBe('http://127.0.0.1:4000');
    expect(loopbackBase('X', 'http://[::1]:4000')).toBe('http://[::1]:4000');
    expect(loopbackBase('X', 'http://localhost:4000')).toBe('http://localhost:4000');
    for (const bad of ['https://evil.example.com', 'http://127.0.0.2:80', 'http://user:pw@127.0.0.1:1', 'file:///etc/passwd', 'nonsense']) {
      expect(() => loopbackBase('CONVDESK_GOOGLE_OAUTH_URL', bad), bad).toThrow(/CONVDESK_GOOGLE_OAUTH_URL/);
    }
    expect(() => googleEndpoints({ CONVDESK_DATAMANAGER_URL: 'https://datamanager.example.org' })).toThrow(/loopback/);
  });

  it("defaults to Google's hosts, with authorize and token at the documented paths", () => {
    const endpoints = googleEndpoints({});
    expect(endpoints.authorize).toBe('https://accounts.google.com/o/oauth2/v2/auth');
    expect(endpoints.token).toBe('https://oauth2.googleapis.com/token');
    expect(endpoints.revoke).toBe('https://oauth2.googleapis.com/revoke');
    expect(endpoints.dataManager).toBe('https://datamanager.googleapis.com');
    const overridden = googleEndpoints({ CONVDESK_GOOGLE_OAUTH_URL: 'http://127.0.0.1:9' });
    expect([overridden.authorize, overridden.token]).toEqual(['http://127.0.0.1:9/o/oauth2/v2/auth', 'http://127.0.0.1:9/token']);
  });
});

describe('PKCE', () => {
  it('derives the S256 challenge from a 43-character verifier (RFC 7636 appendix B vector)', () => {
    expect(pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    const pkce = createPkce();
    expect(pkce.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(pkce.challenge).toBe(createHash('sha256').update(pkce.verifier).digest('base64url'));
  });
});

describe('sign-in', () => {
  it('opens the consent page with PKCE, offline access and both scopes, then stores the tokens in the secret store only', async () => {
    const pending = await connection.beginConnect(input());
    const url = new URL(pending.consentUrl);
    expect(url.origin + url.pathname).toBe(`${fake.url}/o/oauth2/v2/auth`);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('access_type')).toBe('offline');
    expect(url.searchParams.get('scope')).toBe('https://www.googleapis.com/auth/datamanager https://www.googleapis.com/auth/adwords');
    expect(url.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(url.searchParams.get('state')!.length).toBeGreaterThanOrEqual(32);

    const redirect = await fake.approve(pending.consentUrl);
    const browser = await fetch(redirect);
    expect(browser.status).toBe(200);
    expect(await browser.text()).toContain('You can close this tab');
    const view = await pending.done;
    expect(view).toMatchObject({ connected: true, state: 'connected', customerId: CUSTOMER_ID, loginCustomerId: MANAGER_ID, clientId: fake.clientId });
    expect(fake.isRefreshTokenLive(secrets.values.get(REFRESH_TOKEN)!)).toBe(true);
    expect(secrets.values.get(CLIENT_SECRET)).toBe(fake.clientSecret);
    // Nothing secret in the database.
    const dump = JSON.stringify(ctx.db.prepare('SELECT * FROM settings').all());
    expect(dump).not.toContain(secrets.values.get(REFRESH_TOKEN)!);
    expect(dump).not.toContain(fake.clientSecret);
    expect(JSON.stringify(view)).not.toContain(fake.clientSecret);
    // The listener was one-shot.
    await expect(fetch(redirect)).rejects.toThrow();
  });

  it('refuses a redirect with the wrong state and keeps waiting for the real one', async () => {
    const pending = await connection.beginConnect(input());
    const redirect = new URL(await fake.approve(pending.consentUrl));
    const forged = new URL(redirect);
    forged.searchParams.set('state', 'forged-state');
    const refused = await fetch(forged);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('state mismatch');
    expect(fake.calls.token).toBe(0);
    expect(connection.view().connected).toBe(false);
    expect((await fetch(redirect)).status).toBe(200);
    expect((await pending.done).connected).toBe(true);
    expect(fake.calls.token).toBe(1);
  });

  it('a wrong PKCE verifier is refused by the token endpoint (the fake checks S256)', async () => {
    const pending = await connection.beginConnect(input());
    const redirect = new URL(await fake.approve(pending.consentUrl));
    const code = redirect.searchParams.get('code')!;
    const answer = await fetch(`${fake.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ code, client_id: fake.clientId, client_secret: fake.clientSecret, redirect_uri: `${redirect.origin}`, grant_type: 'authorization_code', code_verifier: 'x'.repeat(43) }).toString(),
    });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toEqual({ error: 'invalid_grant', error_description: 'Invalid code verifier.' });
    pending.cancel();
    await expect(pending.done).rejects.toThrow(/cancelled/);
  });

  it('cancelling on the consent page ends the sign-in with a clear message', async () => {
    const pending = await connection.beginConnect(input());
    await fetch(await fake.approve(pending.consentUrl, 'deny'));
    await expect(pending.done).rejects.toThrow(/cancelled on the consent page/);
    expect(connection.view().state).toBe('not_connected');
  });

  it('validates ids before anything starts', async () => {
    await expect(connection.beginConnect({ ...input(), customerId: '12345' })).rejects.toThrow(/10-digit/);
    await expect(connection.beginConnect({ ...input(), clientId: 'not-a-client' })).rejects.toThrow(/apps\.googleusercontent\.com/);
  });
});

describe('tokens', () => {
  it('refreshes when the access token expires and when the API answers 401', async () => {
    let now = Date.now();
    const tokens = new AccessTokens(endpointsOf(fake), { clientId: fake.clientId, clientSecret: fake.clientSecret }, fake.issueRefreshToken(), () => now);
    const first = await tokens.get();
    expect(await tokens.get()).toBe(first);
    now += 3600_000;
    const second = await tokens.get();
    expect(second).not.toBe(first);
    expect(fake.calls.token).toBe(2);

    await connection.connectWithRefreshToken({ ...input(), refreshToken: fake.issueRefreshToken() });
    expect((await connection.test()).usable).toBe(3);
    fake.expireAccessTokens();
    const before = fake.calls.token;
    expect((await connection.test()).actions).toBe(5);
    expect(fake.calls.token).toBe(before + 1);
    expect(fake.calls.search).toBe(3); // 1 + (401, then retried after refresh)
  });

  it('invalid_grant → "Reconnect Google", remembered, and nothing is called until the user connects again', async () => {
    await connection.connectWithRefreshToken({ ...input(), refreshToken: fake.issueRefreshToken() });
    fake.revokeAllGrants();
    const error = await connection.test().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toMatch(/^Reconnect Google: Google says "Token has been expired or revoked."/);
    expect((error as AppError).details).toEqual({ reason: 'reconnect_google' });
    expect(connection.view()).toMatchObject({ state: 'reconnect_needed', connected: false });
    const calls = { ...fake.calls };
    await expect(connection.test()).rejects.toThrow(/Reconnect Google/);
    expect(fake.calls).toEqual(calls);
  });

  it('a refresh token Google does not accept is not stored', async () => {
    await expect(connection.connectWithRefreshToken({ ...input(), refreshToken: '1//unknown' })).rejects.toThrow(/Reconnect Google/);
    expect(secrets.values.size).toBe(0);
    expect(connection.view().state).toBe('not_connected');
  });

  it('remove revokes the grant at Google and forgets it locally', async () => {
    const refresh = fake.issueRefreshToken();
    await connection.connectWithRefreshToken({ ...input(), refreshToken: refresh });
    await connection.refreshActions();
    expect(await connection.remove()).toEqual({ removed: true, revoked: 'revoked' });
    expect(fake.isRefreshTokenLive(refresh)).toBe(false);
    expect(secrets.values.size).toBe(0);
    expect(connection.view().state).toBe('not_connected');
    expect(ctx.db.prepare("SELECT count(*) AS n FROM settings WHERE key LIKE 'google.%'").get()).toEqual({ n: 0 });
  });
});

describe('conversion actions', () => {
  it('lists every page with the manager as login-customer-id and marks the usable ones', async () => {
    fake.searchPageSize = 2;
    await connection.connectWithRefreshToken({ ...input(), refreshToken: fake.issueRefreshToken() });
    const actions = await connection.refreshActions();
    expect(fake.calls.search).toBe(3);
    expect(actions.map((a) => [a.name, a.usable])).toEqual([
      ['Offline purchase', true],
      ['Qualified lead', true],
      ['Sign-up', true],
      ['Website purchase', false],
      ['Old import', false],
    ]);
    expect(connection.storedActions()).toEqual(actions);
    expect(connection.view().actionsCount).toBe(5);
  });

  it('without the manager id Google refuses the account: the error says so', async () => {
    await connection.connectWithRefreshToken({ ...input(), loginCustomerId: null, refreshToken: fake.issueRefreshToken() });
    await expect(connection.refreshActions()).rejects.toThrow(/login-customer-id.*\(USER_PERMISSION_DENIED\)/);
  });
});
