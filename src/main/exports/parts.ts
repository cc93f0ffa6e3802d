/**
 * Splitting a large export between two reader threads: each reads and formats one half of the rows
 * (in the file's order: rowid, i.e. the order events were imported) into a file of its own; the first appends the second's
 * file to its own while finishing its SHA-256, and their previews are merged. Reading and formatting
 * is the export's longest phase (~4.5 s for 1M rows on one thread), and this machine has 2 cores.
 */
import { readSync, openSync, closeSync, rmSync, writeSync } from 'node:fs';
import type { Hash } from 'node:crypto';
import { WARNING_CODES, type ExclusionCode, type ExportPreview, type WarningCode } from '../../shared/domain/exports';
import { WARNING_MESSAGES } from './formats';

export { middleKey, withRange, type KeyRange } from './read-repo';

export function warningsOf(counts: Partial<Record<WarningCode, number>>): ExportPreview['warnings'] {
  return WARNING_CODES.filter((code) => counts[code]).map((code) => ({ code, count: counts[code]!, message: `${counts[code]} event(s) ${WARNING_MESSAGES[code]}` }));
}

export interface PartPreview {
  preview: ExportPreview;
  warningCounts: Partial<Record<WarningCode, number>>;
}

/** One preview for the whole export from its parts' previews (in file order). */
export function mergePreviews(parts: readonly PartPreview[], excludedLimit: number): ExportPreview {
  const byCode: Partial<Record<ExclusionCode, number>> = {};
  const warningCounts: Partial<Record<WarningCode, number>> = {};
  for (const { preview, warningCounts: counts } of parts) {
    for (const [code, n] of Object.entries(preview.excludedByCode) as [ExclusionCode, number][]) byCode[code] = (byCode[code] ?? 0) + n;
    for (const [code, n] of Object.entries(counts) as [WarningCode, number][]) warningCounts[code] = (warningCounts[code] ?? 0) + n;
  }
  const sum = (pick: (p: ExportPreview) => number) => parts.reduce((total, part) => total + pick(part.preview), 0);
  const excluded = parts.flatMap((part) => part.preview.excluded).slice(0, excludedLimit);
  const excludedCount = sum((p) => p.excludedCount);
  return {
    format: parts[0]!.preview.format,
    matched: sum((p) => p.matched),
    exported: sum((p) => p.exported),
    excludedCount,
    excludedByCode: byCode,
    excluded,
    excludedTruncated: excludedCount > excluded.length,
    warnings: warningsOf(warningCounts),
  };
}

/** Appends the file at `path` to `fd` through `hash`, then removes it; returns the bytes appended. */
export function appendPart(fd: number, hash: Hash, path: string, buffer: Buffer): number {
  const source = openSync(path, 'r');
  let total = 0;
  try {
    for (;;) {
      const read = readSync(source, buffer, 0, buffer.length, null);
      if (read === 0) break;
      const chunk = buffer.subarray(0, read);
      hash.update(chunk);
      let offset = 0;
      while (offset < read) offset += writeSync(fd, chunk, offset, read - offset);
      total += read;
    }
  } finally {
    closeSync(source);
  }
  rmSync(path, { force: true });
  return total;
}

/** States of the shared cell through which the writer tells the first reader that the second part is ready. */
export const PART_WAITING = 0;
export const PART_READY = 1;
export const PART_ABANDONED = 2;

/** Tells the first reader (blocked in waitForPart) that the second part is ready or abandoned. */
export function signalPart(cell: Int32Array, state: typeof PART_READY | typeof PART_ABANDONED): void {
  Atomics.store(cell, 0, state);
  Atomics.notify(cell, 0);
}

/**
 * Blocks the first reader's thread until the second part is written (or the export is stopped);
 * Atomics.wait is allowed in worker threads and costs no CPU while waiting.
 */
export function waitForPart(cell: Int32Array, isCancelled: () => boolean): boolean {
  for (;;) {
    const state = Atomics.load(cell, 0);
    if (state === PART_READY) return true;
    if (state === PART_ABANDONED || isCancelled()) return false;
    Atomics.wait(cell, 0, PART_WAITING, 100);
  }
}
