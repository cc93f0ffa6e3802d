// Runs one import through the real service + worker and reports timings as JSON (bundled by bench/import.mjs).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { closeAppContext, openAppContext } from '../src/main/app/context';
import { importServiceForContext } from '../src/main/imports/handlers';
import { dirname } from 'node:path';

async function main(): Promise<void> {
  const [file, dbPath] = process.argv.slice(2) as [string, string];
  const ctx = openAppContext({ dbPath, dataDir: dirname(dbPath), transport: 'bench' });
  const imports = importServiceForContext(ctx);
  const ref = imports.files.register(file);
  const { mapping } = imports.resolveMapping(ref, 'auto');
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  // A ticker too: the largest gap between 10 ms timers, a direct view of main-thread stalls.
  let lastTick = performance.now();
  let maxGap = 0;
  let maxGapAt = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    if (now - lastTick - 10 > maxGap) {
      maxGap = now - lastTick - 10;
      maxGapAt = now;
    }
    lastTick = now;
  }, 10);
  let progressEvents = 0;
  ctx.push.add((event) => {
    if (event === "import:progress") progressEvents++;
  });
  const t0 = performance.now();
  histogram.enable();
  const { importId } = imports.start(ref, mapping, { defaultCountry: 'US' });
  const report = await imports.wait(importId);
  const wallMs = performance.now() - t0;
  histogram.disable();
  clearInterval(ticker);
  closeAppContext(ctx);
  process.stdout.write(
    JSON.stringify({
      status: report.status,
      error: report.error,
      rowsRead: report.rowsRead,
      imported: report.imported,
      invalid: report.invalid,
      firstErrors: report.errors.slice(0, 3),
      wallMs,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      eventLoopMaxMs: histogram.max / 1e6,
      eventLoopP99Ms: histogram.percentile(99) / 1e6,
      tickerMaxGapMs: maxGap,
      /** When the largest gap happened, in ms after the import started (to tell start-up, steady state and finish apart). */
      tickerMaxGapAtMs: Math.round(maxGapAt - t0),
      progressEvents,
    }),
  );
}
void main();
