import { randomBytes } from 'node:crypto';

let lastMillis = 0;
let sequence = 0;

/**
 * RFC 9562 UUIDv7: 48-bit Unix milliseconds, then random bits; monotonic within a process (a 12-bit
 * counter in rand_a), so inserts land at the end of the primary-key B-tree.
 */
export function uuidv7(now: number = Date.now()): string {
  if (now <= lastMillis) {
    sequence++;
    if (sequence > 0xfff) {
      lastMillis++;
      sequence = 0;
    }
    now = lastMillis;
  } else {
    lastMillis = now;
    sequence = 0;
  }
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Short random token for event ids and undo records (crypto, never Math.random). */
export function randomToken(bytes = 8): string {
  return randomBytes(bytes).toString('hex');
}
