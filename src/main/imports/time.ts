/**
 * Event-time parsing for imports. Accepts what CRMs and Google's templates write:
 *   2026-03-01 14:30:00[+0100|-05:00|Z], 2026-03-01T14:30, 2026-03-01 (midnight),
 *   03/01/2026 2:30 PM (US, month first), 01.03.2026 14:30 (European, day first),
 *   Unix seconds (10 digits, Meta's event_time) or milliseconds (13 digits).
 * A time without an offset is read in the import's time zone (IANA or fixed offset); without one it
 * is an error, because a guessed zone silently shifts every conversion.
 */
import { timeZoneProblem } from '../../shared/domain/imports';

export class TimeParseError extends Error {}

const MIN_MS = Date.UTC(1970, 0, 1);
const MAX_MS = Date.UTC(2101, 0, 1);

/** The documented range, checked on the UTC instant (a local year could pass 31 Dec 2100 23:30 −05:00). */
function inRange(utcMs: number): string {
  if (!(utcMs >= MIN_MS && utcMs < MAX_MS)) throw new TimeParseError('is outside 1970–2100');
  return isoUtc(utcMs);
}

const two = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

/**
 * `new Date(utcMs).toISOString()` for instants from 1970 to 2100 (four-digit years), without a Date:
 * it runs once per imported row on the mapper thread, where the Date and its formatting took ~1.7 µs
 * a row (200k-row profile: 337 ms). Days to a civil date by Howard Hinnant's days_from_civil inverse;
 * fractions of a millisecond are cut as Date does (TimeClip). Equal to toISOString on that range (test).
 */
export function isoUtc(utcMs: number): string {
  const t = Math.trunc(utcMs);
  const days = Math.floor(t / 86_400_000);
  let rest = t - days * 86_400_000;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const hour = Math.floor(rest / 3_600_000);
  rest -= hour * 3_600_000;
  const minute = Math.floor(rest / 60_000);
  rest -= minute * 60_000;
  const second = Math.floor(rest / 1000);
  const ms = rest - second * 1000;
  return `${year}-${two(month)}-${two(day)}T${two(hour)}:${two(minute)}:${two(second)}.${ms < 10 ? `00${ms}` : ms < 100 ? `0${ms}` : ms}Z`;
}

const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?$/i;
const SLASH = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?$/;
const DOTS = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?$/i;
const EPOCH = /^\d{10}(\d{3})?$/;

export function parseOffset(text: string): number | null {
  if (/^(Z|UTC|GMT)$/i.test(text)) return 0;
  const match = /^([+-])(\d{2}):?(\d{2})$/.exec(text);
  if (!match) return null;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  if (minutes > 14 * 60) return null;
  return match[1] === '-' ? -minutes : minutes;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Offset in minutes of an IANA zone at a UTC instant. */
function zoneOffset(zone: string, utcMs: number): number {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(zone, formatter);
  }
  const parts: Record<string, number> = {};
  for (const part of formatter.formatToParts(new Date(utcMs))) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return Math.round((asUtc - utcMs) / 60000);
}

