import Papa from 'papaparse';

/**
 * CSV rows from decoded text, streamed through papaparse's parser (DESIGN.md §8: decode bytes
 * ourselves, feed strings, bound everything). Around papaparse, this keeps what imports rely on:
 * - each row's physical line (quoted newlines counted), from papaparse's cursor;
 * - CR, LF and CRLF in any mix. papaparse takes one newline per parse, so a stretch of text whose
 *   line breaks are all of one kind is parsed with that kind; a mixed stretch is parsed with every
 *   break turned into LF, and the quoted breaks are put back as they were;
 * - capped fields and rows; an unfinished row too long to be valid is not buffered (see compact());
 * - the same rows wherever the text is split: an unfinished row is parsed again with the next text.
 */
export interface CsvRow {
  /** Physical 1-based line where the row starts. */
  line: number;
  fields: string[];
  /** Set when the row is unusable (field too long, unclosed quote…). */
  error?: string;
}

export interface CsvLimits {
  maxFieldChars: number;
  maxRowChars: number;
  maxFields: number;
}

export const DEFAULT_LIMITS: CsvLimits = { maxFieldChars: 1 << 20, maxRowChars: 8 << 20, maxFields: 5000 };

type Newline = '\n' | '\r' | '\r\n';

interface StepResult {
  data: string[][];
  errors: Papa.ParseError[];
  meta: { cursor: number };
}

/** The beginning of an overlong row that was dropped from the text still to parse. */
interface Cut {
  line: number;
  fields: string[];
  error: string;
  /** Line of the opening quote the kept text starts with, if it does. */
  quoteLine: number | null;
}

const LF = 10;
const CR = 13;
const QUOTE = 34;
const CR_BREAK = /\r\n?/g;
/** What papaparse's trim() skips between a closing quote and the delimiter or newline. */
const BLANK = /\s/;

/** The one newline papaparse should use for `text`, 'mixed', or null when it has no line break. */
function newlineOf(text: string): Newline | 'mixed' | null {
  if (text.indexOf('\r') === -1) return text.indexOf('\n') === -1 ? null : '\n';
  if (text.indexOf('\n') === -1) return '\r';
  return onlyCrlf(text) ? '\r\n' : 'mixed';
}

/** Every LF has a CR before it, and there are as many CRs as LFs (an indexOf walk: 4× a lookbehind regex). */
function onlyCrlf(text: string): boolean {
  let lfs = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
    if (text.charCodeAt(i - 1) !== CR) return false;
    lfs++;
  }
  let crs = 0;
  for (let i = text.indexOf('\r'); i !== -1 && crs <= lfs; i = text.indexOf('\r', i + 1)) crs++;
  return crs === lfs;
}

/** The offset just after the first line break of text, or -1 (none, or a CR at the end that may be half a CRLF). */
function firstBreakEnd(text: string): number {
  const cr = text.indexOf('\r');
  const lf = text.indexOf('\n');
  if (cr !== -1 && (lf === -1 || cr < lf)) return lf === cr + 1 ? lf + 1 : cr + 1 < text.length ? cr + 1 : -1;
  return lf === -1 ? -1 : lf + 1;
}

function countOf(text: string, char: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf(char, from); i !== -1 && i < to; i = text.indexOf(char, i + 1)) n++;
  return n;
}

/**
 * Caps a parsed row in place (an over-long field becomes empty) and says why the row is refused.
 * Of the field and row limits, the one reached first while reading the row's characters is named.
 */
function capFields(fields: string[], { maxFieldChars, maxRowChars, maxFields }: CsvLimits): string | undefined {
  let error: string | undefined;
  let chars = 0;
  for (let i = 0; i < fields.length; i++) {
    if (i === maxFields) {
      error ??= `row has more than ${maxFields} fields`;
      fields.length = maxFields;
      break;
    }
    const n = fields[i]!.length;
    const room = maxRowChars - chars;
    chars += n;
    if (n > maxFieldChars && maxFieldChars <= room) {
      error ??= `field ${i + 1} is longer than ${maxFieldChars} characters`;
      fields[i] = '';
    } else if (n > room) {
      error ??= `row is longer than ${maxRowChars} characters`;
      fields[i] = '';
    }
  }
  return error;
}

