import { cpSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Sqlite } from '../../src/main/db/connection';
import { migrate, MigrationError } from '../../src/main/db/migrate';
import { createEvent } from '../../src/main/events/service';
import { explainList } from '../../src/main/events/repo';
import { CatalogService } from '../../src/main/catalog/service';
import { createKysely } from '../../src/main/db/connection';
import { migrationsDir } from '../../src/main/runtime';

let dir: string;
let db: Sqlite;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'convdesk-mig-'));
});
afterEach(() => {
  if (db?.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

function copyMigrations(): string {
  const target = join(dir, 'migrations');
  cpSync(migrationsDir(), target, { recursive: true });
  return target;
}

describe('database file and migrations', () => {
  it('creates the file 0600, in WAL, with foreign keys on, and applies every migration once', () => {
    const path = join(dir, 'app.db');
    db = openDatabase(path);
    const first = migrate(db, migrationsDir());
    expect(first.applied[0]).toBe('0001_init.sql');
    expect(migrate(db, migrationsDir()).applied).toEqual([]);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type='table'").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['brands', 'campaigns', 'conversion_events', 'imports', 'sync_batches', 'sync_history', 'schema_migrations']));
    const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='conversion_events'").pluck().all() as string[];
    expect(indexes).toEqual(expect.arrayContaining([
      'idx_conversion_events_sync_status', 'idx_conversion_events_campaign_id', 'idx_conversion_events_brand_id',
      'idx_conversion_events_time_id', 'idx_conversion_events_name_id',
    ]));
    // 0010: status changes no longer move entries around a (sync_status, event_time, id) b-tree.
    expect(indexes).not.toContain('idx_conversion_events_status_time');
    // The original plan's five indexed columns each lead an index (0008 dropped the single-column
    // event_time and event_name copies that (event_time, id) and (event_name, id) already serve).
    const leading = new Set(indexes.map((name) => (db.pragma(`index_info(${name})`) as { name: string | null }[])[0]?.name));
    for (const column of ['sync_status', 'event_time', 'event_name', 'campaign_id', 'brand_id']) expect(leading).toContain(column);
    expect(indexes).not.toContain('idx_conversion_events_event_time');
  });

  it('refuses to start when an applied migration was edited', () => {
    const migrations = copyMigrations();
    db = openDatabase(join(dir, 'app.db'));
    migrate(db, migrations);
    appendFileSync(join(migrations, '0001_init.sql'), '\n-- edited\n');
    expect(() => migrate(db, migrations)).toThrow(/edited after it ran/);
  });

  it('refuses a new migration numbered below the last applied one', () => {
    const migrations = copyMigrations();
    db = openDatabase(join(dir, 'app.db'));
    migrate(db, migrations);
    writeFileSync(join(migrations, '0000_sneaky.sql'), 'CREATE TABLE sneaky (id INTEGER);');
    expect(() => migrate(db, migrations)).toThrow(MigrationError);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'sneaky'").pluck().get()).toBe(0);
  });

  it('applies each file atomically: a failing file leaves nothing half-applied', () => {
    const migrations = copyMigrations();
    db = openDatabase(join(dir, 'app.db'));
    migrate(db, migrations);
    writeFileSync(join(migrations, '0999_broken.sql'), 'CREATE TABLE half (id INTEGER);\nCREATE TABLE oops (;');
    expect(() => migrate(db, migrations)).toThrow();
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'half'").pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM schema_migrations WHERE version = 999').pluck().get()).toBe(0);
  });
});

describe('schema constraints', () => {
  beforeEach(() => {
    db = openDatabase(join(dir, 'app.db'));
    migrate(db, migrationsDir());
  });
  const insert = (values: Record<string, unknown>) =>
    db.prepare(`INSERT INTO conversion_events (id, event_name, event_id, event_time, ${Object.keys(values).join(', ')})
      VALUES ('id-' || hex(randomblob(4)), 'purchase', 'e-' || hex(randomblob(4)), '2026-01-01T00:00:00.000Z', ${Object.keys(values).map(() => '?').join(', ')})`).run(...Object.values(values));

  it('checks status, currency, hashes and custom_params JSON', () => {
    expect(() => insert({ sync_status: 'bogus' })).toThrow(/CHECK/);
    expect(() => insert({ currency: 'usd' })).toThrow(/CHECK/);
    expect(() => insert({ user_email_hash: 'not-a-hash' })).toThrow(/CHECK/);
    expect(() => insert({ custom_params: '{not json' })).toThrow(/CHECK/);
    expect(() => insert({ event_value_micros: 1.5 })).toThrow(); // STRICT: INTEGER only
    expect(() => insert({ custom_params: '{"a":1}' })).not.toThrow();
  });

  it('keeps event_id unique and bumps updated_at by trigger', () => {
    const event = createEvent(db, { event_name: 'lead', event_id: 'L1', event_time: '2026-01-01T00:00:00Z' });
    expect(() => db.prepare("INSERT INTO conversion_events (id, event_name, event_id, event_time) VALUES ('x', 'lead', 'L1', 'now')").run()).toThrow(/UNIQUE/);
    db.prepare("UPDATE conversion_events SET updated_at = '2000-01-01T00:00:00.000Z' WHERE id = ?").run(event.id);
    db.prepare("UPDATE conversion_events SET source = 'crm' WHERE id = ?").run(event.id);
    const updated = db.prepare('SELECT updated_at FROM conversion_events WHERE id = ?').pluck().get(event.id) as string;
    expect(updated > '2020').toBe(true);
  });

  it('clears event links when a brand or campaign is deleted', () => {
    const catalog = new CatalogService(db, createKysely(db));
    const brand = catalog.createBrand('Acme');
    const campaign = catalog.createCampaign('Spring', brand.id);
    const event = createEvent(db, { event_name: 'purchase', brand_id: brand.id, campaign_id: campaign.id });
    expect(catalog.delete('campaigns', campaign.id)).toEqual({ detachedEvents: 1 });
    expect(catalog.delete('brands', brand.id)).toEqual({ detachedEvents: 1 });
    const row = db.prepare('SELECT brand_id, campaign_id FROM conversion_events WHERE id = ?').get(event.id);
    expect(row).toEqual({ brand_id: null, campaign_id: null });
  });

  it('serves the review list from an index, without a temp B-tree', () => {
    for (let i = 0; i < 50; i++) createEvent(db, { event_name: 'purchase', event_time: `2026-01-${String((i % 28) + 1).padStart(2, '0')}T00:00:00Z` });
    db.exec('ANALYZE');
    const withStatus = explainList(db, { filter: { statuses: ['pending'] }, sort: { field: 'event_time', direction: 'desc' }, limit: 100 });
    const noFilter = explainList(db, { filter: {}, sort: { field: 'event_time', direction: 'desc' }, limit: 100 });
    for (const plan of [withStatus, noFilter]) {
      expect(plan.join('\n')).toMatch(/USING (COVERING )?INDEX/);
      expect(plan.join('\n')).not.toMatch(/TEMP B-TREE/);
    }
  });

  it('0009 moves each event\'s batch_id into sync_batch_events and stops using the column', () => {
    const migrations = copyMigrations();
    for (const name of readdirSync(migrations)) if (Number(name.slice(0, 4)) >= 9) rmSync(join(migrations, name));
    if (db?.open) db.close();
    db = openDatabase(join(dir, 'before-0009.db'));
    migrate(db, migrations);
    const insert = db.prepare("INSERT INTO conversion_events (id, event_name, event_id, event_time, sync_status, batch_id) VALUES (?, 'purchase', ?, '2026-11-01T00:00:00.000Z', 'queued', ?)");
    db.prepare("INSERT INTO sync_batches (id, destination) VALUES ('b1', 'google-click')").run();
    insert.run('e1', 'ev1', 'b1');
    insert.run('e2', 'ev2', 'b1');
    insert.run('e3', 'ev3', null);
    cpSync(migrationsDir(), migrations, { recursive: true });
    expect(migrate(db, migrations).applied).toContain('0009_sync_batch_events.sql');
    expect(db.prepare('SELECT batch_id, event_id FROM sync_batch_events ORDER BY event_id').all()).toEqual([
      { batch_id: 'b1', event_id: 'e1' },
      { batch_id: 'b1', event_id: 'e2' },
    ]);
    expect(db.prepare('SELECT count(*) FROM conversion_events WHERE batch_id IS NOT NULL').pluck().get()).toBe(0);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'idx_conversion_events_batch_id'").pluck().get()).toBe(0);
    // Deleting an event removes its links (trigger).
    db.prepare("DELETE FROM conversion_events WHERE id = 'e1'").run();
    expect(db.prepare('SELECT event_id FROM sync_batch_events').pluck().all()).toEqual(['e2']);
  });
});
