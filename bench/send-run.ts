// Bench helper (bundled by bench/send.mjs): `seed DB N` fills a fresh database (real migrations) with
// N queued Meta purchases; `export DB OUT` writes the Meta file of them through the real export;
// `reset DB` drops the export's batch; `send DB FAKE_URL` sends them through the real send service,
// send worker and engine to the fake Meta (a process of its own) and prints timings as JSON.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { dirname } from 'node:path';
import { closeAppContext, openAppContext } from '../src/main/app/context';
import { exportServiceForContext } from '../src/main/exports/handlers';
import { sendServiceForContext } from '../src/main/send/handlers';

const TOKEN = 'EAAtest-valid-token-0000000000000000';

function seed(dbPath: string, rows: number): void {
  const ctx = openAppContext({ dbPath, dataDir: dirname(dbPath), transport: 'bench' });
  const now = Date.now();
  const t0 = performance.now();
  // Store purchases of the last 5 days: Meta email / phone / name hashes, value, order id, some fbc.
  ctx.db.exec(`
    WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${rows - 1})
    INSERT INTO conversion_events (id, event_name, event_id, event_time, event_value_micros, currency, transaction_id,
      meta_email_hash, meta_phone_hash, meta_first_name_hash, meta_last_name_hash, fbc, sync_status, created_at, updated_at)
    SELECT printf('%08x-0000-7000-8000-%012x', 1700000000 + i, i), 'purchase', 'evt_' || i,
      strftime('%Y-%m-%dT%H:%M:%fZ', ${Math.floor(now / 1000)} - 3600 - (i * 37) % (5 * 86400), 'unixepoch'),
      (i % 100000) * 10000 + 990000, CASE i % 3 WHEN 0 THEN 'USD' WHEN 1 THEN 'EUR' ELSE 'JPY' END, 'ORD-' || i,
      lower(hex(randomblob(32))), lower(hex(randomblob(32))), lower(hex(randomblob(32))), lower(hex(randomblob(32))),
      CASE WHEN i % 4 = 0 THEN 'fb.1.1730000000000.' || i ELSE NULL END,
      'queued', '2026-11-25T00:00:00.000Z', '2026-11-25T00:00:00.000Z'
    FROM n;
  `);
  ctx.db.pragma('wal_checkpoint(TRUNCATE)');
  void closeAppContext(ctx);
  process.stdout.write(JSON.stringify({ seededMs: performance.now() - t0, rows }));
}

async function exportFile(dbPath: string, out: string): Promise<void> {
  const ctx = openAppContext({ dbPath, dataDir: dirname(dbPath), transport: 'bench' });
  const t0 = performance.now();
  const result = await exportServiceForContext(ctx).run({ format: 'meta' }, out);
  const wallMs = performance.now() - t0;
  await closeAppContext(ctx);
  process.stdout.write(JSON.stringify({ wallMs, exported: result.exported, excluded: result.excludedCount, bytes: result.bytes, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
}

function reset(dbPath: string): void {
  const ctx = openAppContext({ dbPath, dataDir: dirname(dbPath), transport: 'bench' });
  ctx.db.exec('DELETE FROM sync_batch_events; DELETE FROM sync_batches;');
  ctx.db.pragma('wal_checkpoint(TRUNCATE)');
  void closeAppContext(ctx);
}

async function send(dbPath: string, fakeUrl: string): Promise<void> {
  process.env.CONVDESK_META_GRAPH_URL = fakeUrl;
  const ctx = openAppContext({ dbPath, dataDir: dirname(dbPath), transport: 'bench' });
  const service = sendServiceForContext(ctx);
  await service.meta.set({ datasetId: '1234567890', accessToken: TOKEN });
  let progressEvents = 0;
  let lastProgress = { eventsPerSecond: 0 };
  ctx.push.add((event, payload) => {
    if (event === 'send:progress') (progressEvents++, (lastProgress = payload as typeof lastProgress));
  });
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  const t0 = performance.now();
  const result = await service.run({ to: 'meta' });
  const wallMs = performance.now() - t0;
  histogram.disable();
  await closeAppContext(ctx);
  process.stdout.write(
    JSON.stringify({
      wallMs,
      status: result.status,
      sent: result.sent,
      failed: result.failedCount,
      excluded: result.excludedCount,
      requests: result.requests,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      eventLoopMaxMs: histogram.max / 1e6,
      progressEvents,
      lastReportedRate: lastProgress.eventsPerSecond,
    }),
  );
}

const [mode, db, arg] = process.argv.slice(2) as [string, string, string];
if (mode === 'seed') seed(db, Number(arg));
else if (mode === 'reset') reset(db);
else if (mode === 'export') void exportFile(db, arg);
else void send(db, arg);
