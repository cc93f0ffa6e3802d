import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { closeAppContext, openAppContext, WINDOW_BUSY_TIMEOUT_MS, type AppContext } from '../../src/main/app/context';
import { createHandlers } from '../../src/main/app/handlers';
import { dispatch } from '../../src/main/ipc/bind';
import { importServiceForContext } from '../../src/main/imports/handlers';

let ctx: AppContext | undefined;
let dir: string | undefined;
afterEach(async () => {
  if (ctx) {
    await importServiceForContext(ctx).shutdown();
    closeAppContext(ctx);
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
  ctx = undefined;
});

it('a write from the window while an import holds the write lock answers "busy" quickly instead of freezing', async () => {
  dir = mkdtempSync(join(tmpdir(), 'convdesk-busy-'));
  ctx = openAppContext({ dbPath: join(dir, 'app.db'), dataDir: dir, transport: 'test', busyTimeoutMs: WINDOW_BUSY_TIMEOUT_MS });
  const handlers = createHandlers(ctx);
  const call = (name: Parameters<typeof dispatch>[0], input: unknown) => dispatch(name, handlers, () => true, { frameUrl: 'app://x', isMainFrame: true }, input);
  const created = (await call('events:create', { event_name: 'purchase', email: 'a@example.com', event_time: '2026-10-01T10:00:00Z' })) as {
    ok: true;
    value: { id: string };
  };
  expect(created.ok).toBe(true);

  const csv = join(dir, 'big.csv');
  const lines = ['Email,Conversion Time,Order ID'];
  for (let i = 0; i < 150_000; i++) lines.push(`user${i}@example.com,2026-10-01 10:00:00+0000,B-${i}`);
  writeFileSync(csv, lines.join('\n'));
  const imports = importServiceForContext(ctx);
  const ref = imports.files.register(csv);
  const { mapping } = imports.resolveMapping(ref, 'auto');
  const started = new Promise<void>((resolve) => {
    ctx!.push.add((event, payload) => {
      if (event === 'import:progress' && (payload as { rowsDone: number }).rowsDone > 0) resolve();
    });
  });
  const { importId } = imports.start(ref, mapping, { eventName: 'purchase' });
  await started;

  const t0 = performance.now();
  const answer = await call('events:transition', { action: 'queue', target: { ids: [created.value.id] } });
  const waitedMs = performance.now() - t0;
  expect(answer).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining('busy') } });
  expect(waitedMs).toBeLessThan(1000);

  imports.cancel(importId);
  expect((await imports.wait(importId)).status).toBe('cancelled');
  // Once the lock is free the same change goes through.
  expect(await call('events:transition', { action: 'queue', target: { ids: [created.value.id] } })).toMatchObject({ ok: true, value: { changed: 1 } });
});
