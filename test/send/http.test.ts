import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPoster, type PostAnswer } from '../../src/main/send/http';
import { networkFailure } from '../../src/main/send/meta/graph';

// The send's POST (node:http, keep-alive) against fetch, which it replaced: the same request on the
// wire, the same answer, and failures the callers classify the same way.

type Handler = (req: IncomingMessage, body: Buffer, res: ServerResponse) => void;

let server: Server;
let base: string;
let handler: Handler;
const received: { method?: string; url?: string; headers: IncomingMessage['headers']; body: Buffer }[] = [];
let connections = 0;

beforeEach(async () => {
  received.length = 0;
  connections = 0;
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      received.push({ method: req.method, url: req.url, headers: req.headers, body });
      handler(req, body, res);
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const BODY = new Uint8Array(Buffer.from(`{"data":[${Array.from({ length: 300 }, (_, i) => `{"event_id":"é-${i}","x":"${'a'.repeat(200)}"}`).join(',')}],"access_token":"secret-token"}`));
const HEADERS = { authorization: 'Bearer secret-token', 'content-type': 'application/json' };

async function viaFetch(url: string, timeoutMs = 5000): Promise<PostAnswer> {
  const response = await fetch(url, { method: 'POST', headers: HEADERS, body: BODY, signal: AbortSignal.timeout(timeoutMs) });
  try {
    return { status: response.status, headers: response.headers, text: await response.text() };
  } catch (bodyError) {
    return { status: response.status, headers: response.headers, text: '', bodyError };
  }
}

describe('the send POST (node:http) against fetch', () => {
  it('sends the same bytes and headers, and reads the same answer', async () => {
    handler = (_req, body, res) => {
      res.writeHead(207, { 'content-type': 'application/json', 'x-fb-trace-id': 'TRACE1', 'retry-after': '7' });
      res.end(JSON.stringify({ events_received: 300, length: body.length, note: 'ünïcödé' }));
    };
    const poster = createPoster();
    const ours = await poster.post(`${base}/v26.0/1/events`, BODY, HEADERS, { timeoutMs: 5000 });
    const theirs = await viaFetch(`${base}/v26.0/1/events`);
    expect(received).toHaveLength(2);
    const [mine, fetched] = received;
    expect(mine!.body.equals(fetched!.body)).toBe(true);
    expect(mine!.body.equals(Buffer.from(BODY))).toBe(true);
    expect([mine!.method, mine!.url]).toEqual([fetched!.method, fetched!.url]);
    for (const name of ['authorization', 'content-type', 'content-length', 'host']) expect(mine!.headers[name]).toBe(fetched!.headers[name]);
    expect(ours.status).toBe(theirs.status);
    expect(ours.text).toBe(theirs.text);
    expect(ours.bodyError).toBeUndefined();
    for (const name of ['x-fb-trace-id', 'retry-after', 'content-type']) expect(ours.headers.get(name)).toBe(theirs.headers.get(name));
  });

  it('keeps the connection alive between requests', async () => {
    handler = (_req, _body, res) => res.end('{}');
    const poster = createPoster();
    for (let i = 0; i < 5; i++) expect((await poster.post(`${base}/x`, BODY, HEADERS, { timeoutMs: 5000 })).status).toBe(200);
    expect(connections).toBe(1);
  });

  it('a timeout fails as fetch does (TimeoutError: "no answer in time")', async () => {
    handler = () => {
      /* never answers */
    };
    const poster = createPoster();
    const ours = await poster.post(`${base}/x`, BODY, HEADERS, { timeoutMs: 150 }).catch((error: unknown) => error);
    const theirs = await viaFetch(`${base}/x`, 150).catch((error: unknown) => error);
    expect((ours as Error).name).toBe('TimeoutError');
    expect((ours as Error).name).toBe((theirs as Error).name);
    expect(networkFailure(ours)).toEqual(networkFailure(theirs));
    expect((networkFailure(ours) as { error: { message: string } }).error.message).toBe('network: no answer in time');
  });

  it('the caller cancelling fails with its reason', async () => {
    handler = () => {
      /* never answers */
    };
    const controller = new AbortController();
    const pending = createPoster().post(`${base}/x`, BODY, HEADERS, { timeoutMs: 5000, signal: controller.signal }).catch((error: unknown) => error);
    setTimeout(() => controller.abort(new Error('cancelled by the user')), 50);
    expect(((await pending) as Error).message).toBe('cancelled by the user');
  });

  it('a refused connection fails with its code, as fetch', async () => {
    const closed = base;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const ours = await createPoster().post(`${closed}/x`, BODY, HEADERS, { timeoutMs: 2000 }).catch((error: unknown) => error);
    const theirs = await viaFetch(`${closed}/x`, 2000).catch((error: unknown) => error);
    expect(networkFailure(ours)).toEqual(networkFailure(theirs));
    expect((networkFailure(ours) as { error: { message: string } }).error.message).toBe('network: ECONNREFUSED');
    // Restarted for afterEach.
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  it('a connection dropped before the answer fails (a transient network failure, never an answer)', async () => {
    handler = (req) => req.socket.destroy();
    const ours = await createPoster().post(`${base}/x`, BODY, HEADERS, { timeoutMs: 2000 }).catch((error: unknown) => error);
    expect(ours).toBeInstanceOf(Error);
    expect(networkFailure(ours)).toMatchObject({ kind: 'transient', error: { httpStatus: null, message: 'network: ECONNRESET' } });
    await expect(viaFetch(`${base}/x`, 2000)).rejects.toThrow();
  });

  it('an answer cut off after its status gives the status and the body error, as fetch', async () => {
    handler = (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"events_rec');
      setTimeout(() => res.socket?.destroy(), 20);
    };
    const ours = await createPoster().post(`${base}/x`, BODY, HEADERS, { timeoutMs: 2000 });
    const theirs = await viaFetch(`${base}/x`, 2000);
    expect(ours.status).toBe(200);
    expect(theirs.status).toBe(200);
    expect(ours.bodyError).toBeInstanceOf(Error);
    expect(theirs.bodyError).toBeDefined();
    expect(ours.text).toBe('');
  });

  it('never puts the token in an error', async () => {
    handler = (req) => req.socket.destroy();
    const error = (await createPoster().post(`${base}/x`, BODY, HEADERS, { timeoutMs: 2000 }).catch((e: unknown) => e)) as Error & { cause?: unknown };
    const text = `${error.message} ${String(error.stack)} ${JSON.stringify(error.cause)} ${String((error.cause as Error)?.message)}`;
    expect(text).not.toContain('secret-token');
  });
});
