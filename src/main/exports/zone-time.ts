/**
 * Local wall-clock time of a UTC instant in an IANA zone, formatted `yyyy-MM-dd HH:mm:ss`, fast
 * enough for a million rows: the zone's UTC offset comes from Intl once per 15-minute slot (every
 * DST / offset change in the tz database happens on a quarter hour) and is cached; the digits are
 * then produced from plain arithmetic.
 *
 * In the hour that repeats when clocks go back, one wall time names two instants. Google reads a
 * per-row offset before the file's Parameters:TimeZone (DESIGN.md §7), so those rows carry their
 * offset (`yyyy-MM-dd HH:mm:ss+HHMM`, no colon) and stay exact.
 */
const SLOT_MS = 15 * 60 * 1000;

export class ZoneClock {
  private readonly format: Intl.DateTimeFormat;
  private readonly cache = new Map<number, number>();

  constructor(readonly timeZone: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
  }

  /** UTC offset in minutes (local − UTC) at this instant. */
  offsetMinutes(ms: number): number {
    const slot = Math.floor(ms / SLOT_MS);
    let offset = this.cache.get(slot);
    if (offset === undefined) {
      offset = this.computeOffset(slot * SLOT_MS);
      if (this.cache.size > 200_000) this.cache.clear();
      this.cache.set(slot, offset);
    }
    return offset;
  }

  private computeOffset(ms: number): number {
    const parts: Record<string, number> = {};
    for (const part of this.format.formatToParts(new Date(ms))) if (part.type !== 'literal') parts[part.type] = Number(part.value);
    const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
    return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
  }

  /** True when the wall time of this instant also names another instant (the repeated hour). */
  isAmbiguous(ms: number): boolean {
    const offset = this.offsetMinutes(ms);
    for (const probe of [ms - 3 * 3_600_000, ms + 3 * 3_600_000]) {
      const other = this.offsetMinutes(probe);
      if (other === offset) continue;
      const twin = ms + (offset - other) * 60_000;
      if (twin !== ms && this.offsetMinutes(twin) === other) return true;
    }
    return false;
  }

  /** `yyyy-MM-dd HH:mm:ss` in the zone, plus `±HHMM` when the wall time is ambiguous (or `withOffset`). */
  wallTime(ms: number, withOffset = false): string {
    const offset = this.offsetMinutes(ms);
    const local = formatUtcFields(ms + offset * 60_000);
    return withOffset || this.isAmbiguous(ms) ? local + formatOffset(offset) : local;
  }
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/** `yyyy-MM-dd HH:mm:ss` of the UTC fields of `ms`. */
export function formatUtcFields(ms: number): string {
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  return `${year < 1000 ? String(year).padStart(4, '0') : year}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
}

/** +HHMM / -HHMM (no colon: colon offsets have been reported rejected by Google's file upload). */
export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad2(Math.floor(abs / 60))}${pad2(abs % 60)}`;
}
