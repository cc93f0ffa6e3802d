import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHandlers } from '../../src/main/app/handlers';
import type { DialogProvider } from '../../src/main/app/context';
import { dispatch, type Handlers } from '../../src/main/ipc/bind';
import { importServiceForContext } from '../../src/main/imports/handlers';
import type { ChannelName } from '../../src/shared/ipc/contract';
import { createTestContext } from '../helpers/context';
import { fixture } from './helpers';

let ctx: ReturnType<typeof createTestContext>;
let handlers: Handlers;
const answers: { open: string | null; save: string | null } = { open: null, save: null };
const dialogs: DialogProvider = { openFile: async () => answers.open, saveFile: async () => answers.save };
const sender = { frameUrl: 'app://index.html', isMainFrame: true };
const call = (name: ChannelName, input: unknown) => dispatch(name, handlers, () => true, sender, input);

beforeEach(() => {
  ctx = createTestContext();
  ctx.dialogs = dialogs;
  handlers = createHandlers(ctx);
});
afterEach(async () => {
  await importServiceForContext(ctx).shutdown();
  ctx.cleanup();
});

describe('files and imports over the IPC binding', () => {
  it('refuses a file over the size limit set in Settings (default 2 GB), before reading it', async () => {
    const big = join(ctx.dataDir, 'big.csv');
    writeFileSync(big, 'email\n' + 'x@example.com\n'.repeat(200_000)); // ~2.8 MB
    expect(await call('files:register', { path: big })).toMatchObject({ ok: true });
    expect(await call('settings:update', { patch: { importMaxFileMb: 1 } })).toMatchObject({ ok: true, value: { importMaxFileMb: 1 } });
    const refused = await call('files:register', { path: big });
    expect(refused).toMatchObject({ ok: false, error: { code: 'validation', message: expect.stringMatching(/big\.csv is 2\.\d MB, over the 1(\.0)? MB limit/) } });
    answers.open = big;
    expect(await call('files:openDialog', {})).toMatchObject({ ok: false, error: { code: 'validation' } });
    expect(await call('settings:update', { patch: { importMaxFileMb: 0 } })).toMatchObject({ ok: false, error: { code: 'validation' } });
  });

  it('open dialog → preview → start → progress → report → save error rows', async () => {
    answers.open = fixture('bad-rows.csv');
    const opened = await call('files:openDialog', {});
    expect(opened).toMatchObject({ ok: true, value: { name: 'bad-rows.csv', size: expect.any(Number) } });
    const file = (opened as { value: { id: string } }).value;
    expect(JSON.stringify(opened)).not.toContain('/');
    const preview = await call('imports:preview', { file });
    expect(preview.ok).toBe(true);
    const sniff = (preview as { value: { suggestedMapping: unknown; rows: string[][] } }).value;
    expect(JSON.stringify(sniff.rows)).not.toContain('ok1@example.com');
    expect(sniff.rows[0]![0]).toBe('o***@example.com');
    const events: string[] = [];
    ctx.push.add((event, payload) => events.push(`${event}:${(payload as { phase?: string }).phase ?? ''}`));
    const started = await call('imports:start', { file, mapping: sniff.suggestedMapping, options: { onDuplicate: 'skip' } });
    const importId = (started as { value: { importId: string } }).value.importId;
    await importServiceForContext(ctx).wait(importId);
    expect(events).toContain('import:progress:finishing');
    expect(events).toContain('import:progress:done');
    expect(events).toContain('events:changed:');
    const report = await call('imports:get', { importId });
    expect(report).toMatchObject({ ok: true, value: { status: 'completed', imported: 6, merged: 1, warned: 4, invalid: 8 } });
    const list = await call('imports:list', {});
    expect((list as { value: { id: string }[] }).value.map((i) => i.id)).toEqual([importId]);
    answers.save = join(ctx.dataDir, 'invalid.csv');
    const saved = await call('imports:saveErrors', { importId });
    expect(saved).toEqual({ ok: true, value: { path: answers.save, rows: 8 } });
    expect(readFileSync(answers.save, 'utf8')).toContain('Reason');
    answers.save = null;
    expect(await call('imports:saveErrors', { importId })).toEqual({ ok: true, value: null });
  });

  it('registers harness uploads by token only, and refuses paths and unknown refs', async () => {
    mkdirSync(join(ctx.dataDir, 'uploads'), { recursive: true });
    copyFileSync(fixture('meta-offline.csv'), join(ctx.dataDir, 'uploads', 'up_1'));
    expect(await call('files:register', { uploadId: 'up_1', name: 'meta.csv' })).toMatchObject({ ok: true, value: { name: 'meta.csv' } });
    expect(await call('files:register', { uploadId: '../convdesk.db' })).toMatchObject({ ok: false, error: { code: 'validation' } });
    expect(await call('files:register', { path: ctx.dataDir })).toMatchObject({ ok: false, error: { code: 'validation', message: expect.stringMatching(/folder/) } });
    expect(await call('imports:preview', { file: { id: 'notregistered1' } })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    ctx.dialogs = null;
    const cli = createHandlers(ctx);
    expect(await dispatch('files:openDialog', cli, () => true, sender, {})).toMatchObject({ ok: false, error: { code: 'unsupported' } });
  });

  it('presets over IPC', async () => {
    const saved = await call('presets:save', { name: 'Leads', headers: ['Email', 'Conversion Time'], mapping: { columns: ['email', 'event_time'] } });
    expect(saved).toMatchObject({ ok: true, value: { name: 'Leads', headers: ['Email', 'Conversion Time'] } });
    const bad = await call('presets:save', { name: 'Dup', headers: ['a', 'b'], mapping: { columns: ['email', 'email'] } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'validation', message: expect.stringMatching(/more than one column/) } });
    const id = (saved as { value: { id: string } }).value.id;
    expect(await call('presets:delete', { id })).toEqual({ ok: true, value: { deleted: true } });
    expect(await call('presets:list', {})).toEqual({ ok: true, value: [] });
  });
});
