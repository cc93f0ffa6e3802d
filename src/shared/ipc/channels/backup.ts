import { z } from 'zod';
import { channel } from '../define';

export interface BackupResult {
  path: string;
  bytes: number;
  /** Database pages copied. */
  pages: number;
  /** The highest migration applied in the copy. */
  schemaVersion: number;
  durationMs: number;
}

export interface RestoreResult {
  restoredFrom: string;
  /** The backup's migration level before it was brought forward to this app's. */
  schemaVersion: number;
  durationMs: number;
}

/** Paths never come from the page: main asks with a native dialog; a cancelled dialog answers null. */
export const backupChannels = {
  /** Save dialog, then a consistent copy of the database (SQLite online backup) at the chosen path. */
  'backup:create': channel(z.object({}).strict()).returns<BackupResult | null>(),
  /** Open dialog, then checks (integrity, known schema) and replaces the database with the backup. */
  'backup:restore': channel(z.object({}).strict()).returns<RestoreResult | null>(),
} as const;
