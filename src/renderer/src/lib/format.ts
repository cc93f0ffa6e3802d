const numberFormat = new Intl.NumberFormat();

export const formatCount = (n: number): string => numberFormat.format(n);

export function formatDateTime(iso: string | null): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, { year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit' });
}

export function formatMoney(value: string | null, currency: string): string {
  if (value === null) return '—';
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency, maximumFractionDigits: 6 }).format(Number(value));
  } catch {
    return `${value} ${currency}`;
  }
}

export const shortHash = (hash: string | null): string => (hash ? `${hash.slice(0, 8)}…` : '—');
