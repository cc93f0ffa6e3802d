// Browser e2e harness: the real main-side services on a fresh user-data dir, bound to the loopback
// transport, serving the built renderer with `window.api` from the real client factory.
//   node out/node/harness.cjs [--port 0] [--data-dir DIR] [--keep] [--exit-with-stdin]
//                             [--renderer-dir DIR] [--max-upload-mb N]
// Prints one JSON line {url, origin, token, dataDir, dbPath} on stdout when ready; `url` carries the
// per-run token (the page needs it to load its API script).
import { createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { APP_CSP } from '../../src/main/csp';
import { closeAppContext, openAppContext, WINDOW_BUSY_TIMEOUT_MS } from '../../src/main/app/context';
import { createHandlers } from '../../src/main/app/handlers';
import { findImport } from '../../src/main/imports/repo';
import { allowOrigins, bindContract } from '../../src/main/ipc/bind';
import { BodyTooLarge, HttpServerTransport, readBody, reply, replyTooLarge } from '../../src/main/ipc/http-transport';
import { randomToken } from '../../src/main/lib/ids';
import { findUp } from '../../src/main/runtime';
import { err } from '../../src/shared/ipc/result';
import { FakeMeta } from '../../test/fakes/meta';
import { ScriptedDialogs } from './dialogs';
import { LoopbackGuard } from './guard';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};
const TEST_CONTROL_MAX_BYTES = 64 * 1024;

