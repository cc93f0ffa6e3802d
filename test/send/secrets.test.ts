// Secrets: where they are kept, and a canary token that must appear nowhere else — database, WAL,
// logs, temp files, IPC answers, exports, CLI output.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SafeStorage } from 'electron';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHandlers } from '../../src/main/app/handlers';
import { exportServiceForContext } from '../../src/main/exports/handlers';
import { dispatch } from '../../src/main/ipc/bind';
import { SafeStorageSecretStore } from '../../src/main/secrets/electron-store';
import { EnvOverSecretStore, FileSecretStore, secretEnvName } from '../../src/main/secrets/store';
import { metaGraphBase } from '../../src/main/send/meta/graph';
import type { ChannelName } from '../../src/shared/ipc/contract';
import type { FakeMeta } from '../fakes/meta';
import { createTestContext } from '../helpers/context';
import { convdesk } from './cli-helpers';
import { DATASET, seedEvents, startFakeMeta } from './helpers';

const CANARY = 'EAAcanaryZQ7token-1f2e3d4c5b6a79880000canary';
const CANARY_SECRET = 'appsecret-canaryZQ8-0000';

describe('secret stores', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'convdesk-secrets-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('the file store is 0600, replaced atomically, and an environment variable wins over it', async () => {
    const file = new FileSecretStore(join(dir, 'secrets.json'));
    await file.set('meta.accessToken', 'one');
    await file.set('meta.appSecret', 'two');
    expect(statSync(join(dir, 'secrets.json')).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['secrets.json']);
    const store = new EnvOverSecretStore(file, { [secretEnvName('meta.accessToken')]: 'from-env' });
    expect(secretEnvName('meta.accessToken')).toBe('CONVDESK_SECRET_META_ACCESS_TOKEN');
    expect(await store.get('meta.accessToken')).toBe('from-env');
    expect(await store.get('meta.appSecret')).toBe('two');
    await file.delete('meta.accessToken');
    await file.delete('meta.appSecret');
    expect(readdirSync(dir)).toEqual([]);
  });

  function fakeSafeStorage(backend: string, available = true): SafeStorage & { calls: string[] } {
    const calls: string[] = [];
    const xor = (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a));
    return {
      calls,
      getSelectedStorageBackend: () => backend,
      isAsyncEncryptionAvailable: async () => (calls.push('isAsync'), available),
      encryptStringAsync: async (text: string) => (calls.push('encryptAsync'), xor(Buffer.from(text))),
      decryptStringAsync: async (buffer: Buffer) => (calls.push('decryptAsync'), { result: xor(buffer).toString(), shouldReEncrypt: false }),
      encryptString: () => {
        throw new Error('the deprecated sync API must not be used');
      },
      decryptString: () => {
        throw new Error('the deprecated sync API must not be used');
      },
      isEncryptionAvailable: () => true,
      setUsePlainTextEncryption: () => undefined,
    } as unknown as SafeStorage & { calls: string[] };
  }

  it('safeStorage: async API, ciphertext on disk; refuses Linux basic_text with a clear message', async () => {
    const good = fakeSafeStorage('gnome_libsecret');
    const store = new SafeStorageSecretStore(good, join(dir, 'secrets.enc.json'), 'linux');
    await store.set('meta.accessToken', CANARY);
    expect(readFileSync(join(dir, 'secrets.enc.json'), 'utf8')).not.toContain(CANARY);
    expect(await store.get('meta.accessToken')).toBe(CANARY);
    expect(good.calls).toEqual(['isAsync', 'encryptAsync', 'decryptAsync']);
    expect(store.description).toBe('safeStorage (gnome_libsecret)');

    const plain = new SafeStorageSecretStore(fakeSafeStorage('basic_text'), join(dir, 'other.json'), 'linux');
    await expect(plain.set('meta.accessToken', CANARY)).rejects.toThrow(/no keyring.*refuses/);
    expect(readdirSync(dir)).toEqual(['secrets.enc.json']);
    const locked = new SafeStorageSecretStore(fakeSafeStorage('kwallet6', false), join(dir, 'other.json'), 'linux');
    await expect(locked.set('meta.accessToken', CANARY)).rejects.toThrow(/not available/);
  });

  it('CONVDESK_META_GRAPH_URL is accepted only for loopback addresses', () => {
    expect(metaGraphBase({})).toBe('https://graph.facebook.com');
    for (const ok of ['http://127.0.0.1:4567', 'http://[::1]:4567/', 'http://localhost:4567']) expect(metaGraphBase({ CONVDESK_META_GRAPH_URL: ok })).toMatch(/^http:\/\/(127\.0\.0\.1|\[::1\]|localhost):4567$/);
    for (const bad of ['https://graph.facebook.com', 'http://example.com:80', 'http://127.0.0.2:1', 'http://127.0.0.1', 'http://user:pw@127.0.0.1:1', 'http://127.0.0.1:1/v26.0', 'http://localhost.evil.com:1', 'file:///etc/passwd', 'not a url']) {
      expect(() => metaGraphBase({ CONVDESK_META_GRAPH_URL: bad }), bad).toThrow(/loopback/);
    }
  });
});

