import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Sqlite } from './connection';

const FILE_PATTERN = /^(\d{4})_[a-z0-9_]+\.sql$/;

export interface MigrationFile {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {}

export function readMigrations(dir: string): MigrationFile[] {
  const files = readdirSync(dir).filter((name) => name.endsWith('.sql'));
  const migrations = files.map((name) => {
    const match = FILE_PATTERN.exec(name);
    if (!match) throw new MigrationError(`Migration file name ${name} must look like NNNN_name.sql`);
    const sql = readFileSync(join(dir, name), 'utf8');
    return { version: Number(match[1]), name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
  });
  migrations.sort((a, b) => a.version - b.version);
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i]!.version === migrations[i - 1]!.version) {
      throw new MigrationError(`Two migrations share number ${migrations[i]!.version}`);
    }
  }
  return migrations;
}

/**
 * Applies pending migrations in order, each .sql file with `exec` inside one transaction (Kysely's
 * migrator does not wrap SQLite migrations, and `prepare` refuses multi-statement strings).
 * Refuses to run when an applied file was edited or removed, or a new file sorts before an applied one.
 */
export function migrate(db: Sqlite, dir: string): { applied: string[] } {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL
  ) STRICT`);
  const applied = db.prepare('SELECT version, name, checksum FROM schema_migrations ORDER BY version').all() as {
    version: number;
    name: string;
    checksum: string;
  }[];
  const files = readMigrations(dir);
  const byVersion = new Map(files.map((file) => [file.version, file]));
  for (const row of applied) {
    const file = byVersion.get(row.version);
    if (!file) throw new MigrationError(`Applied migration ${row.name} is missing from ${dir}`);
    if (file.checksum !== row.checksum) {
      throw new MigrationError(`Applied migration ${row.name} was edited after it ran; migrations are append-only`);
    }
  }
  const lastApplied = applied.length ? applied[applied.length - 1]!.version : 0;
  const appliedVersions = new Set(applied.map((row) => row.version));
  const pending = files.filter((file) => !appliedVersions.has(file.version));
  const outOfOrder = pending.find((file) => file.version < lastApplied);
  if (outOfOrder) {
    throw new MigrationError(`Migration ${outOfOrder.name} sorts before the already applied ${lastApplied}; add it with a higher number`);
  }
  const record = db.prepare('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)');
  const done: string[] = [];
  for (const file of pending) {
    db.transaction(() => {
      db.exec(file.sql);
      record.run(file.version, file.name, file.checksum, new Date().toISOString());
    })();
    done.push(file.name);
  }
  return { applied: done };
}
