/**
 * A streaming RFC-4180 CSV parser over decoded text (DESIGN.md §8: decode bytes ourselves, feed
 * strings, bound everything). Written instead of papaparse's stream mode so that rows carry their
 * physical line number (quoted newlines counted), CR/LF/CRLF are handled per character (not guessed
 * from the first chunk), fields are capped, and a split at any point gives the same rows.
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

const LF = 10;
const CR = 13;
const QUOTE = 34;

const START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const QUOTE_SEEN = 3;

export class CsvParser {
  private readonly delim: number;
  private state = START;
  private field = '';
  private fields: string[] = [];
  private line = 1;
  private rowLine = 1;
  private quoteLine = 1;
  private lastCR = false;
  private skipLF = false;
  private rowQuoted = false;
  private rowChars = 0;
  private overflow = false;
  private error: string | undefined;

  constructor(
    delimiter: string,
    private readonly onRow: (row: CsvRow) => void,
    private readonly limits: CsvLimits = DEFAULT_LIMITS,
  ) {
    if (delimiter.length !== 1) throw new Error('delimiter must be one character');
    this.delim = delimiter.charCodeAt(0);
  }

  write(text: string): void {
    const d = this.delim;
    const n = text.length;
    let i = 0;
    let start = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      switch (this.state) {
        case START:
          if (this.skipLF) {
            this.skipLF = false;
            if (c === LF) {
              i++;
              start = i;
              continue;
            }
          }
          if (c === QUOTE) {
            this.state = QUOTED;
            this.rowQuoted = true;
            this.quoteLine = this.line;
            this.lastCR = false;
            i++;
            start = i;
            continue;
          }
          this.state = UNQUOTED;
          start = i;
          continue;
        case UNQUOTED:
          // Fast scan to the end of an unquoted field.
          while (i < n) {
            const u = text.charCodeAt(i);
            if (u === d || u === LF || u === CR) break;
            i++;
          }
          if (i >= n) break;
          this.append(text, start, i);
          this.endField();
          this.afterSeparator(text.charCodeAt(i));
          i++;
          start = i;
          continue;
        case QUOTED:
          if (c === QUOTE) {
            this.append(text, start, i);
            this.state = QUOTE_SEEN;
            this.lastCR = false;
            i++;
            start = i;
            continue;
          }
          if (c === CR) this.line++;
          else if (c === LF && !this.lastCR) this.line++;
          this.lastCR = c === CR;
          i++;
          continue;
        case QUOTE_SEEN:
          if (c === QUOTE) {
            // "" inside a quoted field is one quote.
            this.appendText('"');
            this.state = QUOTED;
            i++;
            start = i;
            continue;
          }
          if (c === d || c === LF || c === CR) {
            this.endField();
            this.afterSeparator(c);
            i++;
            start = i;
            continue;
          }
          // Lenient: text after a closing quote ("ab"cd) is kept as part of the field.
          this.state = UNQUOTED;
          start = i;
          continue;
      }
    }
    if (this.state === UNQUOTED || this.state === QUOTED) this.append(text, start, n);
  }

  end(): void {
    if (this.state === QUOTED) {
      this.error = `unclosed quote: the quoted field opened on line ${this.quoteLine} never ends`;
      this.endField();
      this.emit();
    } else if (this.state !== START || this.fields.length > 0) {
      this.endField();
      this.emit();
    }
    this.state = START;
  }

  /** Called after a delimiter or newline ended a field (outside quotes). */
  private afterSeparator(c: number): void {
    if (c === this.delim) {
      this.state = START;
      return;
    }
    this.emit();
    this.line++;
    this.rowLine = this.line;
    this.skipLF = c === CR;
    this.state = START;
  }

  private append(text: string, from: number, to: number): void {
    if (to > from) this.appendText(text.slice(from, to));
  }

  private appendText(part: string): void {
    if (this.overflow) return;
    this.rowChars += part.length;
    if (this.field.length + part.length > this.limits.maxFieldChars) {
      this.overflow = true;
      this.error ??= `field ${this.fields.length + 1} is longer than ${this.limits.maxFieldChars} characters`;
      this.field = '';
      return;
    }
    if (this.rowChars > this.limits.maxRowChars) {
      this.overflow = true;
      this.error ??= `row is longer than ${this.limits.maxRowChars} characters`;
      this.field = '';
      return;
    }
    this.field = this.field.length === 0 ? part : this.field + part;
  }

  private endField(): void {
    if (this.fields.length >= this.limits.maxFields) {
      this.error ??= `row has more than ${this.limits.maxFields} fields`;
    } else {
      this.fields.push(this.field);
    }
    this.field = '';
    this.overflow = false;
  }

  private emit(): void {
    const fields = this.fields;
    const empty = fields.length === 1 && fields[0] === '' && !this.rowQuoted && this.error === undefined;
    if (!empty) this.onRow(this.error === undefined ? { line: this.rowLine, fields } : { line: this.rowLine, fields, error: this.error });
    this.fields = [];
    this.field = '';
    this.error = undefined;
    this.rowQuoted = false;
    this.rowChars = 0;
    this.overflow = false;
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
