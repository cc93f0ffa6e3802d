// Helpers shared by the benchmark sections and their bundled runners.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** Runs a command, timing its wall clock and (with GNU time) its peak RSS. */
export function timed(command, args, options = {}) {
  const useTime = existsSync('/usr/bin/time');
  const t0 = performance.now();
  const result = useTime
    ? spawnSync('/usr/bin/time', ['-f', 'MAXRSS_KB=%M', command, ...args], { encoding: 'utf8', maxBuffer: 64 << 20, ...options })
    : spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...options });
  const wallMs = performance.now() - t0;
  const rss = /MAXRSS_KB=(\d+)/.exec(result.stderr ?? '');
  return { ...result, wallMs, maxRssMb: rss ? Number(rss[1]) / 1024 : null };
}

/**
 * Watches this thread's event loop from now on: the delay histogram, plus the largest gap between
 * 10 ms timers (a direct view of stalls) and when it happened. `stop(t0)` ends the watch and
 * returns the figures, with the gap's time relative to t0.
 */
export function watchEventLoop() {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
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
  histogram.enable();
  return {
    stop(t0) {
      histogram.disable();
      clearInterval(ticker);
      return { loopMaxMs: histogram.max / 1e6, loopP99Ms: histogram.percentile(99) / 1e6, tickerMaxGapMs: maxGap, maxGapAtMs: maxGapAt - t0 };
    },
  };
}
