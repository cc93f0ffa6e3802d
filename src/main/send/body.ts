/**
 * Request bodies as bytes written straight from the events' JSON texts: `head`, the items joined by
 * commas, `tail`. Joining them into one string first made a ~0.5–1.5 MB string per request that
 * fetch then encoded into a second copy: both large objects that only a full collection frees, which
 * drove the send threads' memory. One buffer, written once, is freed by the next young collection.
 */
export function jsonListBody(head: string, items: readonly string[], tail: string): Uint8Array<ArrayBuffer> {
  let units = head.length + tail.length + items.length;
  for (const item of items) units += item.length;
  // UTF-8 takes at most 3 bytes per UTF-16 unit; the pages never written stay unallocated.
  const buffer = Buffer.allocUnsafeSlow(units * 3);
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
