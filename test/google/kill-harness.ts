// The crash test behind kill.test.ts (3 kills, in `npm test`) and kill.stress.test.ts (20 kills,
// `npm run test:stress`): `convdesk send --to google` killed with SIGKILL at random points of a
// 20,000-event send, then sent again until it completes. Google counts a conversion once per
// transaction id, or per click id + action + time without one: every event must be delivered with
// the same values each time, and re-deliveries may only come from requests that were in flight.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'vitest';
import { closeAppContext } from '../../src/main/app/context';
import { openDatabase } from '../../src/main/db/connection';
import { createTestContext } from '../helpers/context';
import { convdesk, ROOT } from '../send/cli-helpers';
import { MANAGER_ID, startFake } from './helpers';
import { mapActions, seedGoogle } from './seed';

const EVENTS = 20_000;

export async function killAndResendGoogle(kills: number): Promise<void> {
  const ctx = createTestContext();
  const fake = await startFake();
  // Each answer takes long enough that the whole send (10 requests of 2,000) outlasts the longest kill delay (1.45 s)
  // even on a fast idle machine; with 40 ms a clean clone's first send finished before any kill (killed = 0).
  fake.delayMs = 400;
  const env = { ...fake.env(), MY_GOOGLE_SECRET: fake.clientSecret, MY_REFRESH: fake.issueRefreshToken(), CONVDESK_GOOGLE_REQUESTS_PER_MINUTE: '60000' };
  try {
    mapActions(ctx);
    // Three actions; a quarter of the events have no order id (deduplicated by click id + action + time).
    seedGoogle(ctx, EVENTS / 2, { eventName: 'purchase', prefix: 'p', orderId: (i) => (i % 2 ? null : `T-p-${i}`) });
    seedGoogle(ctx, EVENTS / 4, { eventName: 'lead', prefix: 'l' });
    seedGoogle(ctx, EVENTS / 4, { eventName: 'signup', prefix: 's' });
    await closeAppContext(ctx);
    const connect = await convdesk(ctx.dbPath, ['connections', 'google', 'connect', '--client-id', fake.clientId, '--client-secret-env', 'MY_GOOGLE_SECRET', '--customer-id', '1234567890', '--login-customer-id', MANAGER_ID, '--refresh-token-env', 'MY_REFRESH'], env);
    expect(connect.code, connect.stderr).toBe(0);

    const check = openDatabase(ctx.dbPath, { readonly: true });
    const keyOf = new Map(
      (check.prepare('SELECT id, event_name, transaction_id, gclid, event_time FROM conversion_events').all() as { id: string; event_name: string; transaction_id: string | null; gclid: string; event_time: string }[]).map((r) => {
        const action = { purchase: '111', lead: '222', signup: '333' }[r.event_name]!;
        return [r.id, r.transaction_id ? `${action}|tx|${r.transaction_id}` : `${action}|click|${r.gclid}|${Date.parse(r.event_time)}`];
      }),
    );
    const sentIds = () => check.prepare("SELECT event_id FROM event_deliveries WHERE destination = 'google_ads' AND status = 'sent'").pluck().all() as string[];
    try {
      let killed = 0;
      for (let round = 0; killed < kills && round < kills * 3; round++) {
        const child = spawn(process.execPath, [join(ROOT, 'bin', 'convdesk.cjs'), '--db', ctx.dbPath, 'send', '--to', 'google', '--json'], { env: { ...process.env, ...env }, cwd: ROOT, stdio: 'ignore' });
        const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
        const delay = 250 + Math.floor(Math.random() * 1200);
        const early = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('timer'), delay))]);
        if (early !== 'timer') break;
        child.kill('SIGKILL');
        await exited;
        killed++;
        // Nothing is marked sent that Google did not accept.
        for (const id of sentIds()) expect(fake.accepted.has(keyOf.get(id)!), `${id} marked sent but not accepted`).toBe(true);
      }
      expect(killed).toBeGreaterThan(0);

      const final = await convdesk(ctx.dbPath, ['send', '--to', 'google', '--json'], env);
      expect(final.code, final.stderr).toBe(0);
      expect(JSON.parse(final.stdout)).toMatchObject({ status: 'completed', failed: [], excluded: [] });

      // Every event delivered and counted once by Google (same transaction id, or same click + action + time).
      expect(fake.accepted.size).toBe(EVENTS);
      expect(new Set(fake.accepted.keys())).toEqual(new Set(keyOf.values()));
      expect(new Set(sentIds())).toEqual(new Set(keyOf.keys()));
      // Re-deliveries only of events whose request was in flight at a kill.
      const interrupted = new Set<string>();
      for (const json of check.prepare("SELECT event_ids FROM send_requests WHERE outcome = 'interrupted'").pluck().all() as string[]) {
        for (const id of JSON.parse(json) as string[]) interrupted.add(keyOf.get(id)!);
      }
      for (const duplicate of fake.duplicates()) expect(interrupted.has(duplicate.key), `${duplicate.key} re-delivered outside an interrupted request`).toBe(true);
      expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(check.prepare("SELECT count(*) AS n FROM send_requests WHERE outcome = 'in_flight'").get()).toEqual({ n: 0 });
    } finally {
      check.close();
    }
  } finally {
    await fake.close();
    ctx.cleanup();
  }
}
