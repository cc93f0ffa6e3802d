import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScriptedDialogs } from '../../e2e/harness/dialogs';
import { safeFileName } from '../../src/main/files/names';

// The loopback harness as users run it (`npm run harness` → out/node/harness.cjs), probed over HTTP
// the way another web page, a DNS-rebinding page or a careless client would.
const root = join(__dirname, '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'shell-harness-test-'));
const rendererDir = join(scratch, 'renderer');
let child: ChildProcess;
let info: { url: string; origin: string; token: string; dataDir: string };
let port = 0;
let stderr = '';

interface Answer {
  status: number;
  body: string;
}

function send(method: string, path: string, options: { headers?: Record<string, string>; body?: Buffer | string; chunked?: boolean } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: `127.0.0.1:${port}`, ...options.headers };
    if (options.body !== undefined && !options.chunked) headers['content-length'] = String(Buffer.byteLength(options.body));
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (options.body !== undefined && options.chunked) {
      const body = Buffer.from(options.body);
      for (let i = 0; i < body.length; i += 64 * 1024) req.write(body.subarray(i, i + 64 * 1024));
    } else if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

const withToken = (headers: Record<string, string> = {}) => ({ 'x-convdesk-token': info.token, ...headers });
const appOrigin = () => ({ origin: info.origin });
const invoke = async (channel: string, input: unknown) =>
  JSON.parse((await send('POST', `/api/invoke/${channel}`, { headers: withToken({ ...appOrigin(), 'content-type': 'application/json' }), body: JSON.stringify(input) })).body) as {
    ok: boolean;
    value?: any;
    error?: { code: string };
  };

beforeAll(async () => {
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><html><head><title>t</title></head><body><div id="root"></div></body></html>');
  child = spawn(process.execPath, [join(root, 'out/node/harness.cjs'), '--exit-with-stdin', '--renderer-dir', rendererDir, '--max-upload-mb', '1', '--data-dir', join(scratch, 'data')], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const line = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`harness exited with ${code}: ${stderr}`)));
    createInterface({ input: child.stdout! }).once('line', resolve);
  });
  info = JSON.parse(line);
  port = Number(new URL(info.origin).port);
});

afterAll(async () => {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.stdin!.end();
  await exited;
  rmSync(scratch, { recursive: true, force: true });
});

describe('the harness hands out its token only to its own page', () => {
  it('serves the API script (which carries the token) only with the token', async () => {
    expect((await send('GET', '/__harness/api.js')).status).toBe(401);
    expect((await send('GET', `/__harness/api.js?token=${'x'.repeat(32)}`)).status).toBe(401);
    const script = await send('GET', `/__harness/api.js?token=${info.token}`);
    expect(script.status).toBe(200);
    expect(script.body).toContain(info.token);
  });

  it('serves the page only at the printed address, which passes the token on to its script', async () => {
    expect((await send('GET', '/')).status).toBe(401);
    expect(info.url).toBe(`${info.origin}/?token=${info.token}`);
    const page = await send('GET', `/?token=${info.token}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain(`/__harness/api.js?token=${info.token}`);
  });

  it('refuses any Host but 127.0.0.1 / localhost on its port (DNS rebinding)', async () => {
    for (const host of [`evil.example:${port}`, '127.0.0.1', `127.0.0.1:${port + 1}`, `localhost.evil.example:${port}`]) {
      expect((await send('GET', `/__harness/api.js?token=${info.token}`, { headers: { host } })).status, host).toBe(403);
      const call = await send('POST', '/api/invoke/app:info', { headers: withToken({ host, origin: `http://${host}` }), body: '{}' });
      expect(call.status, host).toBe(403);
    }
    expect((await send('GET', `/__harness/api.js?token=${info.token}`, { headers: { host: `localhost:${port}` } })).status).toBe(200);
  });

  it('refuses uploads and test controls from another origin, and uploads without one', async () => {
    const csv = 'email\nx@example.com\n';
    expect((await send('POST', '/api/upload', { headers: withToken({ origin: 'http://evil.example' }), body: csv })).status).toBe(403);
    expect((await send('POST', '/api/upload', { headers: withToken(), body: csv })).status).toBe(403);
    expect((await send('POST', '/__test__/dialogs', { headers: withToken({ origin: 'http://evil.example' }), body: '{}' })).status).toBe(403);
    expect((await send('POST', '/api/upload', { headers: withToken(appOrigin()), body: csv })).status).toBe(200);
  });
});

