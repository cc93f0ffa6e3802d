// Bench helper (bundled by bench/export.mjs): `seed DB N` fills a fresh database (real migrations) with
// N queued events; `run DB OUT` exports them to a Google click-conversion file through the real
// service + export worker and prints timings as JSON.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { dirname } from 'node:path';
import { closeAppContext, openAppContext } from '../src/main/app/context';
import { exportServiceForContext } from '../src/main/exports/handlers';
import { updateSettings } from '../src/main/settings/service';

const NOW = Date.parse('2026-11-25T12:00:00Z');

function seed(dbPath: string, rows: number): void {
  const ctx = openAppContext({ dbPath, dataDir: dirname(dbPath), transport: 'bench' });
  updateSettings(ctx.db, {
    timeZone: 'America/New_York',
    destinations: { purchase: { googleConversionName: 'Offline purchase' }, lead: { googleConversionName: 'Qualified lead' } },
    consentDefaults: { adUserData: 'granted', adPersonalization: 'granted' },
  });
  const t0 = performance.now();
  // Realistic rows: gclid, order id, value/currency mix, consent, 4 identity hashes; times spread over
  // the last 80 days (so across the US DST change on 2026-11-01), UUID-shaped time-ordered ids.
  ctx.db.exec(`
    WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${rows - 1})
    INSERT INTO conversion_events (id, event_name, event_id, gclid, event_time, event_value_micros, currency, transaction_id,
      consent_ad_user_data, consent_ad_personalization, user_email_hash, user_phone_hash, meta_email_hash, meta_phone_hash,
      sync_status, created_at, updated_at)
    SELECT printf('%08x-0000-7000-8000-%012x', 1700000000 + i, i),
      CASE WHEN i % 5 = 0 THEN 'lead' ELSE 'purchase' END,
      'evt_' || i,
      'Cj0KCQiA' || lower(hex(randomblob(24))),
      strftime('%Y-%m-%dT%H:%M:%fZ', ${NOW / 1000} - 3600 - (i * ${Math.floor((80 * 86400) / rows) || 1}) % (80 * 86400), 'unixepoch'),
      (i % 100000) * 10000 + 990000,
      CASE i % 4 WHEN 0 THEN 'USD' WHEN 1 THEN 'JPY' WHEN 2 THEN 'KWD' ELSE 'EUR' END,
      'ORD-' || i,
      CASE WHEN i % 3 = 0 THEN 'granted' ELSE 'unspecified' END,
      CASE WHEN i % 7 = 0 THEN 'denied' ELSE 'unspecified' END,
      lower(hex(randomblob(32))), lower(hex(randomblob(32))), lower(hex(randomblob(32))), lower(hex(randomblob(32))),
      'queued', '2026-11-25T00:00:00.000Z', '2026-11-25T00:00:00.000Z'
    FROM n;
  `);
  ctx.db.pragma('wal_checkpoint(TRUNCATE)');
  closeAppContext(ctx);
  process.stdout.write(JSON.stringify({ seededMs: performance.now() - t0, rows }));
}

async function run(dbPath: string, out: string): Promise<void> {
  const ctx = openAppContext({ dbPath, dataDir: dirname(dbPath), transport: 'bench' });
  const exports = exportServiceForContext(ctx);
  let progressEvents = 0;
  ctx.push.add((event) => {
    if (event === 'job:progress') progressEvents++;
  });
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  const t0 = performance.now();
  const result = await exports.run({ format: 'google-click' }, out, { now: new Date(NOW) });
  const wallMs = performance.now() - t0;
  histogram.disable();
  closeAppContext(ctx);
  process.stdout.write(
    JSON.stringify({
      wallMs,
      exported: result.exported,
      excluded: result.excludedCount,
      linked: result.linked,
      bytes: result.bytes,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      eventLoopMaxMs: histogram.max / 1e6,
      progressEvents,
      timings: exports.lastTimings,
    }),
  );
}

/**
 * Every run starts from the same state: no batches (an earlier run's open batch would make the next
 * one also move its events out of it). A process of its own, so the measured one's peak RSS is the export's.
 */
function reset(dbPath: string): void {
  const ctx = openAppContext({ dbPath, dataDir: dirname(dbPath), transport: 'bench' });
  ctx.db.exec('DELETE FROM sync_batch_events; DELETE FROM sync_batches;');
  ctx.db.pragma('wal_checkpoint(TRUNCATE)');
  closeAppContext(ctx);
}

const [mode, db, arg] = process.argv.slice(2) as [string, string, string];
if (mode === 'seed') seed(db, Number(arg));
else if (mode === 'reset') reset(db);
else void run(db, arg);
