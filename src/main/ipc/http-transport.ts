import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { Result } from '../../shared/ipc/result';
import { err } from '../../shared/ipc/result';
import type { SenderInfo, ServerTransport } from './bind';
import type { PushHub } from './push';

type Listener = (sender: SenderInfo, input: unknown) => Promise<Result<unknown>>;

/** The largest legitimate input is a bulk change of 100,000 ids (~4 MB of JSON). */
export const MAX_INVOKE_BODY_BYTES = 8 * 1024 * 1024;

/**
 * The loopback transport used by the browser e2e harness: the same contract binding as Electron's
 * ipcMain, over HTTP on 127.0.0.1. Every request must carry the per-run token; the page's Origin
 * header plays the part of Electron's senderFrame URL. Push events go out as Server-Sent Events.
 */
export class HttpServerTransport implements ServerTransport {
  private readonly listeners = new Map<string, Listener>();
  private readonly streams = new Set<ServerResponse>();

  constructor(
    private readonly token: string,
    push: PushHub,
  ) {
    push.add((event, payload) => {
      const frame = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
      for (const stream of this.streams) stream.write(frame);
    });
  }

  handle(channel: string, listener: Listener): void {
    this.listeners.set(channel, listener);
  }

  tokenMatches(given: string | null | undefined): boolean {
    if (!given) return false;
    const a = Buffer.from(given);
    const b = Buffer.from(this.token);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /** Handles /api/invoke/<channel> and /api/events; returns false for any other path. */
  async handleRequest(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    if (url.pathname === '/api/events' && req.method === 'GET') {
      if (!this.tokenMatches(url.searchParams.get('token'))) return reply(res, 401, err('forbidden', 'Missing or wrong token')), true;
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write(': connected\n\n');
      this.streams.add(res);
      req.on('close', () => this.streams.delete(res));
      return true;
    }
    const match = /^\/api\/invoke\/([a-z]+:[A-Za-z]+)$/.exec(url.pathname);
    if (!match) return false;
    if (req.method !== 'POST') return reply(res, 405, err('validation', 'Use POST')), true;
    if (!this.tokenMatches(header(req, 'x-convdesk-token'))) return reply(res, 401, err('forbidden', 'Missing or wrong token')), true;
    const channel = match[1] ?? '';
    const listener = this.listeners.get(channel);
    if (!listener) return reply(res, 404, err('not_found', `Unknown channel ${channel}`)), true;
    let input: unknown;
    try {
      const body = await readBody(req, MAX_INVOKE_BODY_BYTES);
      input = body.length ? JSON.parse(body.toString('utf8')) : {};
    } catch (error) {
      if (error instanceof BodyTooLarge) return replyTooLarge(req, res, error), true;
      return reply(res, 400, err('validation', `Unreadable request body: ${(error as Error).message}`)), true;
    }
    const origin = header(req, 'origin');
    const sender: SenderInfo = { frameUrl: origin ?? null, isMainFrame: header(req, 'sec-fetch-dest') !== 'iframe' };
    reply(res, 200, await listener(sender, input));
    return true;
  }

  closeStreams(): void {
    for (const stream of this.streams) stream.end();
    this.streams.clear();
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

/** A request body over its limit: answered 413, never by resetting the connection. */
export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`The request body is over the ${limit.toLocaleString('en-US')}-byte limit`);
  }
}

/**
 * Answers 413 once the rest of the body has been read and dropped: a client that sends its whole body
 * before reading the answer (most do) would otherwise see a reset connection instead of the 413.
 */
export function replyTooLarge(req: IncomingMessage, res: ServerResponse, error: BodyTooLarge): void {
  const answer = () => {
    if (res.headersSent) return void res.end();
    res.writeHead(413, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(err('validation', error.message, { limit: error.limit })));
  };
  req.removeAllListeners('data');
  if (req.complete) return answer();
  req.once('end', answer);
  req.once('error', () => undefined);
  req.resume();
}

/** Reads a whole body up to `limit` bytes; rejects with BodyTooLarge (by Content-Length, before reading, when it says so). */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) return reject(new BodyTooLarge(limit));
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        reject(new BodyTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!over) resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}
