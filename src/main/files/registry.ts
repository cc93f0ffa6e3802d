import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import type { FileRef } from '../../shared/domain/imports';
import { AppError } from '../../shared/ipc/result';
import type { Sqlite } from '../db/connection';
import { randomToken } from '../lib/ids';
import { getSettings } from '../settings/service';
import { safeFileName } from './names';

export const DEFAULT_MAX_FILE_BYTES = 2 * 1024 ** 3;

interface Registered extends FileRef {
  path: string;
}

/**
 * Opaque file references: the renderer never sends or sees a path. main checks the file once
 * (regular file, readable, under the size limit) and hands out a random id.
 */
export class FileRegistry {
  private readonly files = new Map<string, Registered>();
  /** A fixed limit, or a function read at each registration (Settings → Import file size limit). */
  constructor(private readonly limit: number | (() => number) = DEFAULT_MAX_FILE_BYTES) {}

  get maxBytes(): number {
    return typeof this.limit === 'number' ? this.limit : this.limit();
  }

  register(path: string, displayName?: string): FileRef {
    if (!isAbsolute(path)) throw new AppError('validation', 'The file path must be absolute');
    let real: string;
    try {
      real = realpathSync(path);
    } catch {
      throw new AppError('not_found', `${displayName ?? basename(path)} does not exist (it may have been moved or deleted)`);
    }
    const name = displayName ?? basename(real);
    const stat = statSync(real);
    if (stat.isDirectory()) throw new AppError('validation', `${name} is a folder; drop or choose a CSV file`);
    if (!stat.isFile()) throw new AppError('validation', `${name} is not a regular file`);
    const maxBytes = this.maxBytes;
    if (stat.size > maxBytes) {
      let [size, limit] = [formatBytes(stat.size), formatBytes(maxBytes)];
      if (size === limit) [size, limit] = [`${stat.size.toLocaleString('en-US')} bytes`, `${maxBytes.toLocaleString('en-US')} bytes`];
      throw new AppError('validation', `${name} is ${size}, over the ${limit} limit (Settings → Import)`, { size: stat.size, limit: maxBytes });
    }
    try {
      accessSync(real, constants.R_OK);
    } catch {
      throw new AppError('forbidden', `${name} cannot be read (permission denied)`);
    }
    const ref: Registered = { id: randomToken(12), name, size: stat.size, path: real };
    this.files.set(ref.id, ref);
    return { id: ref.id, name: ref.name, size: ref.size };
  }

  /**
   * The browser harness uploaded bytes to <dataDir>/uploads/<uploadId>; the id is a token, never a
   * path, and the page's display name is reduced to a safe file name (it later names saved files).
   */
  registerUpload(dataDir: string, uploadId: string, name?: string): FileRef {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(uploadId)) throw new AppError('validation', 'Invalid upload id');
    return this.register(join(dataDir, 'uploads', uploadId), safeFileName(name ?? uploadId, uploadId));
  }

  resolve(ref: Pick<FileRef, 'id'>): Registered {
    const found = this.files.get(ref.id);
    if (!found) throw new AppError('not_found', 'The file reference is unknown or expired; choose the file again');
    return found;
  }
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} bytes`;
}

const registries = new WeakMap<Sqlite, FileRegistry>();

/**
 * One registry per open database (the files and imports handlers and the CLI share it); its size
 * limit is the database's Settings → Import file size limit.
 */
export function fileRegistryFor(db: Sqlite): FileRegistry {
  let registry = registries.get(db);
  if (!registry) {
    registry = new FileRegistry(() => getSettings(db).importMaxFileMb * 1024 * 1024);
    registries.set(db, registry);
  }
  return registry;
}
