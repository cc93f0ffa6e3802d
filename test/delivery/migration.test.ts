import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Sqlite } from '../../src/main/db/connection';
import { migrate } from '../../src/main/db/migrate';
import { migrationsDir } from '../../src/main/runtime';

let dir: string;
let db: Sqlite;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'convdesk-mig12-'));
});
afterEach(() => {
  if (db?.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A database at 0011 (before delivery per destination), filled by `fill` the way the old code wrote it. */
function before0012(fill: (db: Sqlite) => void): string {
  const migrations = join(dir, 'migrations');
  cpSync(migrationsDir(), migrations, { recursive: true });
  for (const name of readdirSync(migrations)) if (Number(name.slice(0, 4)) >= 12) rmSync(join(migrations, name));
  db = openDatabase(join(dir, 'old.db'));
  migrate(db, migrations);
  fill(db);
  cpSync(migrationsDir(), migrations, { recursive: true });
  return migrations;
}

const T = '2026-11-01T00:00:00.000Z';

describe('0012 migrates existing batches into deliveries per destination', () => {
  it('rebuilds each destination’s state from batch links and history, then derives sync_status', () => {
    const migrations = before0012((db) => {
      db.prepare("INSERT INTO settings (key, value) VALUES ('app', ?)").run(
        JSON.stringify({ destinations: { purchase: { googleConversionName: 'Store sale', metaEventName: 'Purchase' }, signup: { googleConversionName: null, metaEventName: 'CompleteRegistration' } } }),
      );
      const insert = db.prepare("INSERT INTO conversion_events (id, event_name, event_id, event_time, sync_status) VALUES (?, ?, ?, ?, ?)");
      const link = db.prepare('INSERT INTO sync_batch_events (batch_id, event_id) VALUES (?, ?)');
      const history = db.prepare('INSERT INTO sync_history (event_id, from_status, to_status, action, note, batch_id, change_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
      db.prepare("INSERT INTO sync_batches (id, destination, status) VALUES ('bG', 'google-leads', 'exported'), ('bM', 'meta', 'uploaded'), ('bF', 'google-click', 'failed'), ('bC', 'csv', 'exported')").run();
      // The repro as the old code left it: 9 orders exported to Google (bG) then to Meta (bM),
      // which moved 7 of them out of bG; bM marked uploaded → those 7 "sent" for every platform.
      for (let i = 1; i <= 9; i++) insert.run(`o${i}`, 'purchase', `order-${i}`, T, i <= 7 ? 'sent' : 'queued');
      for (let i = 1; i <= 7; i++) {
        link.run('bM', `o${i}`);
        history.run(`o${i}`, 'queued', 'sent', 'mark_sent', 'uploaded in batch bM', 'bM', 'c1', '2026-11-02T10:00:00.000Z');
      }
      link.run('bG', 'o8');
      link.run('bG', 'o9');
      // Failed in a Google batch; never sent to Meta.
      insert.run('f1', 'purchase', 'f-1', T, 'failed');
      link.run('bF', 'f1');
      history.run('f1', 'queued', 'failed', 'mark_failed', 'UNPARSEABLE_GCLID', 'bF', 'c2', '2026-11-02T11:00:00.000Z');
      // Routed to Meta only (no Google action for signup), sent there: stays sent.
      insert.run('s1', 'signup', 's-1', T, 'sent');
      link.run('bM', 's1');
      history.run('s1', 'queued', 'sent', 'mark_sent', 'uploaded in batch bM', 'bM', 'c1', '2026-11-02T10:00:00.000Z');
      // Only in a spreadsheet export, and one never exported: no rows.
      insert.run('c1', 'purchase', 'c-1', T, 'queued');
      link.run('bC', 'c1');
      insert.run('n1', 'lead', 'n-1', T, 'pending');
    });
    // Later migrations (0013…) may follow it.
    expect(migrate(db, migrations).applied[0]).toBe('0012_event_deliveries.sql');
    const rows = (id: string) => db.prepare('SELECT destination, status, attempts, last_error, synced_at, batch_id FROM event_deliveries WHERE event_id = ? ORDER BY destination').all(id);
    const status = (id: string) => db.prepare('SELECT sync_status FROM conversion_events WHERE id = ?').pluck().get(id);

    for (let i = 1; i <= 7; i++) {
      expect(rows(`o${i}`)).toEqual([
        { destination: 'google_ads', status: 'queued', attempts: 0, last_error: null, synced_at: null, batch_id: null },
        { destination: 'meta', status: 'sent', attempts: 1, last_error: null, synced_at: '2026-11-02T10:00:00.000Z', batch_id: 'bM' },
      ]);
      // Google never got them: the event is queued again (for Google), with a history row saying why.
      expect(status(`o${i}`)).toBe('queued');
    }
    expect(db.prepare("SELECT from_status, to_status, action FROM sync_history WHERE event_id = 'o1' ORDER BY id DESC LIMIT 1").get()).toEqual({
      from_status: 'sent',
      to_status: 'queued',
      action: 'derive',
    });
    expect(rows('o8')).toEqual([
      { destination: 'google_ads', status: 'queued', attempts: 0, last_error: null, synced_at: null, batch_id: 'bG' },
      { destination: 'meta', status: 'queued', attempts: 0, last_error: null, synced_at: null, batch_id: null },
    ]);
    expect(status('o8')).toBe('queued');
    expect(rows('f1')).toEqual([
      { destination: 'google_ads', status: 'failed', attempts: 1, last_error: 'UNPARSEABLE_GCLID', synced_at: null, batch_id: 'bF' },
      { destination: 'meta', status: 'queued', attempts: 0, last_error: null, synced_at: null, batch_id: null },
    ]);
    expect(status('f1')).toBe('failed');
    expect(rows('s1')).toEqual([
      { destination: 'google_ads', status: 'skipped', attempts: 0, last_error: 'not routed: no Google Ads conversion action is mapped for this event', synced_at: null, batch_id: null },
      { destination: 'meta', status: 'sent', attempts: 1, last_error: null, synced_at: '2026-11-02T10:00:00.000Z', batch_id: 'bM' },
    ]);
    expect(status('s1')).toBe('sent');
    expect(rows('c1')).toEqual([]);
    expect(rows('n1')).toEqual([]);
    expect(status('c1')).toBe('queued');
    // Deleting an event removes its deliveries (trigger).
    db.prepare("DELETE FROM conversion_events WHERE id = 'o8'").run();
    expect(rows('o8')).toEqual([]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('applies on an empty database and leaves no temporary tables', () => {
    const migrations = before0012(() => undefined);
    migrate(db, migrations);
    expect(db.prepare("SELECT count(*) FROM temp.sqlite_master WHERE name LIKE 'm12_%'").pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM event_deliveries').pluck().get()).toBe(0);
  });
});
