import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { DELIMITERS, type ImportDelimiter, type ImportEncoding, type ImportMapping, type ImportTarget, type SniffResult } from '../../shared/domain/imports';
import { createDecoder, detectEncoding, EncodingMismatch } from './decode';
import { parseCsv, type CsvRow } from './csv';
import { autoMap, headerZone, normalizeHeader, prehashedPlatformOf } from './mapping';
import { maskValue, previewTarget as previewTargetOf } from './mask';

export const SNIFF_BYTES = 64 * 1024;
export const PREVIEW_ROWS = 20;
/** Preview rows when spread through the file: one per stretch, each shown on the mapping screen. */
export const SPREAD_PREVIEW_ROWS = 5;

/** `Parameters:TimeZone=America/New_York` (Google Ads / Microsoft upload templates) → the zone. */
export function parametersTimeZone(fields: string[]): string | null | undefined {
  const first = fields[0]?.trim() ?? '';
  if (!/^parameters:/i.test(first)) return undefined;
  const match = /timezone=([^;,\s]+)/i.exec(fields.join(','));
  return match ? match[1]! : null;
}

export function readHead(path: string, bytes = SNIFF_BYTES): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const n = readSync(fd, buffer, 0, bytes, 0);
    return buffer.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** Decodes a sample, leaving out a cut last line. */
function decodeSample(head: Uint8Array, encoding: ImportEncoding, bomLength: number, complete: boolean): string {
  const decoder = createDecoder(encoding);
  let text: string;
  try {
    text = decoder.write(head.subarray(bomLength)) + (complete ? decoder.end() : '');
  } catch (error) {
    if (error instanceof EncodingMismatch) return decodeSample(head, 'windows-1252', 0, complete);
    throw error;
  }
  if (!complete) {
    const cut = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
    if (cut > 0) text = text.slice(0, cut);
  }
  return text;
}

export function detectDelimiter(text: string): ImportDelimiter {
  let best: { delimiter: ImportDelimiter; score: number } = { delimiter: ',', score: -1 };
  for (const delimiter of DELIMITERS) {
    const rows = parseCsv(text, delimiter).filter((row) => parametersTimeZone(row.fields) === undefined).slice(0, 30);
    if (rows.length === 0) continue;
    const width = rows[0]!.fields.length;
    if (width < 2) continue;
    const consistent = rows.filter((row) => row.fields.length === width).length;
    const score = (consistent / rows.length) * 1000 + width;
    if (score > best.score) best = { delimiter, score };
  }
  return best.delimiter;
}

const DATA_LIKE = /^([-+]?[\d.,\s]+|\d{4}-\d{2}-\d{2}.*|[^\s@]+@[^\s@]+|\d{1,2}[/.]\d{1,2}[/.]\d{4}.*)$/;

/** A time that names its instant by itself: ending in Z or an offset (±HH:MM, ±HHMM, ±HH), or Unix seconds / ms. */
const ABSOLUTE_TIME = /\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s?(?:Z|UTC|GMT|(?:UTC|GMT)?[+-]\d{2}(?::?\d{2})?)$|^\d{9,13}$/i;

export function looksLikeHeader(fields: string[]): boolean {
  const known = new Set(Object.values(autoMap(fields).columns).filter((t) => t !== 'ignore')).size;
  if (known > 0) return true;
  return fields.every((field) => field.trim() === '' || !DATA_LIKE.test(field.trim()));
}

export function detectDecimalComma(values: string[]): boolean {
  const present = values.map((v) => v.trim()).filter(Boolean);
  if (present.length === 0) return false;
  const comma = present.filter((v) => /^\D{0,2}\d{1,3}(\.\d{3})+,\d+\D{0,2}$|^\D{0,2}\d+,\d{1,2}\D{0,2}$/.test(v)).length;
  return comma > present.length / 2;
}

export interface SniffOverrides {
  encoding?: ImportEncoding;
  delimiter?: ImportDelimiter;
}

/** Everything the mapping step shows, from the first 64 KB of the file. Personal data is masked. */
export function sniffFile(path: string, fileName: string, overrides: SniffOverrides = {}): Omit<SniffResult, 'preset'> {
  return sniffWithSample(path, fileName, overrides, false).sniff;
}

