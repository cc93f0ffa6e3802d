import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, writeFileSync } from 'node:fs';
import type { ImportEncoding, ImportOptions } from '../../shared/domain/imports';
import { AppError } from '../../shared/ipc/result';
import type { Sqlite } from '../db/connection';
import { CsvParser } from './csv';
import { createDecoder, detectEncoding } from './decode';
import * as repo from './repo';
import { readHead } from './sniff';

const FORMULA_START = /^[=+\-@\t\r\n]/;

/** Spreadsheet-safe cell: a formula-looking start (on any line of a multi-line cell) gets a leading '. */
export function escapeCell(value: string): string {
  let text = value;
  if (FORMULA_START.test(text) || /[\r\n][=+\-@\t]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Writes the import's invalid rows — their original cells plus a Reason column — to a file the
 * user chose. This is the one place raw values of bad rows may be written; they are re-read from
 * the source file now, never kept in the database.
 */
export function writeErrorRows(db: Sqlite, importId: string, destination: string): { rows: number } {
  const row = repo.findImport(db, importId);
  if (!row) throw new AppError('not_found', `No import with id ${importId}`);
  if (!row.file_path) throw new AppError('not_found', 'The source file of this import is not known');
  const wanted = repo.errorLines(db, importId);
  if (wanted.size === 0) throw new AppError('validation', 'This import has no invalid rows to save');
  const options = (row.options ? JSON.parse(row.options) : {}) as ImportOptions;
  let head: Uint8Array;
  try {
    head = readHead(row.file_path);
  } catch {
    throw new AppError('not_found', `The source file ${row.file_name} is no longer readable; it was moved or deleted`);
  }
  const detected = detectEncoding(head, row.file_name);
  const headers = row.headers ? (JSON.parse(row.headers) as string[]) : [];
  const first = options.encoding ?? detected.encoding;
  // Read as the import read it: the same encoding for the whole file (a row with undecodable bytes
  // is one of the invalid rows; its bad bytes are written as U+FFFD).
  const extracted = extractLines(row.file_path, first, first === detected.encoding ? detected.bomLength : 0, options.delimiter ?? ',', wanted, headers);
  // Line numbers only point at the right rows in the very file that was imported.
  if (row.file_sha256 && extracted.sha256 !== row.file_sha256) {
    throw new AppError('conflict', `${row.file_name} has changed since it was imported, so its line numbers no longer match; import it again to get a fresh report`);
  }
  const lines = extracted.lines;
  writeFileSync(destination, `\ufeff${lines.join('\r\n')}\r\n`, { mode: 0o600 });
  return { rows: lines.length - 1 };
}

function extractLines(
  path: string,
  encoding: ImportEncoding,
  bomLength: number,
  delimiter: string,
  wanted: Map<number, string>,
  headers: string[],
): { lines: string[]; sha256: string } {
  const hash = createHash('sha256');
  const lines: string[] = [[...headers, 'Line', 'Reason'].map(escapeCell).join(',')];
  const parser = new CsvParser(delimiter, (csvRow) => {
    const reason = wanted.get(csvRow.line);
    if (reason === undefined) return;
    const cells = csvRow.fields.map((f) => (f.length > 32_768 ? `${f.slice(0, 32_768)}…` : f));
    lines.push([...cells, String(csvRow.line), reason].map(escapeCell).join(','));
  });
  const decoder = createDecoder(encoding, { invalid: 'escape' });
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(256 * 1024);
    let bomLeft = bomLength;
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      hash.update(buffer.subarray(0, n));
      const skip = Math.min(bomLeft, n);
      bomLeft -= skip;
      parser.write(decoder.write(buffer.subarray(skip, n)));
    }
    parser.write(decoder.end());
    parser.end();
  } finally {
    closeSync(fd);
  }
  return { lines, sha256: hash.digest('hex') };
}