function argValue(flag: string): string | undefined {
  const index = process.argv.indexOf(flag);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const root = resolve(findUp('package.json'), '..');
const rendererDir = resolve(argValue('--renderer-dir') ?? join(root, 'out', 'renderer'));
const clientBundle = join(root, 'out', 'node', 'harness-client.js');
for (const needed of [join(rendererDir, 'index.html'), clientBundle]) {
  if (!existsSync(needed)) {
    console.error(`Harness: ${needed} is missing; run npm run build first`);
    process.exit(2);
  }
}
/** Uploads stand in for dropped files; far smaller than the app's own import limit, since they are copies. */
const maxUploadBytes = Number(argValue('--max-upload-mb') ?? 64) * 1024 * 1024;

const requestedDir = argValue('--data-dir');
const dataDir = requestedDir ? resolve(requestedDir) : mkdtempSync(join(tmpdir(), 'convdesk-e2e-'));
const keep = Boolean(requestedDir) || process.argv.includes('--keep');
const uploadsDir = join(dataDir, 'uploads');
// Uploads are raw copies of the user's files: none survives a previous run.
rmSync(uploadsDir, { recursive: true, force: true });
mkdirSync(uploadsDir, { recursive: true, mode: 0o700 });
mkdirSync(join(dataDir, 'exports'), { recursive: true });

// A fake Meta Graph API on loopback: the app's Meta connection reaches it through the same
// CONVDESK_META_GRAPH_URL override the tests use (loopback only). Tests steer it via /__test__/fake-meta.
const fakeMeta = new FakeMeta({ datasets: ['1234567890'], tokens: { 'EAAharness-token-0000000000000000wxyz': 'valid' } });
const fakeMetaReady = process.env.CONVDESK_META_GRAPH_URL ? Promise.resolve() : fakeMeta.start().then((url) => void (process.env.CONVDESK_META_GRAPH_URL = url));

const dialogs = new ScriptedDialogs(dataDir);
const dbPath = join(dataDir, 'convdesk.db');
/** URLs the app asked to open in the browser (Google's consent page): tests read them at /__test__/opened. */
const opened: string[] = [];
const ctx = openAppContext({ dbPath, dataDir, transport: 'loopback', dialogs, fileSources: ['upload'], busyTimeoutMs: WINDOW_BUSY_TIMEOUT_MS, openExternal: (url) => opened.push(url) });
const token = randomToken(24);
const transport = new HttpServerTransport(token, ctx.push);

// Once an upload has been imported its raw copy is deleted (the database holds only hashes).
ctx.push.add((event, payload) => {
  if (event !== 'import:progress') return;
  const { importId, phase } = payload as { importId: string; phase: string };
  if (phase !== 'done' && phase !== 'failed') return;
  const path = findImport(ctx.db, importId)?.file_path;
  if (path && dirname(path) === uploadsDir) rmSync(path, { force: true });
});

let guard: LoopbackGuard;
const server = createServer((req, res) => {
  handle(req, res).catch((error: unknown) => {
    // One line, never a stack trace: the request is answered with a typed error.
    console.error(`Harness: ${req.method} ${(req.url ?? '').split('?')[0]} failed: ${(error as Error)?.message ?? String(error)}`);
    if (!res.headersSent) reply(res, 500, err('internal', 'Harness error'));
    else res.end();
  });
});

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!guard.hostAllowed(req)) return reply(res, 403, err('forbidden', 'Unknown Host: the harness answers only 127.0.0.1 and localhost on its port'));
  const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
  const isUpload = url.pathname === '/api/upload';
  if (!guard.originAllowed(req, isUpload)) return reply(res, 403, err('forbidden', 'Requests from another origin are refused'));
  if (isUpload || url.pathname.startsWith('/__test__/')) {
    if (!transport.tokenMatches(header(req, 'x-convdesk-token'))) return reply(res, 401, err('forbidden', 'Missing or wrong token'));
    if (isUpload) return req.method === 'POST' ? upload(req, res) : reply(res, 405, err('validation', 'Use POST'));
    return testControl(req, res, url);
  }
  if (await transport.handleRequest(req, res, url)) return;
  if (req.method !== 'GET' && req.method !== 'HEAD') return reply(res, 405, err('validation', 'Method not allowed'));
  if (url.pathname === '/__harness/api.js') {
    // Any page can load a script cross-origin, so the script that carries the token needs the token.
    if (!transport.tokenMatches(url.searchParams.get('token'))) return reply(res, 401, err('forbidden', 'Missing or wrong token'));
    const body = `window.__CONVDESK_TOKEN__=${JSON.stringify(token)};\n${readFileSync(clientBundle, 'utf8')}`;
    res.writeHead(200, { 'content-type': MIME['.js'], 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    res.end(body);
    return;
  }
  serveStatic(url, res);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The renderer's files; the page itself only with the token, which it passes on to its API script. */
function serveStatic(url: URL, res: ServerResponse): void {
  let relative: string;
  try {
    relative = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
  } catch {
    return reply(res, 400, err('validation', 'Malformed path'));
  }
  const file = normalize(join(rendererDir, relative));
  if (relative.includes('\0') || !file.startsWith(rendererDir + sep) || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('Not found');
    return;
  }
  const headers = { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
  if (relative === 'index.html') {
    const given = url.searchParams.get('token');
    if (!transport.tokenMatches(given)) {
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Open the address the harness printed (it carries the per-run token).\n');
      return;
    }
    Object.assign(headers, { 'content-security-policy': APP_CSP });
    const script = `<script src="/__harness/api.js?token=${encodeURIComponent(token)}"></script>`;
    const html = readFileSync(file, 'utf8').replace('<title>', `${script}\n    <title>`);
    res.writeHead(200, headers);
    res.end(html);
    return;
  }
  res.writeHead(200, headers);
  createReadStream(file).pipe(res);
}

/** Stands in for webUtils.getPathForFile: the dropped file's bytes land in <dataDir>/uploads/<id> (token already checked). */
async function upload(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const tooLarge = new BodyTooLarge(maxUploadBytes);
  if (Number(req.headers['content-length'] ?? 0) > maxUploadBytes) return replyTooLarge(req, res, tooLarge);
  const uploadId = randomToken(12);
  const target = join(uploadsDir, uploadId);
  const out = createWriteStream(target, { mode: 0o600 });
  let size = 0;
  let over = false;
  try {
    await new Promise<void>((resolve, reject) => {
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (over) return;
        if (size > maxUploadBytes) {
          // Stop keeping bytes, but read the rest so the client gets the 413 (see replyTooLarge).
          over = true;
          out.destroy();
          return resolve();
        }
        if (!out.write(chunk)) {
          req.pause();
          out.once('drain', () => req.resume());
        }
      });
      req.once('end', () => (over ? undefined : out.end(() => resolve())));
      req.once('error', reject);
      out.once('error', reject);
    });
  } catch (error) {
    rmSync(target, { force: true });
    throw error;
  }
  if (over) {
    rmSync(target, { force: true });
    return replyTooLarge(req, res, tooLarge);
  }
  reply(res, 200, { uploadId });
}

/** Test-only controls (token already checked): queue dialog answers, read what was asked. */
async function testControl(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  if (url.pathname === '/__test__/dialogs' && req.method === 'POST') {
    let body: { open?: (string | null)[]; save?: (string | null)[] };
    try {
      body = JSON.parse((await readBody(req, TEST_CONTROL_MAX_BYTES)).toString('utf8') || '{}') as typeof body;
    } catch (error) {
      if (error instanceof BodyTooLarge) return replyTooLarge(req, res, error);
      return reply(res, 400, err('validation', 'The body is not valid JSON'));
    }
    dialogs.openAnswers.push(...(body.open ?? []));
    dialogs.saveAnswers.push(...(body.save ?? []));
    return reply(res, 200, { ok: true });
  }
  if (url.pathname === '/__test__/dialogs' && req.method === 'GET') return reply(res, 200, { asked: dialogs.asked });
  if (url.pathname === '/__test__/fake-meta' && req.method === 'POST') {
    const body = JSON.parse((await readBody(req, 65536)).toString('utf8') || '{}') as { reject?: Record<string, { subcode: number; message: string; title?: string }>; clearRejections?: boolean };
    if (body.clearRejections) fakeMeta.rejectEventIds.clear();
    for (const [eventId, error] of Object.entries(body.reject ?? {})) fakeMeta.rejectEventIds.set(eventId, error);
    return reply(res, 200, { ok: true });
  }
  if (url.pathname === '/__test__/fake-meta' && req.method === 'GET') {
    return reply(res, 200, { accepted: fakeMeta.accepted.map((e) => e.eventId), testEvents: fakeMeta.testEvents.map((e) => e.eventId), requests: fakeMeta.requests.length, unique: fakeMeta.unique() });
  }
  if (url.pathname === '/__test__/opened' && req.method === 'GET') return reply(res, 200, { opened });
  reply(res, 404, err('not_found', 'Unknown test control'));
}

const port = Number(argValue('--port') ?? 0);
server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  guard = new LoopbackGuard(address.port);
  const origin = `http://127.0.0.1:${address.port}`;
  bindContract(transport, createHandlers(ctx), allowOrigins([...guard.origins]));
  void fakeMetaReady.then(() => process.stdout.write(`${JSON.stringify({ url: `${origin}/?token=${token}`, origin, token, dataDir, dbPath })}\n`));
});

let closing = false;
function shutdown(): void {
  if (closing) return;
  closing = true;
  transport.closeStreams();
  server.closeAllConnections();
  server.close();
  void closeAppContext(ctx);
  void fakeMeta.stop();
  try {
    rmSync(keep ? uploadsDir : dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
  } catch (error) {
    console.error(`Harness: could not remove ${keep ? uploadsDir : dataDir}: ${(error as Error).message}`);
  }
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
if (process.argv.includes('--exit-with-stdin')) {
  process.stdin.on('end', shutdown);
  process.stdin.resume();
}
