// `convdesk connections google …`, `convdesk google conversion-actions`, `convdesk send --to google`
// and `send status` as a user runs them (child processes of the bundled CLI) against the fake Google.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FakeGoogle } from '../fakes/google';
import { createTestContext } from '../helpers/context';
import { convdesk, ROOT } from '../send/cli-helpers';
import { MANAGER_ID, startFake } from './helpers';
import { mapActions, seedGoogle } from './seed';

describe('convdesk connections google / google conversion-actions / send --to google', () => {
  let ctx: ReturnType<typeof createTestContext>;
  let fake: FakeGoogle;
  let env: NodeJS.ProcessEnv;

  beforeEach(async () => {
    ctx = createTestContext();
    fake = await startFake();
    env = { ...fake.env(), MY_GOOGLE_SECRET: fake.clientSecret };
  });
  afterEach(async () => {
    await fake.close();
    ctx.cleanup();
  });

  it('connect prints the consent URL, waits for the browser, and keeps the tokens out of the database and the output', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'convdesk.cjs'), '--db', ctx.dbPath, 'connections', 'google', 'connect', '--client-id', fake.clientId, '--client-secret-env', 'MY_GOOGLE_SECRET', '--customer-id', '123-456-7890', '--login-customer-id', MANAGER_ID, '--json'], {
      env: { ...process.env, ...env },
      cwd: ROOT,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    const consentUrl = await new Promise<string>((resolve) => {
      child.stderr.on('data', (d) => {
        stderr += d;
        const match = /(http:\/\/127\.0\.0\.1:\d+\/o\/oauth2\/v2\/auth\?\S+)/.exec(stderr);
        if (match) resolve(match[1]!);
      });
    });
    const code = new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect((await fetch(await fake.approve(consentUrl))).status).toBe(200);
    expect(await code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ connected: true, customerId: '1234567890', loginCustomerId: MANAGER_ID });

    const secrets = JSON.parse(readFileSync(join(ctx.dataDir, 'secrets.json'), 'utf8')) as Record<string, string>;
    expect(fake.isRefreshTokenLive(secrets['google.refresh_token']!)).toBe(true);
    const dbBytes = readFileSync(ctx.dbPath).toString('latin1') + readFileSync(`${ctx.dbPath}-wal`, { flag: 'a+' }).toString('latin1');
    for (const secret of [secrets['google.refresh_token']!, fake.clientSecret]) {
      expect(dbBytes).not.toContain(secret);
      expect(stdout + stderr).not.toContain(secret);
    }

    const show = await convdesk(ctx.dbPath, ['connections', 'google', 'show'], env);
    expect(show.stdout).toContain('Google Ads: connected — customer 1234567890 through manager 9876543210');
    const test = await convdesk(ctx.dbPath, ['connections', 'google', 'test'], env);
    expect([test.code, test.stdout.trim()]).toEqual([0, 'ok: signed in; Google Ads account 1234567890 has 5 conversion action(s), 3 usable for imported conversions']);
    const actions = await convdesk(ctx.dbPath, ['google', 'conversion-actions', '--json'], env);
    expect(JSON.parse(actions.stdout)).toContainEqual({ id: '444', name: 'Website purchase', type: 'WEBPAGE', status: 'ENABLED', usable: false });
  });

  it('a secret in argv instead of a variable name is refused', async () => {
    const run = await convdesk(ctx.dbPath, ['connections', 'google', 'connect', '--client-id', fake.clientId, '--client-secret-env', 'GOCSPX-in-argv', '--customer-id', '1234567890'], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('NAME of an environment variable');
  });

  it('send --to google, then send status polls the diagnostics to PARTIAL_SUCCESS; remove revokes', async () => {
    const refreshToken = fake.issueRefreshToken();
    const connect = await convdesk(ctx.dbPath, ['connections', 'google', 'connect', '--client-id', fake.clientId, '--client-secret-env', 'MY_GOOGLE_SECRET', '--customer-id', '1234567890', '--login-customer-id', MANAGER_ID, '--refresh-token-env', 'MY_REFRESH'], { ...env, MY_REFRESH: refreshToken });
    expect(connect.code).toBe(0);
    mapActions(ctx);
    seedGoogle(ctx, 30, { gclid: (i) => (i < 3 ? `bad-gclid-${i}` : `gclid-${i}`) });
    fake.processingError((e) => e.adIdentifiers?.gclid?.startsWith('bad-') ?? false, 'INVALID_GCLID');

    const dry = await convdesk(ctx.dbPath, ['send', '--to', 'google', '--dry-run', '--json'], env);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, sent: 30, requests: 1 });
    expect(fake.accepted.size).toBe(0);

    const sent = await convdesk(ctx.dbPath, ['send', '--to', 'google', '--json'], env);
    expect(sent.code).toBe(0);
    const result = JSON.parse(sent.stdout) as { runId: string; sent: number; failed: unknown[]; excluded: unknown[]; requests: number; dryRun: boolean };
    expect(result).toMatchObject({ sent: 30, failed: [], excluded: [], requests: 1, dryRun: false });

    const first = await convdesk(ctx.dbPath, ['send', 'status', result.runId, '--json'], env);
    expect(JSON.parse(first.stdout).diagnostics).toMatchObject({ byStatus: { PROCESSING: 1 }, pending: 1 });
    const second = await convdesk(ctx.dbPath, ['send', 'status', result.runId], env);
    expect(second.stdout).toContain('Google processing results ("sent" = accepted by Google');
    expect(second.stdout).toMatch(/request [0-9a-f-]{36}: PARTIAL_SUCCESS, 30 event\(s\); not processed: INVALID_GCLID 3/);
    const json = await convdesk(ctx.dbPath, ['send', 'status', '--json'], env);
    expect(JSON.parse(json.stdout).diagnostics).toMatchObject({ byStatus: { PARTIAL_SUCCESS: 1 }, errorsByReason: [{ reason: 'INVALID_GCLID', count: 3 }], pending: 0 });
    expect(fake.calls.status).toBe(2);

    const remove = await convdesk(ctx.dbPath, ['connections', 'google', 'remove'], env);
    expect(remove.stdout.trim()).toBe('Google Ads disconnected (access revoked at Google)');
    expect(fake.isRefreshTokenLive(refreshToken)).toBe(false);
    const after = await convdesk(ctx.dbPath, ['send', '--to', 'google'], env);
    expect(after.code).not.toBe(0);
    expect(after.stderr).toContain('Google Ads is not connected');
  });
});