describe('the canary token', () => {
  let ctx: ReturnType<typeof createTestContext>;
  let fake: FakeMeta;
  beforeEach(async () => {
    ctx = createTestContext();
    fake = await startFakeMeta({ tokens: { [CANARY]: 'valid' }, appSecret: CANARY_SECRET });
  });
  afterEach(async () => {
    await fake.stop();
    delete process.env.CONVDESK_META_GRAPH_URL;
    ctx.cleanup();
  });

  it('is in no database page, WAL, temp file, IPC answer, export or CLI output', async () => {
    const tempBefore = new Set(readdirSync(tmpdir()));
    const handlers = createHandlers(ctx);
    const answers: unknown[] = [];
    const logged: string[] = [];
    const logger = { error: (message: string, error?: unknown) => logged.push(`${message} ${String(error)} ${(error as Error)?.stack ?? ''}`) };
    const ask = async (name: ChannelName, input: unknown) => {
      const answer = await dispatch(name, handlers, () => true, { frameUrl: 'http://app', isMainFrame: true }, input, logger);
      answers.push(answer);
      return answer as { ok: boolean; value?: unknown; error?: unknown };
    };
    seedEvents(ctx, 1200, { fbc: (i) => (i === 5 ? 'broken-fbc' : null) });
    expect((await ask('connections:metaSet', { datasetId: DATASET, accessToken: CANARY, appSecret: CANARY_SECRET, testEventCode: 'TEST9' })).ok).toBe(true);
    await ask('connections:metaGet', {});
    await ask('connections:metaTest', {});
    const dry = (await ask('send:start', { to: 'meta', dryRun: true })) as { value: { runId: string } };
    await waitFor(async () => ((await ask('send:status', { runId: dry.value.runId })) as { value: { running: boolean } }).value.running === false);
    const real = (await ask('send:start', { to: 'meta' })) as { value: { runId: string } };
    await waitFor(async () => ((await ask('send:status', { runId: real.value.runId })) as { value: { running: boolean } }).value.running === false);
    await ask('send:failures', { runId: real.value.runId });
    await ask('send:runs', {});
    // A refused token and a wrong dataset: their errors must not echo the token either.
    fake.tokens.set(CANARY, 'expired');
    seedEvents(ctx, 3, { prefix: 'late' });
    const refused = (await ask('send:start', { to: 'meta' })) as { value: { runId: string } };
    await waitFor(async () => ((await ask('send:status', { runId: refused.value.runId })) as { value: { running: boolean } }).value.running === false);
    await ask('connections:metaTest', {});
    await ask('connections:metaSet', { datasetId: '999999999', accessToken: 'short' });
    expect(ctx.db.prepare("SELECT count(*) AS n FROM conversion_events WHERE sync_status = 'sent'").get()).toEqual({ n: 1199 });

    const exports = exportServiceForContext(ctx);
    const exportDir = join(ctx.dataDir, 'exports-out');
    rmSync(exportDir, { recursive: true, force: true });
    mkdirSync(exportDir);
    await exports.run({ format: 'meta', filter: { statuses: ['sent', 'queued', 'failed'] } }, join(exportDir, 'meta.csv'));
    await exports.run({ format: 'csv', filter: { statuses: ['sent', 'queued', 'failed'] } }, join(exportDir, 'all.csv'));
    const settingsJson = await ask('settings:exportJson', {});

    // The CLI's output, including its errors.
    ctx.db.pragma('wal_checkpoint(PASSIVE)');
    const show = await convdesk(ctx.dbPath, ['connections', 'meta', 'show', '--json'], { CONVDESK_META_GRAPH_URL: fake.url });
    const status = await convdesk(ctx.dbPath, ['send', 'status', '--json'], { CONVDESK_META_GRAPH_URL: fake.url });
    const failing = await convdesk(ctx.dbPath, ['send', '--to', 'meta'], { CONVDESK_META_GRAPH_URL: fake.url });

    const haystacks: [string, Buffer][] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        // The secret store itself (the CLI / harness's 0600 file) is the one place the token lives.
        else if (name !== 'secrets.json') haystacks.push([path, readFileSync(path)]);
      }
    };
    walk(ctx.dataDir);
    // The check can fail: the token is in the one file meant to hold it.
    expect(readFileSync(join(ctx.dataDir, 'secrets.json')).includes(Buffer.from(CANARY))).toBe(true);
    expect(haystacks.map(([p]) => p).some((p) => p.endsWith('convdesk.db-wal'))).toBe(true);
    for (const name of readdirSync(tmpdir()).filter((n) => !tempBefore.has(n) && !n.startsWith('convdesk-test-'))) {
      const path = join(tmpdir(), name);
      if (statSync(path).isFile()) haystacks.push([path, readFileSync(path)]);
    }
    haystacks.push(['IPC answers', Buffer.from(JSON.stringify(answers))]);
    haystacks.push(['settings export', Buffer.from(JSON.stringify(settingsJson))]);
    haystacks.push(['logs', Buffer.from(logged.join('\n'))]);
    for (const [label, out] of [['show', show], ['status', status], ['failing send', failing]] as const) haystacks.push([`CLI ${label}`, Buffer.from(out.stdout + out.stderr)]);
    for (const [where, bytes] of haystacks) {
      for (const secret of [CANARY, CANARY_SECRET, CANARY.slice(0, 24)]) expect(bytes.includes(Buffer.from(secret)), `${secret.slice(0, 12)}… found in ${where}`).toBe(false);
    }
    // The renderer's view: only the last four characters.
    expect(JSON.stringify(answers)).toContain(`token ending …${CANARY.slice(-4)}`);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