/** True when the zone is usable (IANA known to ICU, or a fixed offset); abbreviations such as EST are not. */
export function isValidTimeZone(zone: string): boolean {
  if (parseOffset(zone) !== null) return true;
  if (timeZoneProblem(zone) !== null) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Converts local wall-clock time in `zone` to UTC ms, caching the offset per zone and local hour. */
export class ZoneClock {
  private readonly fixed: number | null;
  private readonly cache = new Map<number, number>();
  constructor(readonly zone: string) {
    this.fixed = parseOffset(zone);
    if (this.fixed === null && !isValidTimeZone(zone)) throw new TimeParseError(`unknown time zone "${zone}"`);
  }
  toUtc(localAsUtcMs: number): number {
    if (this.fixed !== null) return localAsUtcMs - this.fixed * 60000;
    const hourKey = Math.floor(localAsUtcMs / 3600000);
    let offset = this.cache.get(hourKey);
    if (offset === undefined) {
      const first = zoneOffset(this.zone, localAsUtcMs);
      const second = zoneOffset(this.zone, localAsUtcMs - first * 60000);
      offset = second;
      if (this.cache.size > 100000) this.cache.clear();
      this.cache.set(hourKey, offset);
    }
    return localAsUtcMs - offset * 60000;
  }

  private readonly regular = new Map<number, boolean>();

  /**
   * True when every wall time of this local hour was read (toUtc) at one offset that the zone also
   * has at the resulting instants: no DST change in or around the hour, so wallTimeText() of the
   * instant gives the wall time back. False in a DST gap or overlap hour (the text is then kept).
   */
  regularHour(localAsUtcMs: number): boolean {
    if (this.fixed !== null) return true;
    const hourKey = Math.floor(localAsUtcMs / 3600000);
    let regular = this.regular.get(hourKey);
    if (regular === undefined) {
      const start = hourKey * 3600000;
      const offsetMs = start - this.toUtc(start);
      regular = zoneOffset(this.zone, start - offsetMs) * 60000 === offsetMs && zoneOffset(this.zone, start + 3599999 - offsetMs) * 60000 === offsetMs;
      if (this.regular.size > 100000) this.regular.clear();
      this.regular.set(hourKey, regular);
    }
    return regular;
  }
}

/** A plain wall time as files write it (2026-03-01 14:30:00): the only text an import may leave re-derivable. */
const WALL_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:[0-5]\d$/;

/**
 * The time cell's text to store beside the instant (migration 0019): null when `wallTimeText(instant,
 * zone)` gives it back exactly — a plain wall time read in the import's zone in a regular hour —
 * else the cell verbatim (offsets, other layouts, spaces, DST gaps and overlaps, no zone).
 */
export function sourceTimeText(cell: string, read: ReadTime, clock: ZoneClock | null): string | null {
  if (clock === null || read.local === null || !WALL_TIME.test(cell)) return cell;
  return clock.regularHour(read.local) ? null : cell;
}

/** The instant `iso` as a wall time in `zone` (IANA or fixed offset), in the layout WALL_TIME reads. */
export function wallTimeText(iso: string, zone: string): string {
  const utc = Date.parse(iso);
  const fixed = parseOffset(zone);
  const local = utc + (fixed ?? zoneOffset(zone, utc)) * 60000;
  const text = new Date(local).toISOString();
  return `${text.slice(0, 10)} ${text.slice(11, 19)}`;
}

/** Whether a time text names its own instant (an offset, Z/UTC/GMT, or Unix seconds / milliseconds), so no zone was needed to read it. */
export function hasOwnOffset(text: string): boolean {
  const value = text.trim();
  return EPOCH.test(value) || /(?:Z|UTC|GMT|[+-]\d{2}:?\d{2})$/i.test(value);
}

/** What parseEventTime read, for sourceTimeText: the wall time (as UTC ms) when the cell had no offset of its own. */
export interface ReadTime {
  local: number | null;
}

/** Parses one cell into an ISO-8601 UTC string. `clock` is null when no time zone is known. */
export function parseEventTime(text: string, clock: ZoneClock | null, read?: ReadTime): string {
  if (read) read.local = null;
  const value = text.trim();
  if (!value) throw new TimeParseError('is empty');
  if (EPOCH.test(value)) {
    return inRange(value.length === 10 ? Number(value) * 1000 : Number(value));
  }
  let y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0;
  let offsetText: string | undefined;
  let match = ISO.exec(value);
  if (match) {
    [y, mo, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
    if (match[4] !== undefined) [h, mi, s] = [Number(match[4]), Number(match[5]), Number(match[6] ?? 0)];
    if (match[7]) ms = Number(match[7].slice(0, 3).padEnd(3, '0'));
    offsetText = match[8];
  } else if ((match = SLASH.exec(value))) {
    // US order (month first) unless the first number cannot be a month.
    const a = Number(match[1]);
    const b = Number(match[2]);
    [mo, d] = a > 12 ? [b, a] : [a, b];
    y = Number(match[3]);
    if (match[4] !== undefined) [h, mi, s] = [Number(match[4]), Number(match[5]), Number(match[6] ?? 0)];
    const ampm = match[7]?.toLowerCase();
    if (ampm) {
      if (h < 1 || h > 12) throw new TimeParseError(`has hour ${h} with ${ampm.toUpperCase()}`);
      h = (h % 12) + (ampm === 'pm' ? 12 : 0);
    }
    offsetText = match[8];
  } else if ((match = DOTS.exec(value))) {
    [d, mo, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
    if (match[4] !== undefined) [h, mi, s] = [Number(match[4]), Number(match[5]), Number(match[6] ?? 0)];
    offsetText = match[7];
  } else {
    throw new TimeParseError('is not a date-time (expected e.g. 2026-03-01 14:30:00 or 2026-03-01T14:30:00+01:00)');
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) throw new TimeParseError('is not a real date-time');
  const local = Date.UTC(y, mo - 1, d, h, mi, Math.min(s, 59), ms);
  const check = new Date(local);
  if (check.getUTCDate() !== d || check.getUTCMonth() !== mo - 1) throw new TimeParseError('is not a real date (day out of range)');
  let utc: number;
  if (offsetText !== undefined) {
    const offset = parseOffset(offsetText);
    if (offset === null) throw new TimeParseError(`has an invalid offset "${offsetText}"`);
    utc = local - offset * 60000;
  } else {
    if (!clock) throw new TimeParseError('has no time zone offset and no time zone is set for this import (choose one, e.g. Europe/Paris)');
    utc = clock.toUtc(local);
    if (read) read.local = local;
  }
  return inRange(utc);
}
