// Benchmark section: send. Seeds N queued purchases that both platforms can take (real migrations,
// SQL bulk insert — not measured). For each destination (Meta, then Google Ads), on its own copy of
// that database: writes the platform file of the same events through the real export (the
// side-by-side reference), then sends them through the real send service → send worker → engine
// (pre-flight, JSON, journal before each request, answers and marks recorded in batches of requests
// through the delivery repository) to the fake platform running as a process of its own with no added
// delay and only its envelope checks (--lenient), so the app side is what is measured. Reports
// events/s (wall: engine start to run finished, marks committed), events per CPU-second of the app
// process (steadier on a shared machine), the fake's own CPU (it runs on the same cores), main-thread
// event-loop delay and peak RSS of the app process.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';
import { timed } from './lib.mjs';

export const name = 'send';
export const title = 'Send (Meta Conversions API and Google Data Manager, to local fakes)';

async function startFake(root, script) {
  const child = spawn(process.execPath, [join(root, 'out', 'node', script), '--lenient'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    createInterface({ input: child.stdout }).once('line', resolve);
  });
  return { child, info: JSON.parse(line), url: JSON.parse(line).url };
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); null elsewhere. */
function processCpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 10 ms
  } catch {
    return null;
  }
}

const DESTINATIONS = [
  { key: 'meta', label: 'Meta', fake: 'fake-meta.cjs', format: 'meta', mode: 'send', arg: (fake) => fake.url, perRequest: 1000 },
  { key: 'google', label: 'Google Ads', fake: 'fake-google.cjs', format: 'google-click', mode: 'send-google', arg: (fake) => JSON.stringify(fake.info), perRequest: 2000 },
];

