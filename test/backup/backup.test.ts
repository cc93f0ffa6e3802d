import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, copyFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeAppContext, openAppContext, type AppContext } from '../../src/main/app/context';
import { createBackup, restoreBackup } from '../../src/main/backup/service';
import { createEvent } from '../../src/main/events/service';

const root = join(__dirname, '..', '..');
const CLI = join(root, 'bin', 'convdesk.cjs');
let dir: string;
let ctx: AppContext;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'convdesk-backup-'));
  ctx = openAppContext({ dbPath: join(dir, 'app.db'), dataDir: dir, transport: 'test' });
});
afterEach(async () => {
  await closeAppContext(ctx);
  rmSync(dir, { recursive: true, force: true });
});

const deps = () => ({ db: ctx.db, dbPath: ctx.dbPath });
const add = (eventId: string) => createEvent(ctx.db, { event_name: 'purchase', event_id: eventId, event_time: '2026-11-01T10:00:00Z', email: `${eventId}@example.com` } as never);
const eventIds = (db: Database.Database) => db.prepare('SELECT event_id FROM conversion_events ORDER BY event_id').pluck().all();
const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, '--db', ctx.dbPath, ...args], { encoding: 'utf8' });

describe('backup (SQLite online backup)', () => {
  it('is consistent while another process keeps writing: every committed transaction is in it whole, or not at all', async () => {
    // The writer inserts 50 events per transaction and stores the running total in the same transaction.
    const writer = spawn(process.execPath, ['-e', `
      const Database = require(${JSON.stringify(require.resolve('better-sqlite3'))});
      const db = new Database(process.argv[1]);
      db.pragma('busy_timeout = 5000');
      const insert = db.prepare("INSERT INTO conversion_events (id, event_name, event_id, event_time) VALUES (?, 'purchase', ?, '2026-11-01T10:00:00.000Z')");
      const total = db.prepare("INSERT INTO settings (key, value) VALUES ('writer-total', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
      let n = 0;
      const step = db.transaction(() => { for (let i = 0; i < 50; i++, n++) insert.run('w-' + n, 'w-' + n); total.run(String(n)); });
      const until = Date.now() + 4000;
      while (Date.now() < until) step();
      process.stdout.write(String(n));
    `, ctx.dbPath], { stdio: ['ignore', 'pipe', 'inherit'] });
    let written = '';
    writer.stdout.on('data', (chunk) => (written += chunk));
    const exited = new Promise((resolve) => writer.on('exit', resolve));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const backups: { total: number; events: number }[] = [];
    for (let i = 0; i < 3; i++) {
      const path = join(dir, `backup-${i}.db`);
      // Through the CLI (another process) and through the app's own connection.
      if (i % 2 === 0) expect(cli('backup', path, '--json').status).toBe(0);
      else await createBackup(deps(), path);
      const copy = new Database(path, { readonly: true });
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      const total = Number(JSON.parse(String(copy.prepare("SELECT value FROM settings WHERE key = 'writer-total'").pluck().get() ?? '0')));
      backups.push({ total, events: copy.prepare('SELECT count(*) FROM conversion_events').pluck().get() as number });
      copy.close();
    }
    await exited;
    expect(Number(written)).toBeGreaterThan(0);
    for (const backup of backups) expect(backup.events).toBe(backup.total);
    expect(backups.some((b) => b.total > 0)).toBe(true);
    // No temporary files left beside the backups.
    expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
  });
});

describe('restore', () => {
  it('replaces the data with the backup’s, brings it to this schema, and leaves no copy aside', async () => {
    add('kept-1');
    add('kept-2');
    const path = join(dir, 'good.db');
    await createBackup(deps(), path);
    add('after-backup');
    const result = await restoreBackup(deps(), path);
    expect(result.schemaVersion).toBeGreaterThanOrEqual(15);
    expect(eventIds(ctx.db)).toEqual(['kept-1', 'kept-2']);
    expect(readdirSync(dir).filter((f) => f.includes('before-restore'))).toEqual([]);
    // Through the CLI too, and the database still works afterwards.
    add('after-restore');
    const cliRestore = cli('restore', path, '--json');
    expect(cliRestore.status, cliRestore.stderr).toBe(0);
    expect(eventIds(ctx.db)).toEqual(['kept-1', 'kept-2']);
  });

  it('refuses a damaged file, a file that is not a Conversion Desk database, and one from a newer version — and changes nothing', async () => {
    add('current');
    const good = join(dir, 'good.db');
    await createBackup(deps(), good);

    const damaged = join(dir, 'damaged.db');
    const bytes = readFileSync(good);
    for (let i = 4096 * 2; i < bytes.length; i += 97) bytes[i] = (bytes[i]! + 91) % 256;
    writeFileSync(damaged, bytes);
    const notDb = join(dir, 'text.db');
    writeFileSync(notDb, 'email,phone\nsomeone@example.com,1\n');
    const foreign = join(dir, 'foreign.db');
    const other = new Database(foreign);
    other.exec('CREATE TABLE t (x)');
    other.close();
    const newer = join(dir, 'newer.db');
    copyFileSync(good, newer);
    const bump = new Database(newer);
    bump.prepare("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (9999, '9999_future.sql', 'x', 'now')").run();
    bump.close();

    await expect(restoreBackup(deps(), damaged)).rejects.toMatchObject({ code: 'validation', message: expect.stringMatching(/cannot be restored/) });
    await expect(restoreBackup(deps(), notDb)).rejects.toMatchObject({ code: 'validation' });
    await expect(restoreBackup(deps(), foreign)).rejects.toMatchObject({ message: expect.stringContaining('not a Conversion Desk database') });
    await expect(restoreBackup(deps(), newer)).rejects.toMatchObject({ message: expect.stringContaining('newer version') });
    await expect(restoreBackup(deps(), ctx.dbPath)).rejects.toMatchObject({ code: 'validation' });
    expect(eventIds(ctx.db)).toEqual(['current']);
    expect(ctx.db.pragma('integrity_check', { simple: true })).toBe('ok');
    const refused = cli('restore', newer);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('newer version');
    expect(readdirSync(dir).filter((f) => f.includes('before-restore'))).toEqual([]);
  });
});
