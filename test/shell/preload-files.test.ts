import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHandlers } from '../../src/main/app/handlers';
import { allowOrigins, bindContract, type SenderInfo } from '../../src/main/ipc/bind';
import { createClient } from '../../src/shared/ipc/client';
import type { Result } from '../../src/shared/ipc/result';
import { createTestContext } from '../helpers/context';

// The preload's half of the seam, with Electron's ipcRenderer wired straight to the real binding in
// main (as Electron would): what the page can reach through window.api is exactly what main receives.
const bridge = vi.hoisted(() => ({
  main: new Map<string, (sender: SenderInfo, input: unknown) => Promise<Result<unknown>>>(),
  invoked: [] as { channel: string; input: unknown }[],
  paths: new WeakMap<object, string>(),
}));

vi.mock('electron', () => ({
  ipcRenderer: {
    invoke: (channel: string, input: unknown) => {
      bridge.invoked.push({ channel, input });
      const listener = bridge.main.get(channel);
      if (!listener) throw new Error(`no handler for ${channel}`);
      return listener({ frameUrl: 'app://bundle/index.html', isMainFrame: true }, structuredClone(input));
    },
    on: () => undefined,
    removeListener: () => undefined,
  },
  // Only a File that came from disk has a path; one made in the page answers '' (as Electron does).
  webUtils: { getPathForFile: (file: object) => bridge.paths.get(file) ?? '' },
}));

const { ipcRendererTransport } = await import('../../src/preload/ipc-transport');

let ctx: ReturnType<typeof createTestContext>;
const api = createClient(ipcRendererTransport) as unknown as Record<string, (input: unknown) => Promise<Result<unknown>>>;

beforeEach(() => {
  ctx = createTestContext();
  bridge.main.clear();
  bridge.invoked.length = 0;
  // Electron's app: paths are the preload's way in; the page must not be able to use it directly.
  bindContract(
    { handle: (channel, listener) => bridge.main.set(channel, listener) },
    createHandlers({ ...ctx, fileSources: new Set(['path']) }),
    allowOrigins(['app://bundle']),
  );
});
afterEach(() => ctx.cleanup());

describe('files:register at the preload seam (a compromised page reaches only window.api)', () => {
  it('refuses a path from the page and never forwards it to main', async () => {
    const answer = await api['files:register']!({ path: '/etc/passwd' });
    expect(answer).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(bridge.invoked).toEqual([]);
  });

  it.each([
    ['a missing file (no probing)', { path: '/nonexistent/secret.csv' }],
    ['an upload id', { uploadId: 'abc' }],
    ['a File-like object', { file: { name: 'x.csv', path: '/etc/passwd' } }],
    ['a path beside a File', { path: '/etc/passwd', file: undefined }],
    ['nothing', undefined],
  ])('refuses %s', async (_label, input) => {
    expect(await api['files:register']!(input)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(bridge.invoked).toEqual([]);
  });

  it('refuses a File built in the page (it has no path on disk)', async () => {
    const made = new File(['email\nx@example.com\n'], 'made-up.csv');
    expect(await api['files:register']!({ file: made })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(bridge.invoked).toEqual([]);
  });

  it('registers a dropped File through its real path, and main answers only an opaque ref', async () => {
    const onDisk = join(ctx.dataDir, 'dropped.csv');
    writeFileSync(onDisk, 'email,event_time\njane@example.com,2026-01-01T00:00:00Z\n');
    const dropped = new File([], 'dropped.csv');
    bridge.paths.set(dropped, onDisk);
    const answer = await api['files:register']!({ file: dropped });
    expect(answer).toMatchObject({ ok: true, value: { name: 'dropped.csv', size: expect.any(Number) } });
    expect(JSON.stringify(answer)).not.toContain(ctx.dataDir);
    expect(bridge.invoked).toEqual([{ channel: 'files:register', input: { path: onDisk } }]);
    const preview = await api['imports:preview']!({ file: { id: (answer as { value: { id: string } }).value.id } });
    expect(preview).toMatchObject({ ok: true });
  });

  it('leaves every other channel untouched', async () => {
    expect(await api['events:statusCounts']!({})).toMatchObject({ ok: true });
    expect(bridge.invoked).toEqual([{ channel: 'events:statusCounts', input: {} }]);
  });
});
