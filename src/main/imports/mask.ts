import type { ImportTarget } from '../../shared/domain/imports';

const EMAIL_LIKE = /^[^\s@]+@[^\s@]+$/;
const PHONE_LIKE = /^[+(]?[\d\s().\-/]{6,}$/;
const HASH_LIKE = /^[0-9a-fA-F]{64}$/;

/** Masks a value for display: personal data never leaves main unmasked (j***@gmail.com). */
export function maskValue(target: ImportTarget, raw: string): string {
  const value = raw.trim();
  if (!value) return '';
  if (HASH_LIKE.test(value)) return `${value.slice(0, 8)}…`;
  switch (target) {
    case 'email':
      return maskEmail(value);
    case 'phone':
      return maskPhone(value);
    case 'first_name':
    case 'last_name':
      return maskName(value);
    case 'user_ip':
      return value.includes(':') ? `${value.split(':')[0]}:…` : value.replace(/\.\d+\.\d+$/, '.*.*');
    default:
      break;
  }
  // Any other column: mask what looks personal, shorten the rest.
  if (EMAIL_LIKE.test(value)) return maskEmail(value);
  if (target !== 'value' && target !== 'event_time' && target !== 'transaction_id' && target !== 'event_id' && PHONE_LIKE.test(value)) {
    return maskPhone(value);
  }
  if (target === 'ignore' || target === 'custom') return value.length > 40 ? `${value.slice(0, 39)}…` : value;
  return value.length > 80 ? `${value.slice(0, 79)}…` : value;
}

function maskEmail(value: string): string {
  const at = value.lastIndexOf('@');
  if (at <= 0) return maskName(value);
  return `${Array.from(value)[0]}***${value.slice(at)}`;
}

function maskPhone(value: string): string {
  const digits = value.replace(/\D/g, '');
  if (digits.length < 4) return '***';
  return `${value.startsWith('+') ? '+' : ''}***${digits.slice(-2)}`;
}

function maskName(value: string): string {
  const first = Array.from(value)[0] ?? '';
  return `${first}***`;
}
