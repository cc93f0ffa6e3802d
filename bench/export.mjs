// Benchmark section: export. Seeds N queued events (real migrations, SQL bulk insert — not measured),
// then writes a Google Ads click-conversion file through the real service + export worker (read, time
// zone conversion, currency formatting, exclusions, streaming write, SHA-256, batch + batch_id on every
// exported event in sync_batch_events) and, side by side, the sqlite3 shell writing the same columns with `.mode csv` /
// `.output` (no time zone, no checks, no batch).
import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { timed } from './lib.mjs';

export const name = 'export';
export const title = 'Export (Google Ads click conversions)';

const BASELINE_SQL = (out) => `
.headers on
.mode csv
.output ${out}
SELECT gclid AS "Google Click ID",
  CASE event_name WHEN 'purchase' THEN 'Offline purchase' ELSE 'Qualified lead' END AS "Conversion Name",
  replace(substr(event_time, 1, 19), 'T', ' ') AS "Conversion Time",
  printf('%.2f', event_value_micros / 1e6) AS "Conversion Value",
  currency AS "Conversion Currency", transaction_id AS "Order ID",
  consent_ad_user_data AS "Ad User Data", consent_ad_personalization AS "Ad Personalization"
FROM conversion_events WHERE sync_status = 'queued' ORDER BY event_time, id;
.output stdout
`;

