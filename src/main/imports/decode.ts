import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import type { ImportEncoding } from '../../shared/domain/imports';
import { AppError } from '../../shared/ipc/result';

/** Thrown mid-stream when bytes assumed to be UTF-8 turn out not to be; the pipeline restarts as Windows-1252. */
export class EncodingMismatch extends Error {
  constructor(readonly byteOffset: number) {
    super(`The file is not valid UTF-8 (first bad byte near offset ${byteOffset})`);
  }
}

export interface DetectedEncoding {
  encoding: ImportEncoding;
  bomLength: number;
}

const MAGIC: [number[], string][] = [
  [[0x50, 0x4b, 0x03, 0x04], 'a ZIP archive or an Excel .xlsx workbook (open it and save as CSV)'],
  [[0xd0, 0xcf, 0x11, 0xe0], 'an old Excel .xls workbook (open it and save as CSV)'],
  [[0x25, 0x50, 0x44, 0x46], 'a PDF document'],
  [[0x89, 0x50, 0x4e, 0x47], 'a PNG image'],
  [[0xff, 0xd8, 0xff], 'a JPEG image'],
  [[0x47, 0x49, 0x46, 0x38], 'a GIF image'],
  [[0x7f, 0x45, 0x4c, 0x46], 'a program (ELF binary)'],
  [[0x1f, 0x8b], 'a gzip archive'],
  [[0x53, 0x51, 0x4c, 0x69, 0x74, 0x65], 'an SQLite database'],
];

function startsWith(head: Uint8Array, bytes: number[]): boolean {
  return head.length >= bytes.length && bytes.every((b, i) => head[i] === b);
}

/**
 * Picks the encoding from the first bytes: a BOM decides; otherwise UTF-8 when the sample is valid
 * UTF-8 (an incomplete sequence cut at the sample's end is allowed), else Windows-1252.
 * Refuses binary files with a message saying what the file seems to be.
 */
export function detectEncoding(head: Uint8Array, fileName = 'The file'): DetectedEncoding {
  if (startsWith(head, [0xef, 0xbb, 0xbf])) return { encoding: 'utf-8', bomLength: 3 };
  if (startsWith(head, [0xff, 0xfe])) return { encoding: 'utf-16le', bomLength: 2 };
  if (startsWith(head, [0xfe, 0xff])) return { encoding: 'utf-16be', bomLength: 2 };
  for (const [bytes, what] of MAGIC) {
    if (startsWith(head, bytes)) throw new AppError('validation', `${fileName} is ${what}, not a CSV text file`);
  }
  let control = 0;
  for (const byte of head) if (byte < 0x09 || (byte > 0x0d && byte < 0x20 && byte !== 0x1b)) control++;
  if (head.length > 0 && control / head.length > 0.1) {
    throw new AppError('validation', `${fileName} looks like a binary file (${Math.round((control / head.length) * 100)}% control bytes), not CSV text`);
  }
  return { encoding: isUtf8Prefix(head) ? 'utf-8' : 'windows-1252', bomLength: 0 };
}

/** Valid UTF-8, allowing an incomplete multi-byte sequence at the very end (the sample was cut). */
function isUtf8Prefix(bytes: Uint8Array): boolean {
  let end = bytes.length;
  // Step back over at most 3 trailing continuation/lead bytes of a possibly cut sequence.
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const byte = bytes[end - back]!;
    if ((byte & 0xc0) === 0x80) continue;
    if (byte >= 0xc0) {
      const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
      if (need > back) end -= back;
    }
    break;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, end));
    return true;
  } catch {
    return false;
  }
}

/** A streaming decoder: multi-byte characters split across chunks are kept intact. */
export interface StreamDecoder {
  write(chunk: Uint8Array): string;
  end(): string;
  /** How many bytes could not be decoded so far (escaped; see `invalid: 'escape'`). */
  readonly invalidBytes: number;
}

export interface DecoderOptions {
  /**
   * What a byte that is not valid in the encoding does (UTF-8 only; the others decode every byte):
   * 'throw' (default) throws EncodingMismatch; 'escape' decodes it to one lone surrogate U+DC80–U+DCFF
   * (Python's "surrogateescape"). Valid UTF-8 never decodes to a lone surrogate, so each one marks
   * exactly one undecodable byte: the caller can refuse the row that holds it (`hasUndecodable`),
   * the rest of the file keeps its encoding, and line numbers stay right.
   */
  invalid?: 'throw' | 'escape';
}

/** True when the text holds a byte the decoder could not decode (see DecoderOptions.invalid). */
export function hasUndecodable(text: string): boolean {
  // With the u flag a surrogate range matches only surrogates that are not half of a pair.
  return UNDECODABLE.test(text);
}
const UNDECODABLE = /[\uDC80-\uDCFF]/u;

