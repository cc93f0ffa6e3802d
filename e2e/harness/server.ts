// Browser e2e harness: the real main-side services on a fresh user-data dir, bound to the loopback
// transport, serving the built renderer with `window.api` from the real client factory.
//   node out/node/harness.cjs [--port 0] [--data-dir DIR] [--keep] [--exit-with-stdin]
// Prints one JSON line {url, token, dataDir, dbPath} on stdout when ready.
import { createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { APP_CSP } from '../../src/main/csp';
import { closeAppContext, openAppContext, WINDOW_BUSY_TIMEOUT_MS } from '../../src/main/app/context';
import { createHandlers } from '../../src/main/app/handlers';
import { allowOrigins, bindContract } from '../../src/main/ipc/bind';
import { HttpServerTransport, readBody, reply } from '../../src/main/ipc/http-transport';
import { randomToken } from '../../src/main/lib/ids';
import { findUp } from '../../src/main/runtime';
import { err } from '../../src/shared/ipc/result';
import { ScriptedDialogs } from './dialogs';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

function argValue(flag: string): string | undefined {
  const index = process.argv.indexOf(flag);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const root = resolve(findUp('package.json'), '..');
const rendererDir = join(root, 'out', 'renderer');
const clientBundle = join(root, 'out', 'node', 'harness-client.js');
for (const needed of [join(rendererDir, 'index.html'), clientBundle]) {
  if (!existsSync(needed)) {
    console.error(`Harness: ${needed} is missing; run npm run build first`);
    process.exit(2);
  }
}

const requestedDir = argValue('--data-dir');
const dataDir = requestedDir ? resolve(requestedDir) : mkdtempSync(join(tmpdir(), 'convdesk-e2e-'));
const keep = Boolean(requestedDir) || process.argv.includes('--keep');
mkdirSync(join(dataDir, 'uploads'), { recursive: true });
mkdirSync(join(dataDir, 'exports'), { recursive: true });

const dialogs = new ScriptedDialogs(dataDir);
const dbPath = join(dataDir, 'convdesk.db');
const ctx = openAppContext({ dbPath, dataDir, transport: 'loopback', dialogs, fileSources: ['upload'], busyTimeoutMs: WINDOW_BUSY_TIMEOUT_MS });
const token = randomToken(24);
const transport = new HttpServerTransport(token, ctx.push);

let origin = '';
const server = createServer((req, res) => {
  handle(req, res).catch((error: unknown) => {
    console.error('Harness request failed', error);
    if (!res.headersSent) reply(res, 500, err('internal', 'Harness error'));
  });
});

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', origin);
  const isUpload = url.pathname.startsWith('/api/upload') && req.method === 'POST';
  if (isUpload || url.pathname.startsWith('/__test__/')) {
    if (!transport.tokenMatches(req.headers['x-convdesk-token'] as string | undefined)) {
      return reply(res, 401, err('forbidden', 'Missing or wrong token'));
    }
    return isUpload ? upload(req, res) : testControl(req, res, url);
  }
  if (await transport.handleRequest(req, res, url)) return;
  if (req.method !== 'GET' && req.method !== 'HEAD') return reply(res, 405, err('validation', 'Method not allowed'));
  if (url.pathname === '/__harness/api.js') {
    const body = `window.__CONVDESK_TOKEN__=${JSON.stringify(token)};\n${readFileSync(clientBundle, 'utf8')}`;
    res.writeHead(200, { 'content-type': MIME['.js'], 'cache-control': 'no-store' });
    res.end(body);
    return;
  }
  serveStatic(url.pathname, res);
}

/** The renderer's files, with the loopback client script placed before the app's module script. */
function serveStatic(pathname: string, res: ServerResponse): void {
  const relative = pathname === '/' ? 'index.html' : decodeURIComponent(pathname.slice(1));
  const file = normalize(join(rendererDir, relative));
  if (!file.startsWith(rendererDir + sep) || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('Not found');
    return;
  }
  const headers = { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' };
  if (relative === 'index.html') {
    Object.assign(headers, { 'content-security-policy': APP_CSP });
    const html = readFileSync(file, 'utf8').replace('<title>', '<script src="/__harness/api.js"></script>\n    <title>');
    res.writeHead(200, headers);
    res.end(html);
    return;
  }
  res.writeHead(200, headers);
  createReadStream(file).pipe(res);
}

/** Stands in for webUtils.getPathForFile: the dropped file's bytes land in <dataDir>/uploads/<id> (token already checked). */
async function upload(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const uploadId = randomToken(12);
  await pipeline(req, createWriteStream(join(dataDir, 'uploads', uploadId), { mode: 0o600 }));
  reply(res, 200, { uploadId });
}

/** Test-only controls (token already checked): queue dialog answers, read what was asked. */
async function testControl(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  if (url.pathname === '/__test__/dialogs' && req.method === 'POST') {
    const body = JSON.parse((await readBody(req, 65536)).toString('utf8') || '{}') as { open?: (string | null)[]; save?: (string | null)[] };
    dialogs.openAnswers.push(...(body.open ?? []));
    dialogs.saveAnswers.push(...(body.save ?? []));
    return reply(res, 200, { ok: true });
  }
  if (url.pathname === '/__test__/dialogs' && req.method === 'GET') return reply(res, 200, { asked: dialogs.asked });
  reply(res, 404, err('not_found', 'Unknown test control'));
}

const port = Number(argValue('--port') ?? 0);
server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  origin = `http://127.0.0.1:${address.port}`;
  bindContract(transport, createHandlers(ctx), allowOrigins([origin]));
  process.stdout.write(`${JSON.stringify({ url: `${origin}/`, token, dataDir, dbPath })}\n`);
});

let closing = false;
function shutdown(): void {
  if (closing) return;
  closing = true;
  transport.closeStreams();
  server.closeAllConnections();
  server.close();
  void closeAppContext(ctx);
  if (!keep) {
    try {
      rmSync(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
    } catch (error) {
      console.error(`Harness: could not remove ${dataDir}: ${(error as Error).message}`);
    }
  }
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
if (process.argv.includes('--exit-with-stdin')) {
  process.stdin.on('end', shutdown);
  process.stdin.resume();
}
