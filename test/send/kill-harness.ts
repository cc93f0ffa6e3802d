// The crash test behind kill.test.ts (3 kills, in `npm test`) and kill.stress.test.ts (20 kills,
// `npm run test:stress`): `convdesk send` killed with SIGKILL at random points of a 50,000-event send,
// then `send` again until it completes.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'vitest';
import { closeAppContext } from '../../src/main/app/context';
import { openDatabase } from '../../src/main/db/connection';
import { createTestContext } from '../helpers/context';
import { convdesk, ROOT } from './cli-helpers';
import { DATASET, TOKEN, seedEvents, startFakeMeta } from './helpers';

const EVENTS = 50_000;

export async function killAndResend(kills: number): Promise<void> {
  const ctx = createTestContext();
  const fake = await startFakeMeta();
  // Answers take a little while, so kills land with requests in flight as well as between them.
  // 50 requests at 2 in flight then take ≥ 2.5 s, longer than the longest kill delay (1.75 s) even on a fast idle
  // machine, so at least one kill lands before the send could finish.
  fake.delayMs = 100;
  const env = { CONVDESK_META_GRAPH_URL: fake.url, MY_META_TOKEN: TOKEN };
  try {
    const { eventIds } = seedEvents(ctx, EVENTS);
    await closeAppContext(ctx);
    expect((await convdesk(ctx.dbPath, ['connections', 'meta', 'set', '--dataset-id', DATASET, '--token-env', 'MY_META_TOKEN'], env)).code).toBe(0);

    const check = openDatabase(ctx.dbPath, { readonly: true });
    const sentIds = () => new Set(check.prepare("SELECT event_id FROM conversion_events WHERE sync_status = 'sent'").pluck().all() as string[]);
    try {
      let killed = 0;
      for (let round = 0; killed < kills && round < kills * 3; round++) {
        const child = spawn(process.execPath, [join(ROOT, 'bin', 'convdesk.cjs'), '--db', ctx.dbPath, 'send', '--to', 'meta', '--json'], { env: { ...process.env, ...env }, cwd: ROOT, stdio: 'ignore' });
        const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
        // A random point: from start-up (opening, reconciling) to well into the requests.
        const delay = 250 + Math.floor(Math.random() * 1500);
        const early = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('timer'), delay))]);
        if (early !== 'timer') break; // the send finished before the kill: nothing left to interrupt
        child.kill('SIGKILL');
        await exited;
        killed++;
        // Nothing is marked sent that the platform did not accept.
        const accepted = new Set(fake.accepted.map((e) => e.eventId));
        for (const id of sentIds()) expect(accepted.has(id)).toBe(true);
      }
      expect(killed).toBeGreaterThan(0);

      const final = await convdesk(ctx.dbPath, ['send', '--to', 'meta', '--json'], env);
      expect(final.code, final.stderr).toBe(0);
      expect(JSON.parse(final.stdout)).toMatchObject({ status: 'completed', failed: [], excluded: [] });

      // Every event delivered, under its one event_id: Meta counts each exactly once.
      expect(fake.unique()).toBe(EVENTS);
      expect(new Set(fake.accepted.map((e) => e.eventId))).toEqual(new Set(eventIds));
      // Statuses match what the fake holds.
      expect(sentIds()).toEqual(new Set(eventIds));
      // Re-deliveries only for events of requests that were in flight at a kill (interrupted).
      const interrupted = new Set<string>();
      const rows = check.prepare("SELECT r.event_ids FROM send_requests r WHERE r.outcome = 'interrupted'").pluck().all() as string[];
      const idToEventId = new Map((check.prepare('SELECT id, event_id FROM conversion_events').all() as { id: string; event_id: string }[]).map((r) => [r.id, r.event_id]));
      for (const json of rows) for (const id of JSON.parse(json) as string[]) interrupted.add(idToEventId.get(id)!);
      const duplicates = [...fake.countsById()].filter(([, count]) => count > 1);
      for (const [eventId] of duplicates) expect(interrupted.has(eventId), `${eventId} was re-delivered but was in no interrupted request`).toBe(true);
      expect(fake.accepted.length - EVENTS).toBeLessThanOrEqual(rows.length * 1000);
      const runs = check.prepare("SELECT status, count(*) AS n FROM send_runs GROUP BY status").all() as { status: string; n: number }[];
      expect(runs.find((r) => r.status === 'running')).toBeUndefined();
      expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(check.prepare("SELECT count(*) AS n FROM send_requests WHERE outcome = 'in_flight'").get()).toEqual({ n: 0 });
    } finally {
      check.close();
    }
  } finally {
    await fake.stop();
    delete process.env.CONVDESK_META_GRAPH_URL;
    ctx.cleanup();
  }
}
