import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killOnce, seedQueued, timeFullExport } from './kill';

// The short version of the kill test (the long one is kill.stress.test.ts, `npm run test:stress`):
// 20k events, with the thresholds lowered so the two-reader path (parts.ts) runs as it does for 200k.
const ENV = { CONVDESK_EXPORT_PARALLEL_MIN: '5000', CONVDESK_EXPORT_SPLIT_MIN: '10000' };
let dir: string;
let dbPath: string;
let fullMs: number;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'convdesk-kill-'));
  dbPath = join(dir, 'app.db');
  seedQueued(dbPath, 20_000);
  fullMs = timeFullExport(dbPath, dir, ENV);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('an export killed with SIGKILL (convdesk export)', () => {
  it('killed the moment its final file appears: the batch is already committed', async () => {
    for (let i = 0; i < 3; i++) {
      const outcome = await killOnce({ dbPath, dir, killAt: 'on-final-file', index: i, env: ENV });
      expect(outcome.partsAfterNextCommand).toBe(0);
    }
  });

  it('killed at random moments: never a final file without its batch, no .part file after the next command', async () => {
    const outcomes = [];
    for (let i = 0; i < 6; i++) outcomes.push(await killOnce({ dbPath, dir, killAt: Math.round(Math.random() * fullMs), index: 10 + i, env: ENV }));
    expect(outcomes.every((o) => o.partsAfterNextCommand === 0)).toBe(true);
  });
});
