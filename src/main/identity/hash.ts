import { createHash } from 'node:crypto';
import * as nodeCrypto from 'node:crypto';

type OneShotHash = (algorithm: string, data: string, encoding: 'hex') => string;
// crypto.hash (Node ≥ 20.12) is ~3× faster than createHash for short strings; fall back where absent.
const oneShot = (nodeCrypto as unknown as { hash?: OneShotHash }).hash;

/** SHA-256 of the UTF-8 bytes, lowercase hex. */
export function sha256Hex(value: string): string {
  return oneShot ? oneShot('sha256', value, 'hex') : createHash('sha256').update(value, 'utf8').digest('hex');
}

/** 64 hex characters: a SHA-256 digest (any case). */
export const isSha256Hex = (value: string): boolean => value.length === 64 && /^[0-9a-fA-F]{64}$/.test(value);
/** 32 hex characters: looks like an MD5 digest (any case). */
export const isMd5Hex = (value: string): boolean => value.length === 32 && /^[0-9a-fA-F]{32}$/.test(value);
/** Kept for callers of the first API. */
export const isPrehashed = isSha256Hex;
