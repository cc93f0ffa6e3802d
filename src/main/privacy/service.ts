/**
 * Erasure and retention (issue 14, item 12). Hashed identifiers are personal data too:
 * - forget: the typed email or phone is hashed with every platform's rules (identity's
 *   hashForLookup: Google's and Meta's normalizations), every event holding one of those hashes in
 *   either platform's column is deleted with its history, batch links and deliveries, and one audit
 *   row records what kind of identifier it was and the counts — never the value or its hashes;
 * - retention (off by default): events sent more than N days ago are deleted, at start and daily.
 * Files already exported keep their rows: they are the user's files, outside the database.
 */
import { ForgetRequestSchema, RetentionSettingSchema, type ErasureEntry, type ErasureOutcome, type ForgetRequest, type RetentionSetting } from '../../shared/domain/privacy';
import { AppError } from '../../shared/ipc/result';
import type { Sqlite } from '../db/connection';
import { parseOrThrow } from '../events/service';
import { hashForLookup } from '../identity';
import { uuidv7 } from '../lib/ids';
import { getSettings } from '../settings/service';
import * as repo from './repo';

const DELETE_CHUNK = 10_000;
const RETENTION_KEY = 'retention';

function erase(db: Sqlite, scope: repo.EventScope, audit: { kind: 'forget' | 'retention'; identifierKind: 'email' | 'phone' | null; retentionDays: number | null }, hashesSearched: number): ErasureOutcome {
  return db.transaction(() => {
    const counts = repo.countScope(db, scope);
    let deleted = 0;
    for (let n = repo.deleteScope(db, scope, DELETE_CHUNK); n > 0; n = repo.deleteScope(db, scope, DELETE_CHUNK)) deleted += n;
    if (deleted) repo.unlinkImportErrors(db);
    const outcome: ErasureOutcome = {
      kind: audit.kind,
      identifierKind: audit.identifierKind,
      eventsDeleted: deleted,
      historyDeleted: counts.history,
      batchLinksDeleted: counts.batchLinks,
      deliveriesDeleted: counts.deliveries,
      hashesSearched,
    };
    if (audit.kind === 'forget' || deleted > 0) {
      repo.insertErasure(db, {
        id: uuidv7(),
        kind: audit.kind,
        identifier_kind: audit.identifierKind,
        retention_days: audit.retentionDays,
        events_deleted: deleted,
        history_deleted: counts.history,
        batch_links_deleted: counts.batchLinks,
        deliveries_deleted: counts.deliveries,
        created_at: new Date().toISOString(),
      });
    }
    return outcome;
  })();
}

/** Deletes every event of one person (by email or phone) and records an audit entry without the identifier. */
export function forgetPerson(db: Sqlite, input: ForgetRequest): ErasureOutcome {
  const request = parseOrThrow(ForgetRequestSchema, input, 'forget request');
  const kind = 'email' in request ? 'email' : 'phone';
  const raw = 'email' in request ? request.email : request.phone;
  const hashes = hashForLookup(kind, raw, getSettings(db).defaultCountry);
  if (!hashes.length) {
    throw new AppError('validation', kind === 'email' ? 'That is not an email address that can be matched' : 'That phone number cannot be read (add its country code, e.g. +44…)');
  }
  return erase(db, repo.identifierScope(kind, hashes), { kind: 'forget', identifierKind: kind, retentionDays: null }, hashes.length);
}

export function getRetention(db: Sqlite): RetentionSetting {
  const stored = repo.readSetting(db, RETENTION_KEY);
  return RetentionSettingSchema.parse(stored ? JSON.parse(stored) : {});
}

export function setRetention(db: Sqlite, input: RetentionSetting): RetentionSetting {
  const setting = parseOrThrow(RetentionSettingSchema, input, 'retention setting');
  repo.writeSetting(db, RETENTION_KEY, JSON.stringify(setting));
  return setting;
}

/** Applies the retention rule now (nothing when it is off); returns what was deleted. */
export function applyRetention(db: Sqlite, now = new Date()): ErasureOutcome | null {
  const setting = getRetention(db);
  if (!setting.enabled) return null;
  const cutoff = new Date(now.getTime() - setting.days * 86_400_000).toISOString();
  return erase(db, repo.sentBeforeScope(cutoff), { kind: 'retention', identifierKind: null, retentionDays: setting.days }, 0);
}

export function listErasures(db: Sqlite, limit = 100): ErasureEntry[] {
  return repo.listErasures(db, limit).map((row) => ({
    id: row.id,
    kind: row.kind,
    identifierKind: row.identifier_kind,
    retentionDays: row.retention_days,
    eventsDeleted: row.events_deleted,
    historyDeleted: row.history_deleted,
    batchLinksDeleted: row.batch_links_deleted,
    deliveriesDeleted: row.deliveries_deleted,
    createdAt: row.created_at,
  }));
}

const DAY_MS = 86_400_000;

/** Daily while the app runs (openAppContext applies it at every start); returns a function that stops the timer. */
export function scheduleRetention(db: Sqlite, onDeleted: (outcome: ErasureOutcome) => void): () => void {
  const run = () => {
    try {
      const outcome = applyRetention(db);
      if (outcome && outcome.eventsDeleted > 0) onDeleted(outcome);
    } catch {
      /* busy (a job holds the write lock) or closed: the next run tries again */
    }
  };
  const timer = setInterval(run, DAY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
