import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileRegistry } from '../../src/main/files/registry';
import { openDatabase } from '../../src/main/db/connection';
import { migrate } from '../../src/main/db/migrate';
import { createImportRow } from '../../src/main/imports/repo';
import { runPipeline } from '../../src/main/imports/pipeline';
import { migrationsDir } from '../../src/main/runtime';
import { updateSettings } from '../../src/main/settings/service';
import { AppError } from '../../src/shared/ipc/result';
import { fixture } from './helpers';

const root = join(__dirname, '..', '..');
let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'convdesk-cli-test-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cli(...args: string[]) {
  return spawnSync(process.execPath, [join(root, 'bin', 'convdesk.cjs'), ...args], { encoding: 'utf8' });
}

describe('convdesk import', () => {
  it('prints the JSON summary with row errors and exits 0 when the file was processed', () => {
    const db = join(tmp, 'cli.db');
    const result = cli('--db', db, 'import', fixture('google-ec-leads.csv'), '--json', '--default-country', 'US');
    expect(result.status).toBe(0);
    const out = JSON.parse(result.stdout);
    // Each bad identifier is dropped from its row with a warning (with the masked value): the row keeps its other one.
    expect(out).toMatchObject({ rowsRead: 4, imported: 4, duplicates: 0, invalid: 0, warned: 2 });
    expect(out.errors).toEqual([]);
    expect(out.warnings).toEqual([
      { row: 4, severity: 'warning', column: 'Email', value: 'n***', reason: 'is not a valid email address; dropped from this row (the row is kept)' },
      { row: 5, severity: 'warning', column: 'Phone Number', value: '***45', reason: 'is not a valid phone number for country US; dropped from this row (the row is kept)' },
    ]);
    expect(typeof out.importId).toBe('string');
    const again = JSON.parse(cli('--db', db, 'import', fixture('google-ec-leads.csv'), '--json', '--default-country', 'US').stdout);
    expect(again).toMatchObject({ imported: 0, duplicates: 4 });
    expect(again.duplicateRows[0]).toMatchObject({ row: 2, severity: 'duplicate', value: 'Lead form:LEAD-1', relatedEventId: expect.any(String) });
  });

  it('exits non-zero for unreadable files and takes a JSON mapping', () => {
    const db = join(tmp, 'cli2.db');
    expect(cli('--db', db, 'import', fixture('binary-xlsx-renamed.csv'), '--json').status).not.toBe(0);
    expect(cli('--db', db, 'import', join(tmp, 'missing.csv'), '--json').status).not.toBe(0);
    const mapping = JSON.stringify({ 'Conversion Time': 'event_time', 'Order ID': 'transaction_id', Email: 'email' });
    const result = cli('--db', db, 'import', fixture('google-ec-leads.csv'), '--json', '--mapping', mapping, '--event-name', 'lead');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ imported: 3, invalid: 1 });
  });
});

describe('convdesk import and the import size limit', () => {
  it('refuses a file over Settings → Import file size limit of that database, and takes it once the limit is raised', () => {
    const db = join(tmp, 'limit.db');
    const big = join(tmp, 'big.csv');
    const header = 'Email,Conversion Time,Order ID\n';
    const row = 'someone@example.com,2026-11-20 10:00:00+00:00,ORD-1\n';
    writeFileSync(big, header + row + `x,${'y'.repeat(1024 * 1024)},ORD-2\n`);
    const database = openDatabase(db);
    migrate(database, migrationsDir());
    updateSettings(database, { importMaxFileMb: 1 });
    database.close();
    const refused = cli('--db', db, 'import', big, '--json', '--event-name', 'purchase');
    expect(refused.status).not.toBe(0);
    expect(refused.stderr + refused.stdout).toMatch(/big\.csv is 1,048,6\d\d bytes, over the 1,048,576 bytes limit/);
    const reopened = openDatabase(db);
    expect(reopened.prepare('SELECT count(*) FROM imports').pluck().get()).toBe(0);
    updateSettings(reopened, { importMaxFileMb: 2 });
    reopened.close();
    const taken = cli('--db', db, 'import', big, '--json', '--event-name', 'purchase');
    expect(taken.status).toBe(0);
    expect(JSON.parse(taken.stdout)).toMatchObject({ rowsRead: 2, imported: 1 });
  });
});