describe('bodies over the limit are answered 413, never by a reset connection', () => {
  const big = Buffer.alloc(2 * 1024 * 1024, 0x61);
  it.each([
    ['an upload with its length', '/api/upload', false],
    ['a chunked upload', '/api/upload', true],
    ['a test control', '/__test__/dialogs', false],
    ['a chunked test control', '/__test__/dialogs', true],
  ])('%s', async (_label, path, chunked) => {
    const answer = await send('POST', path, { headers: withToken(appOrigin()), body: big, chunked });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ ok: false, error: { code: 'validation' } });
    expect(readdirSync(join(info.dataDir, 'uploads')).length).toBeLessThanOrEqual(1);
  });

  it('a channel call over 8 MB', async () => {
    const answer = await send('POST', '/api/invoke/app:info', { headers: withToken(appOrigin()), body: Buffer.alloc(9 * 1024 * 1024, 0x20) });
    expect(answer.status).toBe(413);
  });
});

describe('malformed requests', () => {
  it('answer 400 and log no stack trace', async () => {
    expect((await send('GET', '/%E0%A4%A')).status).toBe(400);
    expect((await send('GET', '/assets/%ZZ.js')).status).toBe(400);
    expect((await send('POST', '/__test__/dialogs', { headers: withToken(), body: '{oops' })).status).toBe(400);
    expect((await send('POST', '/api/invoke/app:info', { headers: withToken(appOrigin()), body: '{oops' })).status).toBe(400);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

describe('uploaded files', () => {
  it('are deleted once imported, and their display name never becomes a path', async () => {
    const uploads = join(info.dataDir, 'uploads');
    const before = new Set(readdirSync(uploads));
    const csv = 'email,event_time,event_name\njane@example.com,2026-01-01T00:00:00Z,purchase\nnot-an-email,2026-01-01T00:00:00Z,purchase\n';
    const uploaded = JSON.parse((await send('POST', '/api/upload', { headers: withToken(appOrigin()), body: csv })).body) as { uploadId: string };
    expect(readdirSync(uploads)).toContain(uploaded.uploadId);
    const ref = await invoke('files:register', { uploadId: uploaded.uploadId, name: '../../../../tmp/..\\evil/escape.csv' });
    expect(ref).toMatchObject({ ok: true, value: { name: 'escape.csv' } });
    const preview = await invoke('imports:preview', { file: { id: ref.value.id } });
    const started = await invoke('imports:start', { file: { id: ref.value.id }, mapping: preview.value.suggestedMapping });
    expect(started).toMatchObject({ ok: true });
    let report: { ok: boolean; value?: { status: string } } = { ok: false };
    for (let i = 0; i < 200; i++) {
      report = await invoke('imports:get', { importId: started.value.importId });
      if (report.value?.status !== 'running') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(report, JSON.stringify(report)).toMatchObject({ ok: true, value: { status: 'completed' } });
    await expect.poll(() => readdirSync(uploads).filter((name) => !before.has(name))).toEqual([]);
  });

  it('a hostile name for "save error rows" stays inside the exports folder', async () => {
    const dialogs = new ScriptedDialogs(scratch);
    for (const name of ['../../escape-invalid-rows.csv', '..\\..\\escape.csv', '/etc/cron.d/x.csv', '..', '']) {
      const path = await dialogs.saveFile({ title: 'Save invalid rows', defaultName: name });
      expect(path?.startsWith(join(scratch, 'exports') + '/'), `${name} → ${path}`).toBe(true);
    }
  });
});

describe('safeFileName', () => {
  it.each([
    ['../../etc/passwd', 'passwd'],
    ['..\\..\\boot.ini', 'boot.ini'],
    ['orders.csv', 'orders.csv'],
    ['..', 'file'],
    ['.hidden.csv', 'hidden.csv'],
    ['a\u0000b:c?.csv', 'a_b_c_.csv'],
    ['CON.csv', '_CON.csv'],
    ['x'.repeat(300), 'x'.repeat(120)],
  ])('%j → %j', (input, expected) => {
    expect(safeFileName(input)).toBe(expected);
  });
});
