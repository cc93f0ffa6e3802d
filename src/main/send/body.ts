/**
 * Request bodies as bytes written straight from the events' JSON texts: `head`, the items joined by
 * commas, `tail`. Joining them into one string first made a ~0.5–1.5 MB string per request that
 * fetch then encoded into a second copy: both large objects that only a full collection frees, which
 * drove the send threads' memory. One buffer, written once, is freed by the next young collection.
 *
 * The buffer is exactly the body's size. V8 counts every ArrayBuffer's full size as external memory and
 * runs a full mark-compact whenever that grows past its limit: allocated at the UTF-8 worst case (3
 * bytes per UTF-16 unit, ~1.5 MB for a 1,000-event Meta request) the bodies drove 28 mark-compacts of
 * the sending thread in a 200k send (--trace-gc); at their exact size, 8.
 */
export function jsonListBody(head: string, items: readonly string[], tail: string): Uint8Array<ArrayBuffer> {
  let bytes = Buffer.byteLength(head) + Buffer.byteLength(tail) + Math.max(0, items.length - 1);
  for (const item of items) bytes += Buffer.byteLength(item);
  const buffer = Buffer.allocUnsafeSlow(bytes);
  let at = buffer.write(head, 0);
  for (let i = 0; i < items.length; i++) {
    if (i > 0) buffer[at++] = 0x2c; // ','
    at += buffer.write(items[i]!, at);
  }
  at += buffer.write(tail, at);
  return buffer.subarray(0, at);
}

/** Strings JSON.stringify writes unchanged between quotes: no quote, backslash, control character or surrogate (UTF-16 units). */
const PLAIN_JSON_STRING = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

/**
 * A value as JSON.stringify writes it (undefined where JSON.stringify gives undefined: an object
 * leaves that key out). Hex hashes and ids, the usual strings, are quoted without JSON.stringify's
 * per-call set-up (about twice as fast); anything else goes through JSON.stringify itself.
 */
export function jsonText(value: unknown): string | undefined {
  return typeof value === 'string' && PLAIN_JSON_STRING.test(value) ? `"${value}"` : JSON.stringify(value);
}
