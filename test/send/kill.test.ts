import { describe, it } from 'vitest';
import { killAndResend } from './kill-harness';

// 3 kills here; the 20-kill version is kill.stress.test.ts (`npm run test:stress`).
describe('a send killed with SIGKILL at random points, then sent again', () => {
  it('3 kills during a 50,000-event send: every event delivered once under its event_id, re-deliveries only from in-flight requests', { timeout: 240_000 }, async () => {
    await killAndResend(3);
  });
});