export async function run({ rows, tmp, root, log }) {
  const runner = join(root, 'out', 'bench', 'send-run.cjs');
  mkdirSync(join(root, 'out', 'bench'), { recursive: true });
  await build({ entryPoints: [join(root, 'bench', 'send-run.ts')], outfile: runner, bundle: true, platform: 'node', target: 'node20', format: 'cjs', external: ['better-sqlite3', 'electron'], logLevel: 'warning' });
  spawnSync(process.execPath, [join(root, 'scripts', 'build-node.mjs')], { stdio: 'inherit' });

  const seededDb = join(tmp, 'seeded.db');
  log(`seeding ${rows.toLocaleString('en-US')} queued purchases…`);
  const seeded = spawnSync(process.execPath, [runner, 'seed', seededDb, String(rows)], { encoding: 'utf8' });
  if (seeded.status !== 0) throw new Error(`seeding failed: ${seeded.stderr}`);

  const rate = (count, ms) => Math.round(count / (ms / 1000)).toLocaleString('en-US');
  const sec = (ms) => (ms / 1000).toFixed(2);
  const table = ['| destination | run | wall s | events/s | app CPU s | events per CPU-s | peak RSS MB | notes |', '|---|---|---:|---:|---:|---:|---:|---|'];
  const targets = ['| destination | target | measured | met? |', '|---|---|---:|---|'];
  const summary = { rows };
  for (const destination of DESTINATIONS) {
    const db = join(tmp, `${destination.key}.db`);
    copyFileSync(seededDb, db);
    log(`${destination.label} file export of the same events…`);
    const exported = timed(process.execPath, [runner, 'export', db, join(tmp, `${destination.key}.csv`), destination.format]);
    if (exported.status !== 0) throw new Error(`export failed: ${exported.stderr}`);
    const exportResult = JSON.parse(exported.stdout);
    spawnSync(process.execPath, [runner, 'reset', db]);

    const fake = await startFake(root, destination.fake);
    let sent;
    let stats;
    let fakeCpuS = null;
    try {
      log(`send to the fake ${destination.label}…`);
      const fakeCpu0 = processCpuSeconds(fake.child.pid);
      sent = timed(process.execPath, [runner, destination.mode, db, destination.arg(fake)]);
      const fakeCpu1 = processCpuSeconds(fake.child.pid);
      fakeCpuS = fakeCpu0 === null || fakeCpu1 === null ? null : fakeCpu1 - fakeCpu0;
      if (sent.status !== 0) throw new Error(`send failed: ${sent.stderr}`);
      stats = await (await fetch(`${fake.url}/__fake__/stats`)).json();
    } finally {
      fake.child.kill('SIGTERM');
    }
    const result = JSON.parse(sent.stdout);
    const rss = sent.maxRssMb ?? result.maxRssMb;
    const appRate = result.sent / (result.wallMs / 1000);
    table.push(
      `| ${destination.label} | app send: service → send worker → engine → fake over HTTP, ${result.requests} requests of ≤ ${destination.perRequest.toLocaleString('en-US')} | ${sec(result.wallMs)} | ${rate(result.sent, result.wallMs)} | ${sec(result.cpuMs)} | ${rate(result.sent, result.cpuMs)} | ${rss?.toFixed(0) ?? 'n/a'} | ${result.status}${result.error ? ` (${result.error})` : ''}; sent ${result.sent.toLocaleString('en-US')}, failed ${result.failed}, excluded ${result.excluded}${result.excludedReasons?.length ? ` (${result.excludedReasons.join('; ')})` : ''}; the fake accepted ${stats.accepted.toLocaleString('en-US')} (${stats.unique.toLocaleString('en-US')} distinct) in ${stats.requests.toLocaleString('en-US')} requests, using ${fakeCpuS === null ? 'n/a' : fakeCpuS.toFixed(2)} s of CPU on the same 2 cores; main-thread event-loop max delay ${result.eventLoopMaxMs.toFixed(1)} ms; process wall incl. start-up ${sec(sent.wallMs)} s |`,
      `| ${destination.label} | app file export of the same events (same pre-flight; the reference) | ${sec(exportResult.wallMs)} | ${rate(exportResult.exported, exportResult.wallMs)} | | | ${(exported.maxRssMb ?? exportResult.maxRssMb).toFixed(0)} | exported ${exportResult.exported.toLocaleString('en-US')}, ${(exportResult.bytes / 1024 / 1024).toFixed(1)} MB |`,
    );
    targets.push(
      `| ${destination.label} | app side ≥ 50,000 events/s | ${Math.round(appRate).toLocaleString('en-US')} events/s | ${appRate >= 50_000 ? 'yes' : 'no'} |`,
      `| ${destination.label} | main-thread delay ≤ 50 ms | ${result.eventLoopMaxMs.toFixed(1)} ms | ${result.eventLoopMaxMs <= 50 ? 'yes' : 'no'} |`,
      `| ${destination.label} | peak RSS ≤ 300 MB | ${rss?.toFixed(0) ?? 'n/a'} MB | ${rss <= 300 ? 'yes' : 'no'} |`,
      `| ${destination.label} | send / export time | ${(result.wallMs / exportResult.wallMs).toFixed(2)}× | (reference) |`,
    );
    summary[destination.key] = { send: { ...result, processWallMs: sent.wallMs, maxRssMb: rss }, export: exportResult, fake: { ...stats, cpuS: fakeCpuS } };
  }
  const lines = [
    `${rows.toLocaleString('en-US')} queued purchases (Meta email, phone, first and last name hashes; a gclid, a Google email hash and an order id; value in USD/EUR/JPY; an fbc on every 4th), Meta action source physical_store, purchase mapped to the Google action "Offline purchase". Each destination sends from its own copy of the seeded database. The fakes run as processes of their own, answer at once and check only the request envelope, so the figures are the app's side. "app CPU s" is user + system CPU of the app process (main thread, sending thread, its reader thread and V8's GC threads) during the send; the fake's own CPU, on the same 2 cores, is in the notes.`,
    '',
    ...table,
    '',
    ...targets,
  ];
  return { markdown: lines.join('\n'), summary };
}