export async function run({ rows, tmp, root, log }) {
  const runner = join(root, 'out', 'bench', 'export-run.cjs');
  mkdirSync(join(root, 'out', 'bench'), { recursive: true });
  await build({ entryPoints: [join(root, 'bench', 'export-run.ts')], outfile: runner, bundle: true, platform: 'node', target: 'node20', format: 'cjs', external: ['better-sqlite3', 'electron'], logLevel: 'warning' });
  spawnSync(process.execPath, [join(root, 'scripts', 'build-node.mjs')], { stdio: 'inherit' });

  const db = join(tmp, 'export.db');
  log(`seeding ${rows.toLocaleString('en-US')} queued events…`);
  const seeded = spawnSync(process.execPath, [runner, 'seed', db, String(rows)], { encoding: 'utf8' });
  if (seeded.status !== 0) throw new Error(`seeding failed: ${seeded.stderr}`);
  log(`seeded in ${(JSON.parse(seeded.stdout).seededMs / 1000).toFixed(1)} s`);

  let sqlite = null;
  if (spawnSync('sqlite3', ['--version']).status === 0) {
    log('sqlite3 .mode csv baseline…');
    const out = join(tmp, 'sqlite3.csv');
    sqlite = timed('sqlite3', [db], { input: BASELINE_SQL(out) });
    if (sqlite.status !== 0) throw new Error(`sqlite3 failed: ${sqlite.stderr}`);
    sqlite.bytes = statSync(out).size;
  } else {
    log('sqlite3 is NOT installed (apt-get install sqlite3): that baseline is skipped');
  }

  // Three app runs on the same rows: one thread (read + write, then link); one reader thread writing
  // the file while the worker links; and the default for large exports, two reader threads (each half
  // of the rows) while the worker links.
  const appRun = (label, env) => {
    const reset = spawnSync(process.execPath, [runner, 'reset', db], { encoding: 'utf8' });
    if (reset.status !== 0) throw new Error(`reset failed: ${reset.stderr}`);
    log(`app export (${label})…`);
    const out = join(tmp, `google-click-${label}.csv`);
    const app = timed(process.execPath, [runner, 'run', db, out], { env: { ...process.env, ...env } });
    if (app.status !== 0) throw new Error(`app export failed: ${app.stderr}`);
    return { app, result: JSON.parse(app.stdout) };
  };
  const single = appRun('one thread', { CONVDESK_EXPORT_PARALLEL_MIN: String(Number.MAX_SAFE_INTEGER) });
  const oneReader = appRun('one reader', { CONVDESK_EXPORT_SPLIT_MIN: String(Number.MAX_SAFE_INTEGER) });
  const { app, result } = appRun('two readers', {});

  // The floor for linking a batch in SQLite here: the shell inserting the same (batch, event) pairs
  // in one statement and committing, after the app runs.
  let link = null;
  if (sqlite) {
    log('sqlite3 link-batch baseline…');
    link = timed('sqlite3', [db], {
      input:
        "PRAGMA journal_mode=WAL;\nPRAGMA synchronous=NORMAL;\nINSERT INTO sync_batches (id, destination) VALUES ('ffffffff-bench', 'google-click');\n" +
        "INSERT INTO sync_batch_events (batch_id, event_id) SELECT 'ffffffff-bench', id FROM conversion_events WHERE sync_status = 'queued' ORDER BY rowid;\n",
    });
    if (link.status !== 0) throw new Error(`sqlite3 link failed: ${link.stderr}`);
  }

  const sec = (ms) => (ms / 1000).toFixed(2);
  const rate = (ms) => Math.round(rows / (ms / 1000)).toLocaleString('en-US');
  const mb = (v) => (v == null ? 'n/a' : v.toFixed(0));
  const rss = app.maxRssMb ?? result.maxRssMb;
  const lines = [
    `${rows.toLocaleString('en-US')} queued events (gclid, order id, USD/JPY/KWD/EUR values, consent, 4 identity hashes per row; times over 80 days, across the US DST change), account time zone America/New_York.`,
    '',
    '| run | wall s | rows/s | peak RSS MB | file MB | notes |',
    '|---|---:|---:|---:|---:|---|',
    `| app, default for ≥ 200k rows: two reader threads, each half of the rows (read, exclusions, DST-correct local time, currency decimals, streaming write + SHA-256; the first appends the second's part) ∥ worker linking the batch (sync_batch_events) for ${result.linked.toLocaleString('en-US')} events | ${sec(result.wallMs)} | ${rate(result.wallMs)} | ${mb(rss)} | ${(result.bytes / 1024 / 1024).toFixed(1)} | exported ${result.exported.toLocaleString('en-US')}, excluded ${result.excluded}; main-thread event-loop max delay ${result.eventLoopMaxMs.toFixed(1)} ms; ${result.progressEvents} progress events; process wall incl. start-up and WAL checkpoint ${sec(app.wallMs)} s |`,
    `| app, one reader thread ∥ worker linking (the default from 100k to 200k rows) | ${sec(oneReader.result.wallMs)} | ${rate(oneReader.result.wallMs)} | ${mb(oneReader.app.maxRssMb ?? oneReader.result.maxRssMb)} | ${(oneReader.result.bytes / 1024 / 1024).toFixed(1)} | phases (ms): ${Object.entries(oneReader.result.timings).map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`).join(', ')} |`,
    `| app, one thread: read + write, then link (same work, sequential) | ${sec(single.result.wallMs)} | ${rate(single.result.wallMs)} | ${mb(single.app.maxRssMb ?? single.result.maxRssMb)} | ${(single.result.bytes / 1024 / 1024).toFixed(1)} | main-thread event-loop max delay ${single.result.eventLoopMaxMs.toFixed(1)} ms; phases (ms): ${Object.entries(single.result.timings).map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`).join(', ')} |`,
    sqlite
      ? `| sqlite3 shell \`.mode csv\` + \`.output\` (same columns, UTC text times, no checks, no batch) | ${sec(sqlite.wallMs)} | ${rate(sqlite.wallMs)} | ${mb(sqlite.maxRssMb)} | ${(sqlite.bytes / 1024 / 1024).toFixed(1)} | process wall |`
      : '| sqlite3 shell | — | — | — | — | sqlite3 not installed |',
    link
      ? `| sqlite3 shell: \`INSERT INTO sync_batch_events … SELECT\` for the same rows only (the floor for linking a batch) | ${sec(link.wallMs)} | ${rate(link.wallMs)} | ${mb(link.maxRssMb)} | — | one autocommit statement |`
      : '',
    '',
    `Default (two readers) phases (ms, overlapping; the reader's are the first reader's): ${Object.entries(result.timings).map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`).join(', ')}. The WAL checkpoint runs in the worker after the answer and is not included.`,
    '',
    '| target | measured | met? |',
    '|---|---:|---|',
    `| 1M-row export ≤ 5 s | ${sec(result.wallMs)} s (one reader: ${sec(oneReader.result.wallMs)} s, one thread: ${sec(single.result.wallMs)} s)${rows === 1_000_000 ? '' : ` (for ${rows.toLocaleString('en-US')} rows)`} | ${rows >= 1_000_000 ? (result.wallMs <= 5000 ? 'yes' : 'no') : 'n/a (smaller N)'} |`,
    `| peak RSS ≤ 300 MB | ${mb(rss)} MB (one thread: ${mb(single.app.maxRssMb ?? single.result.maxRssMb)} MB) | ${rss <= 300 ? 'yes' : 'no'} |`,
  ];
  if (sqlite) lines.push(`| app / sqlite3 time | ${(result.wallMs / sqlite.wallMs).toFixed(2)}× | (reference) |`);
  return { markdown: lines.filter((line, i) => line !== '' || lines[i - 1] !== '').join('\n'), summary: { rows, app: { ...result, processWallMs: app.wallMs, maxRssMb: rss }, oneReader: oneReader.result, singleThread: single.result, sqliteMs: sqlite?.wallMs ?? null, sqliteLinkMs: link?.wallMs ?? null } };
}
