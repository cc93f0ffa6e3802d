import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importServiceForContext } from '../../src/main/imports/handlers';
import { AppError } from '../../src/shared/ipc/result';
import { createTestContext } from '../helpers/context';

// Issue 14: ≥ 3,000 generated inputs (random bytes, and mutated real exports from
// test/fixtures/real-world/) through the real import pipeline (preview → start → the import worker):
// no crash, no partial import, every refusal a typed error. Figures are printed for the notes.
const INPUTS = Number(process.env.FUZZ_INPUTS) || 3000;
const REAL = join(__dirname, '..', 'fixtures', 'real-world');

let seed = Number(process.env.FUZZ_SEED) || 20261130;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const int = (n: number) => Math.floor(rnd() * n);
const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;

const CSV_BYTES = Buffer.from(',;\t"\r\n\n\nabcXYZ019@.+-_ é', 'utf8');
const SPECIAL = [Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from([0xff, 0xfe]), Buffer.from([0xc3]), Buffer.from([0xe9]), Buffer.from([0]), Buffer.from('"'), Buffer.from('\r'), Buffer.from('=cmd|'), Buffer.from('9999999999'), Buffer.from('__proto__')];

function randomBytes(): Buffer {
  const length = int(rnd() < 0.1 ? 70_000 : 4096);
  const out = Buffer.alloc(length);
  const csvish = rnd() < 0.6;
  for (let i = 0; i < length; i++) out[i] = csvish ? CSV_BYTES[int(CSV_BYTES.length)]! : int(256);
  return out;
}

function mutate(source: Buffer): Buffer {
  let bytes = Buffer.from(source);
  const edits = 1 + int(8);
  for (let e = 0; e < edits; e++) {
    const at = int(bytes.length + 1);
    switch (int(7)) {
      case 0: // flip bytes
        for (let k = 0; k < 1 + int(16) && bytes.length; k++) bytes[int(bytes.length)] = int(256);
        break;
      case 1: // insert a special sequence
        bytes = Buffer.concat([bytes.subarray(0, at), pick(SPECIAL), bytes.subarray(at)]);
        break;
      case 2: // delete a range
        bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(Math.min(bytes.length, at + int(200)))]);
        break;
      case 3: // duplicate a range (rows, half rows)
        bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at, at + int(400)), bytes.subarray(at)]);
        break;
      case 4: // truncate
        bytes = bytes.subarray(0, at);
        break;
      case 5: // random bytes inside
        bytes = Buffer.concat([bytes.subarray(0, at), randomBytes().subarray(0, 64), bytes.subarray(at)]);
        break;
      default: // swap the delimiter
        bytes = Buffer.from(bytes.toString('latin1').replaceAll(',', pick([';', '\t', '|', '"', ''])), 'latin1');
    }
  }
  return bytes;
}

const UNTYPED = /^(The import failed:|The import worker crashed|The import stopped before finishing)/;

let ctx: ReturnType<typeof createTestContext>;
let dir: string;
beforeAll(() => {
  ctx = createTestContext();
  dir = mkdtempSync(join(tmpdir(), 'convdesk-fuzz-'));
});
afterAll(async () => {
  await importServiceForContext(ctx).shutdown();
  ctx.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe(`import fuzz: ${INPUTS} generated inputs through the real pipeline`, () => {
  it('no crash, no partial import, every refusal a typed error', async () => {
    const imports = importServiceForContext(ctx);
    const real = readdirSync(REAL).filter((f) => f.endsWith('.csv')).map((f) => readFileSync(join(REAL, f)));
    const outcomes: Record<string, number> = {};
    const violations: string[] = [];
    const note = (what: string) => (outcomes[what] = (outcomes[what] ?? 0) + 1);
    const eventsOf = (importId: string) => ctx.db.prepare('SELECT count(*) FROM conversion_events WHERE import_id = ?').pluck().get(importId) as number;
    const started = performance.now();
    for (let i = 0; i < INPUTS; i++) {
      const kind = i % 3 === 0 ? 'random' : 'mutated';
      const bytes = kind === 'random' ? randomBytes() : mutate(pick(real));
      const path = join(dir, `input-${i}.csv`);
      writeFileSync(path, bytes);
      try {
        const file = imports.files.register(path);
        const preview = imports.preview(file);
        const { importId } = imports.start(file, preview.suggestedMapping, { eventName: 'purchase', defaultCountry: 'US', onDuplicate: pick(['skip', 'update', 'error'] as const) });
        const report = await imports.wait(importId);
        const stored = eventsOf(importId);
        if (report.status === 'completed') {
          note(report.invalid > 0 ? 'completed with invalid rows' : 'completed clean');
          if (stored !== report.imported) violations.push(`input ${i}: report says ${report.imported} imported, ${stored} stored`);
        } else {
          note(`import ${report.status}`);
          if (stored !== 0) violations.push(`input ${i}: ${report.status} import left ${stored} events`);
          if (!report.error || UNTYPED.test(report.error)) violations.push(`input ${i}: untyped failure: ${report.error}`);
        }
      } catch (error) {
        if (error instanceof AppError) note(`refused (${error.code})`);
        else violations.push(`input ${i} (${kind}): ${(error as Error)?.stack ?? String(error)}`);
      }
      rmSync(path, { force: true });
    }
    const figures = { inputs: INPUTS, seconds: Math.round((performance.now() - started) / 1000), outcomes, events: ctx.db.prepare('SELECT count(*) FROM conversion_events').pluck().get(), violations: violations.length };
    console.log(`fuzz: ${JSON.stringify(figures)}`);
    expect(violations.slice(0, 20)).toEqual([]);
    expect(ctx.db.pragma('integrity_check', { simple: true })).toBe('ok');
  });
});
