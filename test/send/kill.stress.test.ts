import { describe, it } from 'vitest';
import { killAndResend } from './kill-harness';

describe('a send killed with SIGKILL at random points, then sent again (stress)', () => {
  it('20 kills during a 50,000-event send: every event delivered once under its event_id, re-deliveries only from in-flight requests', { timeout: 900_000 }, async () => {
    await killAndResend(20);
  });
});
