import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvParser, parseCsv, type CsvRow } from '../../src/main/imports/csv';
import { createDecoder, detectEncoding } from '../../src/main/imports/decode';
import { AppError } from '../../src/shared/ipc/result';

function parseChunks(text: string, cuts: number[], delimiter = ','): CsvRow[] {
  const rows: CsvRow[] = [];
  const parser = new CsvParser(delimiter, (row) => rows.push(row));
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    parser.write(text.slice(at, cut));
    at = cut;
  }
  parser.write(text.slice(at));
  parser.end();
  return rows;
}

describe('CSV parser', () => {
  it('counts physical lines across quoted newlines, CRLF and CR, and skips empty lines', () => {
    const rows = parseCsv('a,b\r\n"x\r\ny",2\r\n\r\n3,"q""uote"\r4,5\n', ',');
    expect(rows).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x\r\ny', '2'] },
      { line: 5, fields: ['3', 'q"uote'] },
      { line: 6, fields: ['4', '5'] },
    ]);
  });

  it('keeps an empty quoted row and a trailing row without newline', () => {
    expect(parseCsv('""\nlast', ',')).toEqual([
      { line: 1, fields: [''] },
      { line: 2, fields: ['last'] },
    ]);
  });

  it('reports an unclosed quote with the line it opened on', () => {
    const rows = parseCsv('a,b\n1,"open\n2,3\n', ',');
    expect(rows[1]!.error).toMatch(/unclosed quote.*line 2/);
  });

  it('caps field length with a row error and keeps parsing the next rows', () => {
    const big = 'x'.repeat(2000);
    const rows = parseCsv(`a,b\n1,${big}\n2,ok\n`, ',', { maxFieldChars: 1000, maxRowChars: 100000, maxFields: 10 });
    expect(rows[1]!.error).toMatch(/field 2 is longer than 1000/);
    expect(rows[1]!.fields[1]!.length).toBeLessThanOrEqual(1000);
    expect(rows[2]).toEqual({ line: 3, fields: ['2', 'ok'] });
  });

  it('parsing in chunks split at any points equals parsing whole (property)', () => {
    const cell = fc.oneof(fc.string(), fc.constantFrom('"', '""', '\r', '\n', '\r\n', ',', ';', 'é', '😀'));
    const text = fc.array(cell, { maxLength: 40 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, fc.array(fc.nat(), { maxLength: 6 }), fc.constantFrom(',', ';', '\t'), (t, raw, d) => {
        const cuts = raw.map((n) => n % (t.length + 1));
        expect(parseChunks(t, cuts, d)).toEqual(parseCsv(t, d));
      }),
      { numRuns: 500 },
    );
  });

  it('any text parses without throwing (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (t) => {
        parseCsv(t, ',', { maxFieldChars: 20, maxRowChars: 100, maxFields: 5 });
      }),
      { numRuns: 500 },
    );
  });
});

describe('decoding', () => {
  it('detects BOMs and falls back to Windows-1252 when the sample is not UTF-8', () => {
    expect(detectEncoding(new Uint8Array([0xef, 0xbb, 0xbf, 0x61]))).toEqual({ encoding: 'utf-8', bomLength: 3 });
    expect(detectEncoding(new Uint8Array([0xff, 0xfe, 0x61, 0]))).toEqual({ encoding: 'utf-16le', bomLength: 2 });
    expect(detectEncoding(new Uint8Array([0xfe, 0xff, 0, 0x61]))).toEqual({ encoding: 'utf-16be', bomLength: 2 });
    expect(detectEncoding(Buffer.from('Müller;1.234,56', 'latin1')).encoding).toBe('windows-1252');
    // A UTF-8 sample cut in the middle of "é" is still UTF-8.
    expect(detectEncoding(Buffer.from('abcé', 'utf8').subarray(0, 4)).encoding).toBe('utf-8');
  });

  it('refuses binary files with a message saying what they are', () => {
    expect(() => detectEncoding(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2]), 'orders.csv')).toThrow(/Excel .xlsx/);
    expect(() => detectEncoding(new Uint8Array(200).fill(1), 'x.csv')).toThrow(AppError);
  });

  it('keeps multi-byte characters intact when chunks split them (UTF-8, UTF-16LE, UTF-16BE)', () => {
    const text = 'Zoë, José — 😀 Müller;€';
    const cases: [Parameters<typeof createDecoder>[0], Buffer][] = [
      ['utf-8', Buffer.from(text, 'utf8')],
      ['utf-16le', Buffer.from(text, 'utf16le')],
      ['utf-16be', Buffer.from(text, 'utf16le').swap16()],
    ];
    for (const [encoding, bytes] of cases) {
      for (let cut = 0; cut <= bytes.length; cut++) {
        const decoder = createDecoder(encoding);
        const out = decoder.write(bytes.subarray(0, cut)) + decoder.write(bytes.subarray(cut)) + decoder.end();
        expect(out).toBe(text);
      }
    }
  });
});
