// A real crash: `convdesk import` is killed (SIGKILL) while a bulk-load import is inserting, with its
// secondary indexes dropped. The uncommitted transaction must leave no events, every index exactly as
// the migrations made it, and a leftover 'running' import row that the next start marks failed.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/main/db/connection';
import { migrate } from '../../src/main/db/migrate';
import { recoverInterruptedImports } from '../../src/main/imports/repo';
import { migrationsDir } from '../../src/main/runtime';

const root = join(__dirname, '..', '..');
let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'convdesk-crash-test-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const schemaOf = (path: string) => {
  const db = openDatabase(path);
  try {
    return db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_stat%' ORDER BY name").all();
  } finally {
    db.close();
  }
};

describe('a crash in the middle of a bulk-load import', () => {
  it('leaves no events, the indexes as they were, and an import marked failed at the next start', async () => {
    const generator: string = join(root, 'bench', 'generate.mjs');
    const { generateCsv } = (await import(generator)) as { generateCsv(path: string, rows: number): Promise<number> };
    const csv = join(tmp, 'big.csv');
    await generateCsv(csv, 120_000);
    const dbPath = join(tmp, 'crash.db');
    const setup = openDatabase(dbPath);
    migrate(setup, migrationsDir());
    setup.close();
    const before = schemaOf(dbPath);

    const child = spawn(process.execPath, [join(root, 'bin', 'convdesk.cjs'), '--db', dbPath, 'import', csv, '--json'], {
      env: { ...process.env, CONVDESK_IMPORT_REBUILD_INDEXES: 'always' },
      stdio: 'ignore',
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    // Kill it once it is well into the insert phase: the WAL holds some MB of the uncommitted rows.
    const wal = `${dbPath}-wal`;
    const started = Date.now();
    while (!(existsSync(wal) && statSync(wal).size > 8 * 1024 * 1024)) {
      if (child.exitCode !== null) throw new Error('the import finished before it could be killed; use a larger file');
      if (Date.now() - started > 60_000) throw new Error('the import never started writing');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    expect(schemaOf(dbPath)).toEqual(before);
    const db = openDatabase(dbPath);
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.prepare('SELECT count(*) FROM conversion_events').pluck().get()).toBe(0);
      expect(db.prepare('SELECT status FROM imports').pluck().all()).toEqual(['running']);
      expect(recoverInterruptedImports(db)).toBe(1);
      expect(db.prepare('SELECT status FROM imports').pluck().all()).toEqual(['failed']);
    } finally {
      db.close();
    }
  }, 120_000);
});
