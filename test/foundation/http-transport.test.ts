import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandlers } from '../../src/main/app/handlers';
import { allowOrigins, bindContract } from '../../src/main/ipc/bind';
import { HttpServerTransport } from '../../src/main/ipc/http-transport';
import { createTestContext } from '../helpers/context';

// The loopback transport the browser e2e harness uses: same binding, token on every request,
// Origin as the sender, push events over SSE.
describe('loopback HTTP transport', () => {
  const ctx = createTestContext();
  const token = 'a'.repeat(48);
  const transport = new HttpServerTransport(token, ctx.push);
  let server: Server;
  let origin = '';

  beforeAll(async () => {
    server = createServer((req, res) => {
      void transport.handleRequest(req, res, new URL(req.url ?? '/', origin)).then((handled) => {
        if (!handled) res.writeHead(404).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    bindContract(transport, createHandlers({ ...ctx, transport: 'loopback', fileSources: new Set(['upload']) }), allowOrigins([origin]));
  });
  afterAll(() => {
    transport.closeStreams();
    server.close();
    ctx.cleanup();
  });

  const invoke = (channel: string, body: unknown, headers: Record<string, string>) =>
    fetch(`${origin}/api/invoke/${channel}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });

  it('answers a channel for the app origin with the token', async () => {
    const response = await invoke('events:statusCounts', {}, { 'x-convdesk-token': token, origin });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, value: { pending: 0, queued: 0, sent: 0, failed: 0, skipped: 0 } });
  });

  it('refuses a request without or with a wrong token', async () => {
    expect((await invoke('events:statusCounts', {}, { origin })).status).toBe(401);
    const wrong = await invoke('events:statusCounts', {}, { 'x-convdesk-token': 'b'.repeat(48), origin });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('refuses another origin and an iframe like Electron refuses a foreign or sub-frame sender', async () => {
    const foreign = await invoke('events:statusCounts', {}, { 'x-convdesk-token': token, origin: 'http://evil.example' });
    expect(await foreign.json()).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const framed = await invoke('events:statusCounts', {}, { 'x-convdesk-token': token, origin, 'sec-fetch-dest': 'iframe' });
    expect(await framed.json()).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const none = await invoke('events:statusCounts', {}, { 'x-convdesk-token': token });
    expect(await none.json()).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('returns typed validation errors, never stack traces', async () => {
    const response = await invoke('events:get', { id: 'not-a-uuid' }, { 'x-convdesk-token': token, origin });
    const body = (await response.json()) as { ok: false; error: { code: string; message: string } };
    expect(body.ok).toBe(false);
    expect(body.error.code).toBe('validation');
    expect(body.error.message).toContain('events:get');
    expect(body.error.message).not.toMatch(/at .*\.ts:\d+/);
    const garbage = await fetch(`${origin}/api/invoke/events:get`, { method: 'POST', body: '{oops', headers: { 'x-convdesk-token': token, origin } });
    expect(garbage.status).toBe(400);
  });

  it('refuses a path for files:register: over loopback only uploads are accepted', async () => {
    const response = await invoke('files:register', { path: '/etc/passwd' }, { 'x-convdesk-token': token, origin });
    expect(await response.json()).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('streams push events to an SSE subscriber with the token, and refuses one without', async () => {
    expect((await fetch(`${origin}/api/events`)).status).toBe(401);
    const controller = new AbortController();
    const response = await fetch(`${origin}/api/events?token=${token}`, { signal: controller.signal });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body!.getReader();
    await reader.read(); // ": connected"
    ctx.push.emit('events:changed', { reason: 'test' });
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toBe('event: events:changed\ndata: {"reason":"test"}\n\n');
    controller.abort();
  });
});
