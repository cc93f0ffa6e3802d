/**
 * Kills `convdesk export` with SIGKILL at random moments (or the moment its final file appears) and
 * checks what it left: never a final file without its committed batch, and after the next command
 * no `.part` file, every committed batch with its complete file. Used by kill.test.ts (a few kills)
 * and kill.stress.test.ts (`npm run test:stress`, ≥ 50 kills on 200k events).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, watch } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { closeAppContext, openAppContext } from '../../src/main/app/context';
import { updateSettings } from '../../src/main/settings/service';

const root = join(__dirname, '..', '..');
const CLI = join(root, 'bin', 'convdesk.cjs');
const NOW = '2026-11-25T12:00:00Z';

/** A database with `rows` queued Google click conversions (the export benchmark's rows). */
export function seedQueued(dbPath: string, rows: number): void {
  const ctx = openAppContext({ dbPath, dataDir: dirname(dbPath), transport: 'test' });
  updateSettings(ctx.db, {
    timeZone: 'America/New_York',
    destinations: { purchase: { googleConversionName: 'Offline purchase' }, lead: { googleConversionName: 'Qualified lead' } },
    consentDefaults: { adUserData: 'granted', adPersonalization: 'granted' },
  });
  const now = Date.parse(NOW) / 1000;
  ctx.db.exec(`
    WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${rows - 1})
    INSERT INTO conversion_events (id, event_name, event_id, gclid, event_time, event_value_micros, currency, transaction_id,
      user_email_hash, meta_email_hash, sync_status, created_at, updated_at)
    SELECT printf('%08x-0000-7000-8000-%012x', 1700000000 + i, i), CASE WHEN i % 5 = 0 THEN 'lead' ELSE 'purchase' END,
      'evt_' || i, 'Cj0KCQiA' || lower(hex(randomblob(24))),
      strftime('%Y-%m-%dT%H:%M:%fZ', ${now} - 3600 - (i * 7) % (60 * 86400), 'unixepoch'),
      (i % 100000) * 10000 + 990000, 'USD', 'ORD-' || i, lower(hex(randomblob(32))), lower(hex(randomblob(32))),
      'queued', '2026-11-25T00:00:00.000Z', '2026-11-25T00:00:00.000Z'
    FROM n;
  `);
  ctx.db.pragma('wal_checkpoint(TRUNCATE)');
  void closeAppContext(ctx);
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

function batchesByPath(dbPath: string): Map<string, string | null> {
  const db = new Database(dbPath, { readonly: true });
  try {
    const rows = db.prepare('SELECT file_path, file_sha256 FROM sync_batches').all() as { file_path: string; file_sha256: string | null }[];
    return new Map(rows.map((r) => [r.file_path, r.file_sha256]));
  } finally {
    db.close();
  }
}

export interface KillOutcome {
  /** The export finished before the kill. */
  completed: boolean;
  /** Killed after its batch committed (the file was then in place, or put there at the next start). */
  committedBeforeKill: boolean;
  partsLeftByKill: number;
  partsAfterNextCommand: number;
}

export interface KillRun {
  dbPath: string;
  dir: string;
  /** Milliseconds after spawn, or 'on-final-file': the moment the final file's name appears. */
  killAt: number | 'on-final-file';
  index: number;
  env?: NodeJS.ProcessEnv;
}

/** One export killed, checked, then the next command run and checked. Throws on any violation. */
export async function killOnce(run: KillRun): Promise<KillOutcome> {
  const out = join(run.dir, `upload-${run.index}.csv`);
  const child = spawn(process.execPath, [CLI, '--db', run.dbPath, 'export', '--format', 'google-click', '--out', out, '--now', NOW, '--json'], {
    stdio: 'ignore',
    env: { ...process.env, ...run.env },
  });
  let timer: NodeJS.Timeout | undefined;
  const watcher =
    run.killAt === 'on-final-file'
      ? watch(run.dir, (_event, name) => {
          if (name === basename(out) && existsSync(out)) child.kill('SIGKILL');
        })
      : undefined;
  if (typeof run.killAt === 'number') timer = setTimeout(() => child.kill('SIGKILL'), run.killAt);
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  clearTimeout(timer);
  watcher?.close();
  const completed = exit.signal === null;
  if (completed && exit.code !== 0) throw new Error(`export ${run.index} failed on its own (exit ${exit.code})`);

  // Right after the kill: a final file only with its committed batch, and that batch's bytes.
  const batches = batchesByPath(run.dbPath);
  if (existsSync(out)) {
    if (!batches.has(out)) throw new Error(`export ${run.index}: ${basename(out)} exists but no batch was committed for it`);
    if (batches.get(out) !== sha256(out)) throw new Error(`export ${run.index}: ${basename(out)} is not its batch's file (SHA-256 differs)`);
  }
  const parts = () => readdirSync(run.dir).filter((name) => name.endsWith('.part'));
  const partsLeftByKill = parts().length;

  // The next command (any) finishes or removes what the kill left.
  const next = spawnSync(process.execPath, [CLI, '--db', run.dbPath, 'batches', 'list', '--json'], { encoding: 'utf8' });
  if (next.status !== 0) throw new Error(`the command after export ${run.index} failed: ${next.stderr}`);
  const left = parts();
  if (left.length) throw new Error(`after export ${run.index} and the next command, .part files remain: ${left.join(', ')}`);
  const committed = batchesByPath(run.dbPath);
  for (const [path, sha] of committed) {
    if (!path.startsWith(run.dir)) continue;
    // A committed batch's file is in place after the next start (an older one may have been replaced by the user: not here).
    if (!existsSync(path)) throw new Error(`batch file ${basename(path)} is missing after the next command`);
    if (sha256(path) !== sha) throw new Error(`batch file ${basename(path)} does not match its batch`);
  }
  return { completed, committedBeforeKill: !completed && committed.has(out), partsLeftByKill, partsAfterNextCommand: left.length };
}

/** How long one full export takes here (to spread the kills over it). */
export function timeFullExport(dbPath: string, dir: string, env?: NodeJS.ProcessEnv): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, [CLI, '--db', dbPath, 'export', '--format', 'google-click', '--out', join(dir, 'timing.csv'), '--now', NOW, '--json'], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  if (result.status !== 0) throw new Error(`the timing export failed: ${result.stderr}`);
  return performance.now() - started;
}
