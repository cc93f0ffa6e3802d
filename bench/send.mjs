// Benchmark section: send. Seeds N queued Meta purchases (real migrations, SQL bulk insert — not
// measured), writes the Meta file of the same events through the real export (the side-by-side
// reference), then sends them through the real send service → send worker → engine (pre-flight, JSON,
// journal before and after each request, marking through the delivery repository) to the fake Meta
// running as a process of its own with no added delay and only its envelope checks (--lenient), so
// the app side is what is measured. Main-thread event-loop delay and peak RSS of the app process.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';
import { timed } from './lib.mjs';

export const name = 'send';
export const title = 'Send (Meta Conversions API, to the local fake)';

async function startFake(root) {
  const child = spawn(process.execPath, [join(root, 'out', 'node', 'fake-meta.cjs'), '--lenient'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`fake Meta exited with ${code}`)));
    createInterface({ input: child.stdout }).once('line', resolve);
  });
  return { child, url: JSON.parse(line).url };
}

export async function run({ rows, tmp, root, log }) {
  const runner = join(root, 'out', 'bench', 'send-run.cjs');
  mkdirSync(join(root, 'out', 'bench'), { recursive: true });
  await build({ entryPoints: [join(root, 'bench', 'send-run.ts')], outfile: runner, bundle: true, platform: 'node', target: 'node20', format: 'cjs', external: ['better-sqlite3', 'electron'], logLevel: 'warning' });
  spawnSync(process.execPath, [join(root, 'scripts', 'build-node.mjs')], { stdio: 'inherit' });

  const db = join(tmp, 'send.db');
  log(`seeding ${rows.toLocaleString('en-US')} queued Meta purchases…`);
  const seeded = spawnSync(process.execPath, [runner, 'seed', db, String(rows)], { encoding: 'utf8' });
  if (seeded.status !== 0) throw new Error(`seeding failed: ${seeded.stderr}`);

  log('Meta file export of the same events…');
  const exported = timed(process.execPath, [runner, 'export', db, join(tmp, 'meta.csv')]);
  if (exported.status !== 0) throw new Error(`export failed: ${exported.stderr}`);
  const exportResult = JSON.parse(exported.stdout);
  spawnSync(process.execPath, [runner, 'reset', db]);

  const fake = await startFake(root);
  let sent;
  let stats;
  try {
    log('send to the fake Meta…');
    sent = timed(process.execPath, [runner, 'send', db, fake.url]);
    if (sent.status !== 0) throw new Error(`send failed: ${sent.stderr}`);
    stats = await (await fetch(`${fake.url}/__fake__/stats`)).json();
  } finally {
    fake.child.kill('SIGTERM');
  }
  const result = JSON.parse(sent.stdout);
  const rate = (count, ms) => Math.round(count / (ms / 1000)).toLocaleString('en-US');
  const sec = (ms) => (ms / 1000).toFixed(2);
  const rss = sent.maxRssMb ?? result.maxRssMb;
  const appRate = result.sent / (result.wallMs / 1000);
  const lines = [
    `${rows.toLocaleString('en-US')} queued Meta purchases (email, phone, first and last name hashes, value in USD/EUR/JPY, order id, an fbc on every 4th), action source physical_store. The fake Meta runs as its own process, answers at once and checks only the request envelope (token, dataset, 1–1,000 events), so the figures are the app's side; it accepted ${stats.accepted.toLocaleString('en-US')} events (${stats.unique.toLocaleString('en-US')} distinct) in ${stats.requests.toLocaleString('en-US')} requests.`,
    '',
    '| run | wall s | events/s | peak RSS MB | notes |',
    '|---|---:|---:|---:|---|',
    `| app send: service → send worker → engine (pre-flight, JSON, journal row before and answer after each request, delivery marked per request) → fake Meta over HTTP, ${result.requests} requests of ≤ 1,000, 2 in flight | ${sec(result.wallMs)} | ${rate(result.sent, result.wallMs)} | ${rss?.toFixed(0) ?? 'n/a'} | ${result.status}; sent ${result.sent.toLocaleString('en-US')}, failed ${result.failed}, excluded ${result.excluded}; main-thread event-loop max delay ${result.eventLoopMaxMs.toFixed(1)} ms; ${result.progressEvents} progress events; process wall incl. start-up ${sec(sent.wallMs)} s |`,
    `| app Meta file export of the same events (same pre-flight; the reference) | ${sec(exportResult.wallMs)} | ${rate(exportResult.exported, exportResult.wallMs)} | ${(exported.maxRssMb ?? exportResult.maxRssMb).toFixed(0)} | exported ${exportResult.exported.toLocaleString('en-US')}, ${(exportResult.bytes / 1024 / 1024).toFixed(1)} MB |`,
    '',
    '| target | measured | met? |',
    '|---|---:|---|',
    `| app side ≥ 50,000 events/s | ${Math.round(appRate).toLocaleString('en-US')} events/s | ${appRate >= 50_000 ? 'yes' : 'no'} |`,
    `| main-thread delay ≤ 50 ms | ${result.eventLoopMaxMs.toFixed(1)} ms | ${result.eventLoopMaxMs <= 50 ? 'yes' : 'no'} |`,
    `| peak RSS ≤ 300 MB | ${rss?.toFixed(0) ?? 'n/a'} MB | ${rss <= 300 ? 'yes' : 'no'} |`,
    `| send / export time | ${(result.wallMs / exportResult.wallMs).toFixed(2)}× | (reference) |`,
  ];
  return { markdown: lines.join('\n'), summary: { rows, send: { ...result, processWallMs: sent.wallMs, maxRssMb: rss }, export: exportResult, fake: stats } };
}