describe('file registry', () => {
  it('refuses folders, missing files, oversize files and path-like upload ids', () => {
    const registry = new FileRegistry(10);
    const dir = join(tmp, 'folder');
    mkdirSync(dir, { recursive: true });
    expect(() => registry.register(dir)).toThrow(/is a folder/);
    expect(() => registry.register(join(tmp, 'nope.csv'))).toThrow(/does not exist/);
    const big = join(tmp, 'big.csv');
    writeFileSync(big, 'x'.repeat(11));
    expect(() => registry.register(big)).toThrow(/over the 10 bytes limit/);
    expect(() => registry.registerUpload(tmp, '../etc/passwd')).toThrow(/Invalid upload id/);
    const ok = join(tmp, 'ok.csv');
    writeFileSync(ok, 'a');
    const ref = registry.register(ok);
    expect(ref).toEqual({ id: expect.stringMatching(/^[0-9a-f]{24}$/), name: 'ok.csv', size: 1 });
    expect(registry.resolve(ref).path).toContain('ok.csv');
    expect(() => registry.resolve({ id: 'unknown-id-123' })).toThrow(/unknown or expired/);
  });
});

describe('any byte string', () => {
  it('a file holding only a line break is a validation error, not a bare exception (a counterexample the property below found)', async () => {
    const db = openDatabase(join(tmp, 'newline.db'));
    migrate(db, migrationsDir());
    const path = join(tmp, 'newline.csv');
    writeFileSync(path, '\n');
    createImportRow(db, { id: 'nl', fileName: 'newline.csv', fileSize: 1, filePath: path, mapping: { columns: ['email'] }, options: { onDuplicate: 'skip' }, headers: [] });
    const run = runPipeline(db, { path, fileName: 'newline.csv', importId: 'nl', mapping: { columns: ['email'] }, options: { onDuplicate: 'skip', eventName: 'lead', timezone: 'UTC' } });
    await expect(run).rejects.toBeInstanceOf(AppError);
    await expect(run).rejects.toThrow('newline.csv has no rows');
    db.close();
  });

  it('ends with a report or a clear AppError, never another exception (property)', async () => {
    const db = openDatabase(join(tmp, 'prop.db'));
    migrate(db, migrationsDir());
    const path = join(tmp, 'prop.csv');
    let n = 0;
    const header = fc.constantFrom('', 'email,conversion time,order id\n', '\ufeffemail;conversion time\n', 'Parameters:TimeZone=Mars/Base\nemail,conversion time\n');
    await fc.assert(
      fc.asyncProperty(header, fc.uint8Array({ maxLength: 400 }), fc.integer({ min: 1, max: 64 }), async (head, body, chunk) => {
        const bytes = Buffer.concat([Buffer.from(head), Buffer.from(body)]);
        writeFileSync(path, bytes);
        const importId = `p${n++}`;
        createImportRow(db, { id: importId, fileName: 'prop.csv', fileSize: bytes.length, filePath: path, mapping: { columns: ['email', 'event_time', 'transaction_id'] }, options: { onDuplicate: 'skip' }, headers: [] });
        try {
          const result = await runPipeline(db, { path, fileName: 'prop.csv', importId, mapping: { columns: ['email', 'event_time', 'transaction_id'] }, options: { onDuplicate: 'skip', eventName: 'lead', timezone: 'UTC' }, chunkBytes: chunk });
          expect(result.rowsRead).toBe(result.imported + result.duplicates + result.invalid + result.updated);
        } catch (error) {
          expect(error).toBeInstanceOf(AppError);
        }
        expect(db.inTransaction).toBe(false);
      }),
      { numRuns: 300 },
    );
    db.close();
  });
});
