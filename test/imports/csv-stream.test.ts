import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvParser, parseCsv, type CsvLimits, type CsvRow } from '../../src/main/imports/csv';

function parseChunks(text: string, cuts: number[], delimiter: string, limits?: CsvLimits): CsvRow[] {
  const rows: CsvRow[] = [];
  const parser = new CsvParser(delimiter, (row) => rows.push(row), limits);
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    parser.write(text.slice(at, cut));
    at = cut;
  }
  parser.write(text.slice(at));
  parser.end();
  return rows;
}

const BREAK = /\r\n|\r|\n/g;
const lineBreaks = (s: string) => s.match(BREAK)?.length ?? 0;

/** RFC 4180 quoting: a field with the delimiter, a quote, a line break or a leading/trailing blank is quoted. */
function writeField(field: string, delimiter: string): string {
  return field.includes(delimiter) || /["\r\n]|^\s|\s$/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}

describe('CSV parser on papaparse', () => {
  it('gives back any rows written with quoting, any mix of CR / LF / CRLF and any chunking, with their physical lines (property)', () => {
    const field = fc.oneof(
      fc.string(),
      fc.string({ unit: fc.constantFrom('a', ' ', '"', ',', ';', '\t', '\r', '\n', 'é', '😀') }),
      fc.constantFrom('', '"', '""', '\r\n', '\r', '\n', ' x ', '=1+2'),
    );
    const row = fc.array(field, { minLength: 1, maxLength: 6 });
    const ending = fc.constantFrom('\r\n', '\n', '\r');
    fc.assert(
      fc.property(fc.array(fc.tuple(row, ending), { minLength: 1, maxLength: 12 }), fc.constantFrom(',', ';', '\t'), fc.array(fc.nat(), { maxLength: 8 }), fc.boolean(), (rows, d, raw, lastEnding) => {
        let text = '';
        let line = 1;
        const expected: CsvRow[] = [];
        rows.forEach(([fields, end], i) => {
          // A row of one empty field is an empty line, which the parser skips: write it quoted.
          text += fields.length === 1 && fields[0] === '' ? '""' : fields.map((f) => writeField(f, d)).join(d);
          expected.push({ line, fields });
          line += 1 + fields.reduce((n, f) => n + lineBreaks(f), 0);
          if (lastEnding || i < rows.length - 1) text += end;
        });
        const cuts = raw.map((n) => n % (text.length + 1));
        expect(parseChunks(text, cuts, d)).toEqual(expected);
      }),
      { numRuns: 1000 },
    );
  });

  it('gives the same rows and errors whatever the chunks when rows break the limits (property)', () => {
    const limits: CsvLimits = { maxFieldChars: 12, maxRowChars: 30, maxFields: 4 };
    const cell = fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('"', '""', '\r', '\n', '\r\n', ',', ' ', 'x'.repeat(15)));
    const text = fc.array(cell, { maxLength: 60 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, fc.array(fc.nat(), { maxLength: 10 }), (t, raw) => {
        const cuts = raw.map((n) => n % (t.length + 1));
        expect(parseChunks(t, cuts, ',', limits)).toEqual(parseCsv(t, ',', limits));
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses a row too long to keep without holding it, and reads on after it', () => {
    const limits: CsvLimits = { maxFieldChars: 100, maxRowChars: 1000, maxFields: 10 };
    const long = `1,"${'ab\r\n'.repeat(2500)}${'cd\r'.repeat(1500)}${'ef\n'.repeat(1000)}",3`;
    const text = `a,b,c\n${long}\r\n2,"ok",4\r\n`;
    const rows: CsvRow[] = [];
    let most = 0;
    const parser = new CsvParser(',', (row) => rows.push(row), limits);
    for (let i = 0; i < text.length; i += 500) {
      parser.write(text.slice(i, i + 500));
      most = Math.max(most, (parser as unknown as { pending: string }).pending.length);
    }
    parser.end();
    expect(rows).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', ''], error: 'field 2 is longer than 100 characters' },
      { line: 5003, fields: ['2', 'ok', '4'] },
    ]);
    // Never more than the longest valid row (2 × 1000 + 3 × 10 + 2) plus one chunk.
    expect(most).toBeLessThanOrEqual(2032 + 500);
  });

  it('reads on from a long quoted field cut right after a quote that the next text closes, escapes or leaves open', () => {
    const limits: CsvLimits = { maxFieldChars: 100, maxRowChars: 1000, maxFields: 10 };
    const field = `"${'a'.repeat(3000)}`;
    const cases: [string, string, CsvRow[]][] = [
      ['"', ',2\n3,4\n', [{ line: 1, fields: ['1', ''], error: 'field 2 is longer than 100 characters' }, { line: 2, fields: ['3', '4'] }]],
      ['"  ', ',2\n3,4\n', [{ line: 1, fields: ['1', ''], error: 'field 2 is longer than 100 characters' }, { line: 2, fields: ['3', '4'] }]],
      ['"', '"\n3,4"\n5,6\n', [{ line: 1, fields: ['1', ''], error: 'field 2 is longer than 100 characters' }, { line: 3, fields: ['5', '6'] }]],
      ['"  ', 'b\n3,4\n', [{ line: 1, fields: ['1', ''], error: 'unclosed quote: the quoted field opened on line 1 never ends' }]],
    ];
    for (const [end, next, expected] of cases) {
      const head = `1,${field}${end}`;
      expect(parseChunks(head + next, [head.length], ',', limits)).toEqual(expected);
    }
  });

  it('reports an unclosed quote in a long file at the line it opened on, after keeping the rows before it', () => {
    const limits: CsvLimits = { maxFieldChars: 100, maxRowChars: 1000, maxFields: 10 };
    const text = `a,b\n1,2\n3,"never closed\n${'x,y\n'.repeat(3000)}`;
    expect(parseChunks(text, [7, 300, 5000, 9000], ',', limits)).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', '2'] },
      { line: 3, fields: ['3', ''], error: 'unclosed quote: the quoted field opened on line 3 never ends' },
    ]);
  });
});