/** Raw rows (never sent to the renderer) for the fill rates, read from the head and from windows spread through the file. */
export interface RawSample {
  rows: string[][];
  wholeFile: boolean;
  fileRows: number;
}

/**
 * The sniff, plus (spread = true) a sample spread through the whole file: the first 64 KB and
 * SAMPLE_WINDOWS windows at even offsets after it, so a file whose first rows lack a column (Shopify's
 * first orders have no email) is judged on all of it. The masked preview rows come from that sample.
 */
export function sniffWithSample(path: string, fileName: string, overrides: SniffOverrides, spread: boolean): { sniff: Omit<SniffResult, 'preset'>; sample: RawSample } {
  const head = readHead(path);
  if (head.length === 0) throw new SniffError(`${fileName} is empty`);
  const detected = detectEncoding(head, fileName);
  const encoding = overrides.encoding ?? detected.encoding;
  const complete = head.length < SNIFF_BYTES;
  const text = decodeSample(head, encoding, detected.bomLength, complete);
  const delimiter = overrides.delimiter ?? detectDelimiter(text);
  const lineEnding = /\r\n/.test(text) ? 'crlf' : /\n/.test(text) ? 'lf' : /\r/.test(text) ? 'cr' : 'lf';
  let rows: CsvRow[] = parseCsv(text, delimiter);
  let timezone: string | null = null;
  const tz = rows[0] ? parametersTimeZone(rows[0].fields) : undefined;
  if (tz !== undefined) {
    timezone = tz;
    rows = rows.slice(1);
  }
  if (rows.length === 0) throw new SniffError(`${fileName} has no rows${tz !== undefined ? ' after its Parameters line' : ''}`);
  const hasHeader = looksLikeHeader(rows[0]!.fields);
  const headers = hasHeader ? rows[0]!.fields.map((h, i) => h.trim() || `Column ${i + 1}`) : rows[0]!.fields.map((_, i) => `Column ${i + 1}`);
  const headRows = (hasHeader ? rows.slice(1) : rows).map((row) => row.fields);
  const dataRows = headRows.slice(0, PREVIEW_ROWS).map((fields) => ({ fields }));
  const sample = spread ? spreadSample(path, head, complete, encoding, detected.bomLength, delimiter, headers.length, headRows) : { rows: headRows, wholeFile: complete, fileRows: headRows.length };
  const suggestedMapping: ImportMapping = hasHeader ? autoMap(headers) : { columns: headers.map(() => 'ignore') };
  const valueIndex = suggestedMapping.columns.indexOf('value');
  const decimalComma = valueIndex >= 0 && detectDecimalComma(dataRows.map((row) => row.fields[valueIndex] ?? ''));
  const warnings: string[] = [];
  if (hasHeader && dataRows.length === 0) warnings.push('The file has a header but no data rows.');
  const timeIndex = suggestedMapping.columns.indexOf('event_time');
  if (timeIndex < 0) warnings.push('No column looks like the event time; map one.');
  else if (!timezone) timezone = headerZone(headers[timeIndex]!);
  // Times that each carry their offset (or are Unix timestamps) need no zone: say nothing then (issue 15 item 8).
  const sampleTimes = timeIndex >= 0 ? dataRows.map((row) => (row.fields[timeIndex] ?? '').trim()).filter(Boolean) : [];
  const everyTimeIsAbsolute = sampleTimes.length > 0 && sampleTimes.every((value) => ABSOLUTE_TIME.test(value));
  if (!timezone && !everyTimeIsAbsolute) warnings.push('The file does not say its time zone; times without an offset use the time zone you choose.');
  const prehashedFor = hasHeader ? prehashedPlatformOf(headers) : null;
  if (hasHeader) {
    // Same header twice (Meta's example file has three "email" columns): only the first is imported.
    const seen = new Map<string, number>();
    headers.forEach((header, i) => {
      const key = header.trim().toLowerCase();
      const first = seen.get(key);
      if (first === undefined) seen.set(key, i);
      else if (suggestedMapping.columns[first] !== 'ignore') warnings.push(`Column ${i + 1} "${header}" repeats column ${first + 1}; only the first is imported (map it to Custom param to keep it).`);
    });
  }
  if (encoding === 'windows-1252' && !overrides.encoding) warnings.push('The file is not UTF-8; it was read as Windows-1252.');
  const previewRows = spread ? pickPreviewRows(sample.rows, SPREAD_PREVIEW_ROWS) : dataRows.map((row) => row.fields);
  const sniff: Omit<SniffResult, 'preset'> = {
    encoding,
    hasBom: detected.bomLength > 0,
    delimiter,
    hasHeader,
    lineEnding,
    timezone,
    prehashedFor,
    decimalComma,
    headers,
    rows: previewRows.map((fields) => headers.map((header, i) => maskValue(previewTarget(header, suggestedMapping.columns[i] ?? 'ignore'), fields[i] ?? ''))),
    suggestedMapping,
    warnings,
  };
  return { sniff, sample };
}

