import { afterEach, beforeEach } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeAppContext, openAppContext, type AppContext } from '../../src/main/app/context';

/** A fresh user-data dir with a real database file and the real migrations. */
export function createTestContext(): AppContext & { cleanup(): void } {
  const dataDir = mkdtempSync(join(tmpdir(), 'convdesk-test-'));
  const ctx = openAppContext({ dbPath: join(dataDir, 'convdesk.db'), dataDir, transport: 'test' });
  return {
    ...ctx,
    cleanup() {
      void closeAppContext(ctx);
      // A reader thread may still be closing its connection (-wal / -shm files) for a moment.
      rmSync(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
    },
  };
}

export type TestContext = ReturnType<typeof createTestContext>;

/**
 * Registers the per-test setup most suites share: a fresh context (and a temp dir for files the test
 * writes) before each test; after it, `shutdown` (the feature's worker pool) then removal of both.
 */
export function useTestContext(
  assign: (ctx: TestContext, tmp: string) => void,
  shutdown: (ctx: TestContext) => Promise<void> | void = () => {},
): void {
  let ctx: TestContext;
  let tmp: string;
  beforeEach(() => {
    ctx = createTestContext();
    tmp = mkdtempSync(join(tmpdir(), 'convdesk-test-files-'));
    assign(ctx, tmp);
  });
  afterEach(async () => {
    await shutdown(ctx);
    ctx.cleanup();
    rmSync(tmp, { recursive: true, force: true });
  });
}