/**
 * Inside a quoted field, papaparse walks from quote to quote: `""` is a quote, and a lone quote
 * closes the field when blanks and then the delimiter or a newline follow it. Says whether `text`
 * ends with a lone quote not decided yet (only blanks after it).
 */
function endsUndecided(text: string, from: number, delimiter: number): boolean {
  for (let q = text.indexOf('"', from); q !== -1; ) {
    if (text.charCodeAt(q + 1) === QUOTE) {
      q = text.indexOf('"', q + 2);
      continue;
    }
    let k = q + 1;
    while (k < text.length && isBlank(text.charCodeAt(k), delimiter)) k++;
    if (k === text.length) return true;
    q = text.indexOf('"', q + 1);
  }
  return false;
}

function isBlank(c: number, delimiter: number): boolean {
  return c !== delimiter && c !== CR && c !== LF && BLANK.test(String.fromCharCode(c));
}

/** Walks the line breaks of a text as they are in the file (for a mixed text parsed with LF for all). */
class Breaks {
  private at = 0;
  private walked = 0;
  private cr: number;
  private lf: number;

  constructor(private readonly text: string) {
    this.cr = text.indexOf('\r');
    this.lf = text.indexOf('\n');
  }

  /** Break number n (from 0): '\r\n', '\r' or '\n'. */
  kind(n: number): string {
    while (this.walked < n) this.next();
    return this.next();
  }

  /** The offset just after the first n breaks. */
  after(n: number): number {
    if (n === 0) return 0;
    while (this.walked < n) this.next();
    return this.at;
  }

  private next(): string {
    this.walked++;
    const { text, cr, lf } = this;
    if (cr !== -1 && (lf === -1 || cr < lf)) {
      const crlf = lf === cr + 1;
      this.at = crlf ? lf + 1 : cr + 1;
      this.cr = text.indexOf('\r', this.at);
      if (!crlf) return '\r';
      this.lf = text.indexOf('\n', this.at);
      return '\r\n';
    }
    this.at = lf + 1;
    this.lf = text.indexOf('\n', this.at);
    return '\n';
  }
}

export class CsvParser {
  private readonly parsers = new Map<Newline, Papa.Parser>();
  private readonly plainParsers = new Map<Newline, Papa.Parser>();
  private readonly delimiterCode: number;
  /** Rows up to this many characters cannot break a limit. */
  private readonly smallRow: number;
  /**
   * An unfinished row longer than this is refused whatever follows: within the limits a row has at
   * most maxRowChars characters in maxFields fields, each character written at most twice ("")
   * plus two quotes and a delimiter a field.
   */
  private readonly overflowAt: number;
  /** Text not parsed yet: the start of an unfinished row. */
  private pending = '';
  /** Physical line of pending's first character. */
  private line = 1;
  private cut: Cut | undefined;
  // The text papaparse is parsing: where its next row starts, its next quote, its line breaks.
  private text = '';
  private rowStart = 0;
  private nextQuote = -1;
  private breakChar = '\n';
  private textLine = 1;
  /** For a mixed text: its line breaks as they were in the file. */
  private breaks: Breaks | null = null;

  constructor(
    private readonly delimiter: string,
    private readonly onRow: (row: CsvRow) => void,
    private readonly limits: CsvLimits = DEFAULT_LIMITS,
  ) {
    if (delimiter.length !== 1) throw new Error('delimiter must be one character');
    this.delimiterCode = delimiter.charCodeAt(0);
    this.smallRow = Math.min(limits.maxFieldChars, limits.maxRowChars);
    this.overflowAt = 2 * limits.maxRowChars + 3 * limits.maxFields + 2;
  }

