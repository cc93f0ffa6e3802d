// The `convdesk connections meta …` and `convdesk send …` commands as a user runs them (child
// processes of the bundled CLI) against the fake Meta.
import { spawn } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeAppContext } from '../../src/main/app/context';
import type { FakeMeta } from '../fakes/meta';
import { createTestContext } from '../helpers/context';
import { convdesk } from './cli-helpers';
import { DATASET, TOKEN, seedEvents, startFakeMeta } from './helpers';

describe('convdesk connections meta / send', () => {
  let ctx: ReturnType<typeof createTestContext>;
  let fake: FakeMeta;
  let env: NodeJS.ProcessEnv;

  beforeEach(async () => {
    ctx = createTestContext();
    fake = await startFakeMeta();
    env = { CONVDESK_META_GRAPH_URL: fake.url, MY_META_TOKEN: TOKEN };
  });
  afterEach(async () => {
    await fake.stop();
    delete process.env.CONVDESK_META_GRAPH_URL;
    ctx.cleanup();
  });

  it('set reads the token from the named variable, show / test never print it, remove forgets it', async () => {
    const set = await convdesk(ctx.dbPath, ['connections', 'meta', 'set', '--dataset-id', DATASET, '--token-env', 'MY_META_TOKEN', '--test-event-code', 'TEST1', '--action-source', 'system_generated', '--json'], env);
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ connected: true, datasetId: DATASET, tokenHint: `…${TOKEN.slice(-4)}`, testEventCode: 'TEST1', actionSource: 'system_generated', summary: `connected as dataset ${DATASET}, token ending …${TOKEN.slice(-4)}` });
    const show = await convdesk(ctx.dbPath, ['connections', 'meta', 'show'], env);
    expect(show.stdout).toContain(`connected as dataset ${DATASET}, token ending …${TOKEN.slice(-4)}`);
    const test = await convdesk(ctx.dbPath, ['connections', 'meta', 'test', '--json'], env);
    expect(test.code).toBe(0);
    expect(JSON.parse(test.stdout)).toMatchObject({ ok: true, message: expect.stringContaining(`dataset ${DATASET}`) });
    for (const output of [set, show, test]) expect(output.stdout + output.stderr).not.toContain(TOKEN);
    // A token given on the command line instead of a variable name is refused (argv lands in shell history).
    const inArgv = await convdesk(ctx.dbPath, ['connections', 'meta', 'set', '--dataset-id', DATASET, '--token-env', 'EAA.secret-in-argv'], env);
    expect(inArgv.code).toBe(2);
    expect(inArgv.stderr).toContain('NAME of an environment variable');
    fake.tokens.set(TOKEN, 'expired');
    const expired = await convdesk(ctx.dbPath, ['connections', 'meta', 'test'], env);
    expect(expired.code).toBe(1);
    expect(expired.stderr).toMatch(/code 190\/463.*expired/);
    const removed = await convdesk(ctx.dbPath, ['connections', 'meta', 'remove', '--json'], env);
    expect(JSON.parse(removed.stdout)).toMatchObject({ connected: false });
    const after = await convdesk(ctx.dbPath, ['send', '--to', 'meta'], env);
    expect(after.code).toBe(1);
    expect(after.stderr).toContain('Meta is not connected');
  });

  it('send --to meta --json: the documented shape; send status; exit codes', async () => {
    seedEvents(ctx, 1500, { fbc: (i) => (i === 3 ? 'not-an-fbc' : null) });
    seedEvents(ctx, 1, { prefix: 'novalue', valueMicros: null });
    seedEvents(ctx, 5, { prefix: 'other', eventName: 'lead' });
    await closeAppContext(ctx);
    expect((await convdesk(ctx.dbPath, ['connections', 'meta', 'set', '--dataset-id', DATASET, '--token-env', 'MY_META_TOKEN'], env)).code).toBe(0);

    const dry = await convdesk(ctx.dbPath, ['send', '--to', 'meta', '--dry-run', '--json', '--event-name', 'purchase'], env);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, sent: 1500, requests: 2, failed: [] });
    expect(fake.requests).toHaveLength(0);

    const sent = await convdesk(ctx.dbPath, ['send', '--to', 'meta', '--json', '--event-name', 'purchase'], env);
    expect(sent.code).toBe(0);
    const body = JSON.parse(sent.stdout);
    expect(Object.keys(body)).toEqual(expect.arrayContaining(['runId', 'sent', 'failed', 'excluded', 'requests', 'dryRun']));
    expect(body).toMatchObject({
      sent: 1499,
      failed: [{ eventId: 'ord-3', code: '100/2804017', reason: expect.stringContaining('fbc parameter') }],
      excluded: [{ eventId: 'novalue-0', reason: expect.stringContaining('Meta requires a value and a currency for Purchase') }],
      dryRun: false,
    });
    expect(fake.unique()).toBe(1499);
    expect(fake.accepted.some((e) => e.eventId?.startsWith('other-'))).toBe(false);

    const status = await convdesk(ctx.dbPath, ['send', 'status', body.runId, '--json'], env);
    expect(JSON.parse(status.stdout)).toMatchObject({ runId: body.runId, status: 'completed', sent: 1499, failed: [{ eventId: 'ord-3' }] });
    const latest = await convdesk(ctx.dbPath, ['send', 'status'], env);
    expect(latest.stdout).toContain(`Run ${body.runId} (meta): completed; 1499 sent, 1 failed, 1 excluded`);

    fake.tokens.set(TOKEN, 'expired');
    const refused = await convdesk(ctx.dbPath, ['send', '--to', 'meta', '--json'], env);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({ status: 'stopped', sent: 0, error: expect.stringContaining('Generate access token') });
    const usage = await convdesk(ctx.dbPath, ['send', '--to', 'tiktok'], env);
    expect(usage.code).toBe(2);
  });

  it('Ctrl-C cancels: requests in flight finish and are recorded, the rest stay queued', async () => {
    seedEvents(ctx, 20_000);
    await closeAppContext(ctx);
    fake.delayMs = 150;
    await convdesk(ctx.dbPath, ['connections', 'meta', 'set', '--dataset-id', DATASET, '--token-env', 'MY_META_TOKEN'], env);
    const child = spawn(process.execPath, ['bin/convdesk.cjs', '--db', ctx.dbPath, 'send', '--to', 'meta', '--json'], { env: { ...process.env, ...env }, cwd: `${__dirname}/../..` });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    // Once Meta has seen a request, the CLI is sending (its Ctrl-C handler is installed before the first request).
    while (fake.requests.length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill('SIGINT');
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(130);
    const result = JSON.parse(stdout);
    expect(result.status).toBe('cancelled');
    expect(result.sent).toBeGreaterThan(0);
    expect(result.sent).toBeLessThan(20_000);
    expect(fake.unique()).toBe(result.sent);
  });
});
