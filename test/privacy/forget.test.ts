import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeAppContext, openAppContext } from '../../src/main/app/context';
import { createEvent, transitionEvents } from '../../src/main/events/service';
import { sha256Hex } from '../../src/main/identity';
import { applyRetention, forgetPerson, getRetention, listErasures, setRetention } from '../../src/main/privacy/service';
import { createTestContext } from '../helpers/context';

const CLI = join(__dirname, '..', '..', 'bin', 'convdesk.cjs');
let ctx: ReturnType<typeof createTestContext>;
beforeEach(() => {
  ctx = createTestContext();
});
afterEach(() => ctx.cleanup());

const add = (eventId: string, identity: Record<string, string>) =>
  createEvent(ctx.db, { event_name: 'purchase', event_id: eventId, event_time: '2026-11-01T10:00:00Z', ...identity } as never).id;
const remaining = () => ctx.db.prepare('SELECT event_id FROM conversion_events ORDER BY event_id').pluck().all();
const countOf = (table: string) => ctx.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;

function withHistoryAndDelivery(id: string) {
  transitionEvents(ctx.db, 'queue', { ids: [id] });
  ctx.db.prepare("INSERT INTO sync_batches (id, destination, status) VALUES (?, 'google-click', 'exported')").run(`b-${id}`);
  ctx.db.prepare('INSERT INTO sync_batch_events (batch_id, event_id) VALUES (?, ?)').run(`b-${id}`, id);
  ctx.db.prepare("INSERT INTO event_deliveries (event_id, destination, status) VALUES (?, 'google_ads', 'queued'), (?, 'meta', 'queued')").run(id, id);
}

describe('forget a person (issue 14, item 12)', () => {
  it('by email, typed differently: deletes the events under either platform’s hash with their history, batch links and deliveries; the audit has no identifier', () => {
    const a1 = add('a-1', { email: 'Jose.Diaz@gmail.com' });
    add('a-2', { email: 'josediaz@gmail.com', phone: '+14155552671' });
    add('b-1', { email: 'someone.else@example.com' });
    withHistoryAndDelivery(a1);
    expect(countOf('event_deliveries')).toBe(2);

    // Through the CLI (another process) with the person's address as they type it.
    ctx.db.pragma('wal_checkpoint(TRUNCATE)');
    const result = spawnSync(process.execPath, [CLI, '--db', ctx.dbPath, 'forget', '--email', '  JOSE.DIAZ@gmail.com ', '--json'], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ events: 2, history: 1, batchLinks: 1, deliveries: 2 });
    expect(remaining()).toEqual(['b-1']);
    expect(countOf('sync_history')).toBe(0);
    expect(countOf('sync_batch_events')).toBe(0);
    expect(countOf('event_deliveries')).toBe(0);

    const [entry] = listErasures(ctx.db);
    expect(entry).toMatchObject({ kind: 'forget', identifierKind: 'email', eventsDeleted: 2, historyDeleted: 1, batchLinksDeleted: 1, deliveriesDeleted: 2 });
    const audit = JSON.stringify(ctx.db.prepare('SELECT * FROM erasure_log').all()).toLowerCase();
    for (const trace of ['jose', 'diaz', sha256Hex('josediaz@gmail.com'), sha256Hex('jose.diaz@gmail.com')]) expect(audit).not.toContain(trace);
  });

  it('by phone in a local format (default country), through the service; an unreadable phone is refused and deletes nothing', () => {
    add('p-1', { phone: '+1 415 555 2671' });
    add('p-2', { phone: '+44 20 7946 0958' });
    expect(forgetPerson(ctx.db, { phone: '(415) 555-2671' })).toMatchObject({ identifierKind: 'phone', eventsDeleted: 1, hashesSearched: 2 });
    expect(remaining()).toEqual(['p-2']);
    expect(() => forgetPerson(ctx.db, { phone: 'call me' })).toThrow(/phone number cannot be read/);
    expect(() => forgetPerson(ctx.db, { email: 'x@y.z', phone: '1' } as never)).toThrow();
    expect(remaining()).toEqual(['p-2']);
    // Nobody matched is still recorded (the request was honoured).
    expect(forgetPerson(ctx.db, { email: 'nobody@example.com' }).eventsDeleted).toBe(0);
    expect(listErasures(ctx.db).map((e) => e.eventsDeleted)).toEqual([0, 1]);
  });
});

describe('retention', () => {
  it('is off by default; when on, deletes events sent more than N days ago (at start too), and records it', () => {
    const now = Date.now();
    const sent = (eventId: string, daysAgo: number) => {
      const id = add(eventId, { email: `${eventId}@example.com` });
      ctx.db.prepare("UPDATE conversion_events SET sync_status = 'sent', synced_at = ? WHERE id = ?").run(new Date(now - daysAgo * 86_400_000).toISOString(), id);
    };
    sent('old', 40);
    sent('recent', 5);
    add('pending', { email: 'pending@example.com' });
    expect(getRetention(ctx.db)).toEqual({ enabled: false, days: 395 });
    expect(applyRetention(ctx.db)).toBeNull();
    expect(remaining()).toEqual(['old', 'pending', 'recent']);

    setRetention(ctx.db, { enabled: true, days: 30 });
    // At the next start (app or CLI).
    const reopened = openAppContext({ dbPath: ctx.dbPath, dataDir: ctx.dataDir, transport: 'test' });
    void closeAppContext(reopened);
    expect(remaining()).toEqual(['pending', 'recent']);
    expect(listErasures(ctx.db)[0]).toMatchObject({ kind: 'retention', identifierKind: null, retentionDays: 30, eventsDeleted: 1 });
    expect(applyRetention(ctx.db)).toMatchObject({ eventsDeleted: 0 });
    expect(listErasures(ctx.db)).toHaveLength(1);
    expect(() => setRetention(ctx.db, { enabled: true, days: 0 })).toThrow();
    expect(readFileSync(ctx.dbPath).includes(Buffer.from('old@example.com'))).toBe(false);
  });
});
