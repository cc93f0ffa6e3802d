import { setPriority } from 'node:os';

/**
 * Lowers the calling worker thread's scheduling priority so the window's main thread wins the CPU
 * when all cores are busy (an import or a bulk job saturates them). On Linux setpriority(PRIO_PROCESS,
 * 0) affects only the calling thread; elsewhere it would lower the whole app, so it is Linux-only.
 */
export function lowerThreadPriority(): void {
  if (process.platform !== 'linux') return;
  try {
    setPriority(0, 10);
  } catch {
    /* not permitted: keep the default priority */
  }
}
