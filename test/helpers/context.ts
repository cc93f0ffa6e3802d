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
