import { describe, it } from 'vitest';
import { killAndResendGoogle } from './kill-harness';

describe('a Google send killed with SIGKILL at random points, then sent again (stress)', () => {
  it('20 kills during a 20,000-event send: every event counted once by Google, re-deliveries only from in-flight requests', { timeout: 900_000 }, async () => {
    await killAndResendGoogle(20);
  });
});
