import { describe, it } from 'vitest';
import { killAndResendGoogle } from './kill-harness';

// 3 kills here; the 20-kill version is kill.stress.test.ts (`npm run test:stress`).
describe('a Google send killed with SIGKILL at random points, then sent again', () => {
  it('3 kills during a 20,000-event send: every event counted once by Google, re-deliveries only from in-flight requests', { timeout: 240_000 }, async () => {
    await killAndResendGoogle(3);
  });
});
