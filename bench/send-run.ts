// Bench helper (bundled by bench/send.mjs): `seed DB N` fills a fresh database (real migrations) with
// N queued purchases that both Meta and Google Ads can take (Meta hashes; a gclid, an order id and a
// Google email hash; purchase mapped to the Google action "Offline purchase"); `export DB OUT FORMAT`
// writes the platform file of them through the real export; `reset DB` drops the export's batch;
// `send DB FAKE_URL` / `send-google DB FAKE_JSON` send them through the real send service, send
// worker and engine to the fake Meta / fake Google (each a process of its own) and print timings as
// JSON (wall, CPU of the whole process, main-thread event-loop delay, peak RSS).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { dirname } from 'node:path';
import { closeAppContext, openAppContext } from '../src/main/app/context';
import { exportServiceForContext } from '../src/main/exports/handlers';
import { sendServiceForContext } from '../src/main/send/handlers';
import type { SendService } from '../src/main/send/service';
import { updateSettings } from '../src/main/settings/service';
import type { DestinationName } from '../src/shared/domain/send';

const TOKEN = 'EAAtest-valid-token-0000000000000000';

function seed(dbPath: string, rows: number): void {
  const ctx = openAppContext({ dbPath, dataDir: dirname(dbPath), transport: 'bench' });
  const now = Date.now();
  const t0 = performance.now();
  // Store purchases of the last 5 days: Meta email / phone / name hashes, value, order id, some fbc.
  ctx.db.exec(`
    WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${rows - 1})
    INSERT INTO conversion_events (id, event_name, event_id, event_time, event_value_micros, currency, transaction_id,
      meta_email_hash, meta_phone_hash, meta_first_name_hash, meta_last_name_hash, fbc, gclid, user_email_hash, sync_status, created_at, updated_at)
    SELECT printf('%08x-0000-7000-8000-%012x', 1700000000 + i, i), 'purchase', 'evt_' || i,
      strftime('%Y-%m-%dT%H:%M:%fZ', ${Math.floor(now / 1000)} - 3600 - (i * 37) % (5 * 86400), 'unixepoch'),
      (i % 100000) * 10000 + 990000, CASE i % 3 WHEN 0 THEN 'USD' WHEN 1 THEN 'EUR' ELSE 'JPY' END, 'ORD-' || i,
      lower(hex(randomblob(32))), lower(hex(randomblob(32))), lower(hex(randomblob(32))), lower(hex(randomblob(32))),
      CASE WHEN i % 4 = 0 THEN 'fb.1.1730000000000.' || i ELSE NULL END,
      'Cj0KCQiA' || printf('%012d', i) || 'BhD_ARIsAGc', lower(hex(randomblob(32))),
      'queued', '2026-11-25T00:00:00.000Z', '2026-11-25T00:00:00.000Z'
    FROM n;
  `);
  updateSettings(ctx.db, { destinations: { purchase: { googleConversionName: 'Offline purchase' } } });
  ctx.db.pragma('wal_checkpoint(TRUNCATE)');
  void closeAppContext(ctx);
  process.stdout.write(JSON.stringify({ seededMs: performance.now() - t0, rows }));
}

async function exportFile(dbPath: string, out: string, format: 'meta' | 'google-click'): Promise<void> {
  const ctx = openAppContext({ dbPath, dataDir: dirname(dbPath), transport: 'bench' });
  const t0 = performance.now();
  const result = await exportServiceForContext(ctx).run({ format }, out);
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

async function measure(dbPath: string, to: DestinationName, connect: (service: SendService) => Promise<unknown>): Promise<void> {
  const ctx = openAppContext({ dbPath, dataDir: dirname(dbPath), transport: 'bench' });
  const service = sendServiceForContext(ctx);
  await connect(service);
  let progressEvents = 0;
  let lastProgress = { eventsPerSecond: 0 };
  ctx.push.add((event, payload) => {
    if (event === 'send:progress') (progressEvents++, (lastProgress = payload as typeof lastProgress));
  });
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await service.run({ to });
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  histogram.disable();
  await closeAppContext(ctx);
  process.stdout.write(
    JSON.stringify({
      wallMs,
      // User + system CPU of the whole process (main thread + send worker) during the send: the
      // figure that does not move with the machine's load.
      cpuMs: (cpu.user + cpu.system) / 1000,
      status: result.status,
      error: result.error,
      sent: result.sent,
      failed: result.failedCount,
      excluded: result.excludedCount,
      excludedReasons: result.excluded.slice(0, 3).map((e) => e.reason),
      requests: result.requests,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      eventLoopMaxMs: histogram.max / 1e6,
      progressEvents,
      lastReportedRate: lastProgress.eventsPerSecond,
    }),
  );
}

async function sendMeta(dbPath: string, fakeUrl: string): Promise<void> {
  process.env.CONVDESK_META_GRAPH_URL = fakeUrl;
  await measure(dbPath, 'meta', (service) => service.meta.set({ datasetId: '1234567890', accessToken: TOKEN }));
}

async function sendGoogle(dbPath: string, fakeJson: string): Promise<void> {
  const fake = JSON.parse(fakeJson) as { url: string; clientId: string; clientSecret: string; refreshToken: string; customerId: string; managerId: string };
  process.env.CONVDESK_GOOGLE_OAUTH_URL = fake.url;
  process.env.CONVDESK_GOOGLE_ADS_URL = fake.url;
  process.env.CONVDESK_DATAMANAGER_URL = fake.url;
  // The 300 requests/minute quota would make Google's rate, not the app, the bound: lifted against the fake.
  process.env.CONVDESK_GOOGLE_REQUESTS_PER_MINUTE = '1000000';
  await measure(dbPath, 'google_ads', (service) =>
    service.google.connectWithRefreshToken({ clientId: fake.clientId, clientSecret: fake.clientSecret, customerId: fake.customerId, loginCustomerId: fake.managerId, refreshToken: fake.refreshToken }),
  );
}

const [mode, db, arg, arg2] = process.argv.slice(2) as [string, string, string, string];
if (mode === 'seed') seed(db, Number(arg));
else if (mode === 'reset') reset(db);
else if (mode === 'export') void exportFile(db, arg, arg2 === 'google-click' ? 'google-click' : 'meta');
else if (mode === 'send-google') void sendGoogle(db, arg);
else void sendMeta(db, arg);