export function createDecoder(encoding: ImportEncoding, options: DecoderOptions = {}): StreamDecoder {
  if (encoding === 'utf-8' && options.invalid === 'escape') return escapingUtf8Decoder();
  if (encoding === 'windows-1252') {
    const decoder = iconv.getDecoder('windows-1252');
    return { write: (chunk) => decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)), end: () => decoder.end() ?? '', invalidBytes: 0 };
  }
  if (encoding === 'utf-16be') return utf16beDecoder();
  // ignoreBOM: the caller already skipped the BOM bytes, and a BOM-looking char later is data.
  const decoder = new TextDecoder(encoding, { fatal: encoding === 'utf-8', ignoreBOM: true });
  let offset = 0;
  return {
    invalidBytes: 0,
    write(chunk) {
      try {
        const text = decoder.decode(chunk, { stream: true });
        offset += chunk.byteLength;
        return text;
      } catch {
        throw new EncodingMismatch(offset);
      }
    },
    end() {
      try {
        return decoder.decode();
      } catch {
        throw new EncodingMismatch(offset);
      }
    },
  };
}

/** UTF-16BE by swapping byte pairs into a UTF-16LE decoder (keeps an odd byte for the next chunk). */
function utf16beDecoder(): StreamDecoder {
  const inner = new TextDecoder('utf-16le', { ignoreBOM: true });
  let carry: number | null = null;
  return {
    invalidBytes: 0,
    write(chunk) {
      const bytes = carry === null ? chunk : concat(carry, chunk);
      const even = bytes.length - (bytes.length % 2);
      const swapped = new Uint8Array(even);
      for (let i = 0; i < even; i += 2) {
        swapped[i] = bytes[i + 1]!;
        swapped[i + 1] = bytes[i]!;
      }
      carry = even < bytes.length ? bytes[even]! : null;
      return inner.decode(swapped, { stream: true });
    },
    end() {
      carry = null;
      return inner.decode();
    },
  };
}

function concat(first: number, rest: Uint8Array): Uint8Array {
  const out = new Uint8Array(rest.length + 1);
  out[0] = first;
  out.set(rest, 1);
  return out;
}

/**
 * UTF-8 with undecodable bytes escaped (DecoderOptions.invalid = 'escape'). Each chunk is validated
 * natively (node:buffer isUtf8) and decoded by TextDecoder; only a chunk that holds a bad byte is
 * walked byte by byte. An incomplete sequence at a chunk's end waits for the next chunk.
 */
function escapingUtf8Decoder(): StreamDecoder {
  const text = new TextDecoder('utf-8', { ignoreBOM: true });
  let carry: Uint8Array | null = null;
  const state = {
    invalidBytes: 0,
    write(chunk: Uint8Array): string {
      let bytes = carry ? concatBytes(carry, chunk) : chunk;
      carry = null;
      const cut = incompleteTail(bytes);
      if (cut > 0) {
        // A copy: the caller may reuse its read buffer for the next chunk (a Buffer's slice() is a view).
        carry = Uint8Array.prototype.slice.call(bytes, bytes.length - cut);
        bytes = bytes.subarray(0, bytes.length - cut);
      }
      const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      return isUtf8(view) ? view.toString('utf8') : decodeEscaping(bytes);
    },
    end(): string {
      const rest = carry;
      carry = null;
      return rest ? decodeEscaping(rest) : '';
    },
  };
  const decodeEscaping = (bytes: Uint8Array): string => {
    const parts: string[] = [];
    let start = 0;
    let i = 0;
    while (i < bytes.length) {
      if (bytes[i]! < 0x80) {
        i++;
        continue;
      }
      const length = sequenceLength(bytes, i);
      if (length > 0) {
        i += length;
        continue;
      }
      parts.push(text.decode(bytes.subarray(start, i)), String.fromCharCode(0xdc00 + bytes[i]!));
      state.invalidBytes++;
      start = ++i;
    }
    parts.push(text.decode(bytes.subarray(start)));
    return parts.join('');
  };
  return state;
}

/** Bytes at the end that start a multi-byte sequence the chunk does not finish (0 when none). */
function incompleteTail(bytes: Uint8Array): number {
  for (let back = 1; back <= 3 && back <= bytes.length; back++) {
    const byte = bytes[bytes.length - back]!;
    if ((byte & 0xc0) === 0x80) continue;
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

/** Length of the well-formed UTF-8 sequence starting at `i` (Unicode Table 3-7), 0 when there is none. */
function sequenceLength(bytes: Uint8Array, i: number): number {
  const lead = bytes[i]!;
  const at = (k: number) => (i + k < bytes.length ? bytes[i + k]! : -1);
  const cont = (k: number, lo = 0x80, hi = 0xbf) => at(k) >= lo && at(k) <= hi;
  if (lead >= 0xc2 && lead <= 0xdf) return cont(1) ? 2 : 0;
  if (lead === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if ((lead >= 0xe1 && lead <= 0xec) || lead === 0xee || lead === 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (lead === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (lead === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (lead >= 0xf1 && lead <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (lead === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

function concatBytes(first: Uint8Array, rest: Uint8Array): Uint8Array {
  const out = new Uint8Array(first.length + rest.length);
  out.set(first);
  out.set(rest, first.length);
  return out;
}