  write(chunk: string): void {
    if (chunk.length === 0) return;
    let text = chunk;
    if (this.pending.length > 0) {
      // The unfinished row most often ends at the first line break: parse it with that much of the
      // text, and the rest as it is (pending + a whole chunk would copy the chunk).
      const split = firstBreakEnd(text);
      if (split !== -1) {
        // If the row is still unfinished, pending now holds it up to split.
        this.parse(this.pending + text.slice(0, split), false);
        text = text.slice(split);
      }
    }
    const input = this.pending + text;
    // A CR at the end may be the first half of a CRLF: the next text decides.
    const held = input.charCodeAt(input.length - 1) === CR;
    this.parse(held ? input.slice(0, -1) : input, false);
    if (held) this.pending += '\r';
    if (this.pending.length > this.overflowAt) this.compact();
  }

  end(): void {
    const input = this.pending;
    this.pending = '';
    this.parse(input, true);
    // A cut row whose kept text is empty: papaparse has no row for it.
    if (this.cut) this.emitCut(this.cut, null, 0, this.line);
  }

  private parse(work: string, final: boolean): void {
    const kind = newlineOf(work);
    if (kind === null && !final) {
      this.pending = work;
      return;
    }
    const text = kind === 'mixed' ? work.replace(CR_BREAK, '\n') : work;
    this.breaks = kind === 'mixed' ? new Breaks(work) : null;
    const newline: Newline = kind === null || kind === 'mixed' ? '\n' : kind;
    this.text = text;
    this.rowStart = 0;
    this.nextQuote = text.indexOf('"');
    this.breakChar = newline === '\r' ? '\r' : '\n';
    this.textLine = this.line;
    if (this.nextQuote === -1 && !this.cut) this.parsePlain(text, newline, final);
    else this.parserFor(newline).parse(text, 0, !final);
    if (final) this.pending = '';
    else this.pending = work.slice(this.breaks ? this.breaks.after(this.line - this.textLine) : this.rowStart);
    this.text = '';
    this.breaks = null;
  }

  private parserFor(newline: Newline): Papa.Parser {
    let parser = this.parsers.get(newline);
    if (!parser) {
      // No header, no typing: papaparse's fast mode (split) runs by itself on text without quotes.
      parser = new Papa.Parser({ delimiter: this.delimiter, newline, quoteChar: '"', step: this.onStep as never });
      this.parsers.set(newline, parser);
    }
    return parser;
  }

  /**
   * A text without quotes: every row is one line and an empty row is an empty line, so papaparse's
   * fast mode runs without a step callback (no result object a row), and no row needs its cursor.
   */
  private parsePlain(text: string, newline: Newline, final: boolean): void {
    let parser = this.plainParsers.get(newline);
    if (!parser) {
      parser = new Papa.Parser({ delimiter: this.delimiter, newline, quoteChar: '"' });
      this.plainParsers.set(newline, parser);
    }
    const result = parser.parse(text, 0, !final) as { data: string[][]; meta: { cursor: number } };
    // Within a text no longer than smallRow, no row can break a limit but the field count.
    const check = text.length > this.smallRow;
    const maxFields = this.limits.maxFields;
    let line = this.line;
    for (const fields of result.data) {
      const at = line++;
      if (fields.length === 1 && fields[0] === '') continue;
      const error = check || fields.length > maxFields ? capFields(fields, this.limits) : undefined;
      this.onRow(error === undefined ? { line: at, fields } : { line: at, fields, error });
    }
    this.line = line;
    this.rowStart = result.meta.cursor;
  }

  private readonly onStep = (result: StepResult): void => {
    const text = this.text;
    const start = this.rowStart;
    const end = result.meta.cursor;
    this.rowStart = end;
    const at = this.line;
    const quoted = this.nextQuote !== -1 && this.nextQuote < end;
    if (quoted) {
      this.line += countOf(text, this.breakChar, start, end);
      this.nextQuote = text.indexOf('"', end);
    } else this.line++;
    const fields = result.data[0]!;
    if (this.cut) {
      this.emitCut(this.cut, result, start, at);
      return;
    }
    if (fields.length === 1 && fields[0] === '' && text.charCodeAt(start) !== QUOTE) return; // an empty line
    let restored = false;
    if (this.breaks && quoted) restored = this.restoreBreaks(fields, at - this.textLine);
    let error: string | undefined;
    if (restored || end - start > this.smallRow || fields.length > this.limits.maxFields) error = capFields(fields, this.limits);
    if (result.errors.length > 0) error = this.unclosedQuote(result.errors, start, at, null) ?? error;
    this.onRow(error === undefined ? { line: at, fields } : { line: at, fields, error });
  };

