import { describe, expect, it, vi } from 'vitest';
import { allowOrigins, bindContract, dispatch, type Handlers, type SenderInfo, type ServerTransport } from '../../src/main/ipc/bind';
import { createClient } from '../../src/shared/ipc/client';
import { CHANNEL_NAMES } from '../../src/shared/ipc/contract';
import { AppError, type Result } from '../../src/shared/ipc/result';
import { createHandlers } from '../../src/main/app/handlers';
import { createTestContext } from '../helpers/context';

const ORIGIN = 'http://127.0.0.1:5173';
const check = allowOrigins([ORIGIN, 'file:///opt/app/out/renderer/index.html']);
const good: SenderInfo = { frameUrl: `${ORIGIN}/#/review`, isMainFrame: true };
const silent = { error: vi.fn() };

function handlersWith(overrides: Partial<Handlers>): Handlers {
  const ctx = createTestContext();
  return { ...createHandlers(ctx), ...overrides };
}

describe('sender checks', () => {
  it.each([
    ['a null frame', { frameUrl: null, isMainFrame: true }],
    ['a foreign origin', { frameUrl: 'https://evil.example/', isMainFrame: true }],
    ['a sub-frame of the app', { frameUrl: `${ORIGIN}/`, isMainFrame: false }],
    ['another local file', { frameUrl: 'file:///tmp/evil.html', isMainFrame: true }],
    ['a look-alike origin', { frameUrl: 'http://127.0.0.1:51730/', isMainFrame: true }],
  ] as const)('refuses %s', async (_label, sender) => {
    const result = await dispatch('app:info', handlersWith({}), check, sender, {}, silent);
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: 'forbidden' }) });
  });

  it('accepts the app page itself, including the file: page with a hash route', async () => {
    expect((await dispatch('app:info', handlersWith({}), check, good, {}, silent)).ok).toBe(true);
    const fileSender = { frameUrl: 'file:///opt/app/out/renderer/index.html#/import', isMainFrame: true };
    expect((await dispatch('app:info', handlersWith({}), check, fileSender, {}, silent)).ok).toBe(true);
  });
});

describe('dispatch', () => {
  it('refuses malformed input with a validation error naming the path', async () => {
    const result = await dispatch('events:get', handlersWith({}), check, good, { id: 'not-a-uuid' }, silent);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('validation');
      expect(result.error.details).toEqual({ issues: [expect.objectContaining({ path: 'id' })] });
    }
  });

  it('passes typed AppErrors through and hides unexpected ones', async () => {
    const handlers = handlersWith({
      'app:info': () => {
        throw new AppError('conflict', 'busy importing');
      },
      'events:statusCounts': () => {
        throw new TypeError('secret internals at /home/me/code.ts:12');
      },
    });
    expect(await dispatch('app:info', handlers, check, good, {}, silent)).toEqual({ ok: false, error: { code: 'conflict', message: 'busy importing' } });
    const hidden = (await dispatch('events:statusCounts', handlers, check, good, {}, silent)) as Result<unknown>;
    expect(hidden.ok).toBe(false);
    if (!hidden.ok) {
      expect(hidden.error.code).toBe('internal');
      expect(hidden.error.message).not.toMatch(/secret|code\.ts|TypeError/);
    }
  });

  it('binds every contract channel and refuses to start with a missing handler', () => {
    const bound: string[] = [];
    const transport: ServerTransport = { handle: (channel) => void bound.push(channel) };
    bindContract(transport, handlersWith({}), check);
    expect(bound.sort()).toEqual([...CHANNEL_NAMES].sort());
    const incomplete = handlersWith({}) as Partial<Handlers>;
    delete incomplete['events:list'];
    expect(() => bindContract(transport, incomplete as Handlers, check)).toThrow(/events:list/);
  });
});

describe('client factory', () => {
  it('exposes exactly one function per channel plus on()', async () => {
    const calls: [string, unknown][] = [];
    const api = createClient({
      invoke: async (channel, input) => (calls.push([channel, input]), { ok: true, value: channel }),
      subscribe: () => () => undefined,
    });
    expect(Object.keys(api).sort()).toEqual([...CHANNEL_NAMES, 'on'].sort());
    expect(await api['events:statusCounts']({})).toEqual({ ok: true, value: 'events:statusCounts' });
    expect(calls).toEqual([['events:statusCounts', {}]]);
    expect(() => api.on('nope' as 'events:changed', () => undefined)).toThrow();
  });
});

