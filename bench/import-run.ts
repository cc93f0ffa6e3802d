// Runs one import through the real service + worker and reports timings as JSON (bundled by bench/import.mjs).
import { closeAppContext, openAppContext } from '../src/main/app/context';
import { importServiceForContext } from '../src/main/imports/handlers';
import { dirname } from 'node:path';
import { watchEventLoop } from './lib.mjs';

async function main(): Promise<void> {
  const [file, dbPath] = process.argv.slice(2) as [string, string];
  const ctx = openAppContext({ dbPath, dataDir: dirname(dbPath), transport: 'bench' });
  const imports = importServiceForContext(ctx);
  const ref = imports.files.register(file);
  const { mapping } = imports.resolveMapping(ref, 'auto');
  let progressEvents = 0;
  // When the index rebuild (bulk load) and the final commit started, to split the wall time into phases.
  let indexingAt: number | null = null;
  let finishingAt: number | null = null;
  let indexes = 0;
  ctx.push.add((event, payload) => {
    if (event !== 'import:progress') return;
    progressEvents++;
    const p = payload as { phase: string; indexesTotal?: number };
    if (p.phase === 'indexing' && indexingAt === null) {
      indexingAt = performance.now() - t0;
      indexes = p.indexesTotal ?? 0;
    }
    if (p.phase === 'finishing' && finishingAt === null) finishingAt = performance.now() - t0;
  });
  const watch = watchEventLoop();
  const t0 = performance.now();
  const { importId } = imports.start(ref, mapping, { defaultCountry: 'US' });
  const report = await imports.wait(importId);
  const wallMs = performance.now() - t0;
  // The import has answered; its worker still copies the WAL into the database file (checkpoint),
  // off the main thread. Wait for it, and keep watching the main thread's event loop meanwhile.
  await imports.shutdown();
  const settledMs = performance.now() - t0;
  const loop = watch.stop(t0);
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
      /** When the worker had checkpointed the WAL and exited (after the answer). */
      settledMs,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      eventLoopMaxMs: loop.loopMaxMs,
      eventLoopP99Ms: loop.loopP99Ms,
      tickerMaxGapMs: loop.tickerMaxGapMs,
      /** When the largest gap happened, in ms after the import started (to tell start-up, steady state and finish apart). */
      tickerMaxGapAtMs: Math.round(loop.maxGapAtMs),
      progressEvents,
      indexingAtMs: indexingAt,
      finishingAtMs: finishingAt,
      indexesRebuilt: indexes,
    }),
  );
}
void main();