export const SAMPLE_WINDOWS = 16;
export const SAMPLE_WINDOW_BYTES = 16 * 1024;

function spreadSample(path: string, head: Uint8Array, complete: boolean, encoding: ImportEncoding, bomLength: number, delimiter: ImportDelimiter, width: number, headRows: string[][]): RawSample {
  if (complete) return { rows: headRows, wholeFile: true, fileRows: headRows.length };
  const size = statSync(path).size;
  const rows = [...headRows];
  const unit = encoding.startsWith('utf-16') ? 2 : 1;
  const fd = openSync(path, 'r');
  try {
    const span = size - SNIFF_BYTES;
    const windows = Math.min(SAMPLE_WINDOWS, Math.floor(span / SAMPLE_WINDOW_BYTES));
    for (let w = 0; w < windows; w++) {
      let offset = SNIFF_BYTES + Math.floor((span * w) / Math.max(windows, 1));
      offset -= offset % unit;
      const buffer = Buffer.alloc(SAMPLE_WINDOW_BYTES);
      const n = readSync(fd, buffer, 0, SAMPLE_WINDOW_BYTES, offset);
      const start = lineStart(buffer.subarray(0, n), encoding);
      if (start < 0) continue;
      const text = decodeSample(buffer.subarray(start, n), encoding, 0, offset + n >= size);
      // A window may start inside a quoted field: rows whose width differs from the header's are left out.
      for (const row of parseCsv(text, delimiter)) if (row.fields.length === width) rows.push(row.fields);
    }
  } finally {
    closeSync(fd);
  }
  const headBytes = Math.max(head.length - bomLength, 1);
  return { rows, wholeFile: false, fileRows: Math.max(rows.length, Math.round((headRows.length * (size - bomLength)) / headBytes)) };
}

/** Byte index just after the first line break of a window (so it starts on a whole character and line), or -1. */
function lineStart(bytes: Uint8Array, encoding: ImportEncoding): number {
  if (encoding === 'utf-16le') {
    for (let i = 0; i + 1 < bytes.length; i += 2) if (bytes[i] === 0x0a && bytes[i + 1] === 0) return i + 2;
    return -1;
  }
  if (encoding === 'utf-16be') {
    for (let i = 0; i + 1 < bytes.length; i += 2) if (bytes[i] === 0 && bytes[i + 1] === 0x0a) return i + 2;
    return -1;
  }
  const i = bytes.indexOf(0x0a);
  return i < 0 ? -1 : i + 1;
}

/**
 * Preview rows spread through the sample: it is cut into `count` equal stretches and each gives its
 * fullest row (most non-blank cells; the first on a tie), so sparse line-item rows do not hide a column.
 */
export function pickPreviewRows(rows: readonly string[][], count: number): string[][] {
  if (rows.length <= count) return [...rows];
  const picked: string[][] = [];
  for (let b = 0; b < count; b++) {
    const from = Math.floor((rows.length * b) / count);
    const to = Math.floor((rows.length * (b + 1)) / count);
    let best = from;
    let bestFilled = -1;
    for (let i = from; i < to; i++) {
      const filled = rows[i]!.reduce((n, f) => (f.trim() ? n + 1 : n), 0);
      if (filled > bestFilled) (best = i), (bestFilled = filled);
    }
    picked.push(rows[best]!);
  }
  return picked;
}

/** Unmapped columns whose header names a person's data are masked like names in the preview (mask.ts). */
function previewTarget(header: string, target: ImportTarget): ImportTarget {
  return previewTargetOf(normalizeHeader(header), target);
}

export class SniffError extends Error {}

export { normalizeHeader };