  /** Puts a mixed text's quoted line breaks back as they were (the parsed text has LF for all). */
  private restoreBreaks(fields: string[], firstBreak: number): boolean {
    const breaks = this.breaks!;
    let k = firstBreak;
    let changed = false;
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i]!;
      if (field.indexOf('\n') === -1) continue;
      fields[i] = field.replace(/\n/g, () => breaks.kind(k++));
      changed = true;
    }
    return changed;
  }

  private unclosedQuote(errors: Papa.ParseError[], start: number, at: number, cut: Cut | null): string | undefined {
    const missing = errors.find((e) => e.code === 'MissingQuotes');
    if (!missing) return undefined; // a quote inside a quoted field that does not close it is kept, as papaparse does
    const opened = missing.index! - 1;
    const line = cut && opened === 0 && cut.quoteLine !== null ? cut.quoteLine : at + countOf(this.text, this.breakChar, start, opened);
    return `unclosed quote: the quoted field opened on line ${line} never ends`;
  }

  private emitCut(cut: Cut, result: StepResult | null, start: number, at: number): void {
    this.cut = undefined;
    const error = (result && this.unclosedQuote(result.errors, start, at, cut)) ?? cut.error;
    this.onRow({ line: cut.line, fields: cut.fields, error });
  }

  /**
   * The unfinished row in `pending` is longer than any valid row: it will be refused, so only what
   * decides how papaparse reads on is kept — an opening quote (and a lone quote still undecided) if
   * the row ends inside a quoted field, else a character of the unquoted field it is in. The text in
   * between has no quote that matters, so papaparse would only step over it.
   */
  private compact(): void {
    const held = this.pending.charCodeAt(this.pending.length - 1) === CR;
    const raw = held ? this.pending.slice(0, -1) : this.pending;
    const kind = newlineOf(raw);
    const text = kind === 'mixed' ? raw.replace(CR_BREAK, '\n') : raw;
    const breakChar = kind === '\r' ? '\r' : '\n';
    // A plain character after the text settles a quote at its very end.
    const probe = new Papa.Parser({ delimiter: this.delimiter, newline: kind === null || kind === 'mixed' ? '\n' : kind, quoteChar: '"' });
    const parsed = probe.parse(`${text}\u0001`, 0, false) as { data: string[][]; errors: Papa.ParseError[] };
    const fields = parsed.data[parsed.data.length - 1] ?? [''];
    const missing = parsed.errors.find((e) => e.code === 'MissingQuotes');
    let kept: string;
    let quoteLine: number | null = null;
    if (missing) {
      const opened = missing.index! - 1;
      quoteLine = opened === 0 && this.cut?.quoteLine != null ? this.cut.quoteLine : this.line + countOf(text, breakChar, 0, opened);
      kept = endsUndecided(text, opened + 1, this.delimiterCode) ? '""' : '"';
    } else kept = text.charCodeAt(text.length - 1) === this.delimiterCode ? '' : 'x';
    fields[fields.length - 1] = fields[fields.length - 1]!.slice(0, -1); // the plain character
    if (this.cut) this.cut.quoteLine = quoteLine;
    else {
      const error = capFields(fields, this.limits) ?? `row is longer than ${this.limits.maxRowChars} characters`;
      fields[fields.length - 1] = '';
      this.cut = { line: this.line, fields, error, quoteLine };
    }
    this.line += countOf(text, breakChar, 0, text.length);
    this.pending = kept + (held ? '\r' : '');
  }
}

/** Parses a whole string (tests, sniffing). */
export function parseCsv(text: string, delimiter: string, limits?: CsvLimits): CsvRow[] {
  const rows: CsvRow[] = [];
  const parser = new CsvParser(delimiter, (row) => rows.push(row), limits);
  parser.write(text);
  parser.end();
  return rows;
}
