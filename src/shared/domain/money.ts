/**
 * Money is exact: values travel as decimal strings ("12.30") and are stored as integer micros
 * (1 unit = 1,000,000 micros), the unit Google Ads uses. Never a float in storage.
 */
export const MICROS_PER_UNIT = 1_000_000n;
const DECIMAL_PATTERN = /^(\d+)(?:\.(\d{1,6}))?$/;

export class MoneyFormatError extends Error {}

/** "12.30" → 12_300_000. Refuses negatives, exponents and more than 6 decimals. */
export function decimalToMicros(text: string): number {
  const match = DECIMAL_PATTERN.exec(text.trim());
  if (!match) throw new MoneyFormatError(`"${text}" is not a non-negative decimal with at most 6 decimals`);
  const units = BigInt(match[1]!);
  const fraction = BigInt((match[2] ?? '').padEnd(6, '0'));
  const micros = units * MICROS_PER_UNIT + fraction;
  if (micros > BigInt(Number.MAX_SAFE_INTEGER)) throw new MoneyFormatError(`"${text}" is too large`);
  return Number(micros);
}

/** 12_300_000 → "12.3"; 12_000_000 → "12". Minimal exact decimal. */
export function microsToDecimal(micros: number): string {
  const sign = micros < 0 ? '-' : '';
  const abs = BigInt(Math.abs(micros));
  const units = abs / MICROS_PER_UNIT;
  const fraction = (abs % MICROS_PER_UNIT).toString().padStart(6, '0').replace(/0+$/, '');
  return fraction ? `${sign}${units}.${fraction}` : `${sign}${units}`;
}

/** ISO 4217 minor units for the currencies whose exponent is not 2. */
const MINOR_UNITS: Record<string, number> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0,
  VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};
export function currencyMinorUnits(currency: string): number {
  return MINOR_UNITS[currency] ?? 2;
}

/** Formats micros with exactly the currency's minor units (rounding half up), e.g. JPY 1234, USD 12.30, KWD 1.250. */
export function formatMicrosForCurrency(micros: number, currency: string): string {
  const digits = currencyMinorUnits(currency);
  const step = 10n ** BigInt(6 - digits);
  let abs = BigInt(Math.abs(micros));
  abs = ((abs + step / 2n) / step) * step;
  const units = abs / MICROS_PER_UNIT;
  const sign = micros < 0 ? '-' : '';
  if (digits === 0) return `${sign}${units}`;
  const fraction = (abs % MICROS_PER_UNIT).toString().padStart(6, '0').slice(0, digits);
  return `${sign}${units}.${fraction}`;
}
