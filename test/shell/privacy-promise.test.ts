import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHandlers } from '../../src/main/app/handlers';
import { dispatch, type Handlers } from '../../src/main/ipc/bind';
import { importServiceForContext } from '../../src/main/imports/handlers';
import { createTestContext } from '../helpers/context';

// The README's promise is exact: raw personal data reaches disk only in the error-rows file the user
// saves on purpose, and the save dialog says so before they choose where.
let ctx: ReturnType<typeof createTestContext>;
let handlers: Handlers;
const asked: { title: string; message?: string; defaultName: string }[] = [];
const call = (name: keyof Handlers, input: unknown) => dispatch(name, handlers, () => true, { frameUrl: 'app://bundle/', isMainFrame: true }, input);

beforeEach(() => {
  ctx = createTestContext();
  asked.length = 0;
  ctx.dialogs = {
    openFile: async () => null,
    saveFile: async (options) => {
      asked.push(options);
      return join(ctx.dataDir, 'chosen.csv');
    },
  };
  handlers = createHandlers(ctx);
});
afterEach(async () => {
  await importServiceForContext(ctx).shutdown();
  ctx.cleanup();
});

describe('raw personal data on disk', () => {
  it('the README states the one exception exactly', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8').replace(/\s+/g, ' ');
    expect(readme).toContain('Raw personal data is written to disk in one place only: the error-rows file you save on purpose');
    expect(readme).toContain('your own rows, exactly as they are in your file, unhashed — to the place you choose');
    // The other stated exception (Google's clear region and postal code) stays beside it.
    expect(readme).toContain('postal code in clear');
  });

  it('the save dialog for error rows says the file holds unhashed personal data', async () => {
    const csv = join(ctx.dataDir, 'orders.csv');
    writeFileSync(csv, 'email,event_time,event_name\nJane@Example.com,2026-01-01T00:00:00Z,purchase\nnot-an-email,2026-01-01T00:00:00Z,purchase\n');
    const ref = (await call('files:register', { path: csv })) as { ok: true; value: { id: string } };
    const preview = (await call('imports:preview', { file: { id: ref.value.id } })) as { ok: true; value: { suggestedMapping: unknown } };
    const started = (await call('imports:start', { file: { id: ref.value.id }, mapping: preview.value.suggestedMapping })) as { ok: true; value: { importId: string } };
    await importServiceForContext(ctx).wait(started.value.importId);
    expect(await call('imports:saveErrors', { importId: started.value.importId })).toMatchObject({ ok: true, value: { rows: 1 } });
    expect(asked).toHaveLength(1);
    expect(asked[0]!.title).toMatch(/unhashed personal data/);
    expect(asked[0]!.message).toMatch(/personal data included, unhashed/);
    expect(readFileSync(join(ctx.dataDir, 'chosen.csv'), 'utf8')).toContain('not-an-email');
  });
});
