/**
 * A platform's per-row results file for an uploaded batch (issue 15 item 7): the rows the platform
 * refused, each with its message, matched to the batch's events so "Mark failed" marks exactly those
 * events failed on that destination's delivery.
 *
 * Shapes read (UNCONFIRMED against a real download — no such file is in test/fixtures/real-world or the
 * research notes; DESIGN.md §7 style): the uploaded file's own columns as the platform shows them plus
 * an error column. Google Ads (Uploads → results): "Google Click ID" / "Email" / "Phone Number",
 * "Conversion Name", "Conversion Time", "Order ID" … and "Errors" (also "Error", "Error message",
 * "Result", "Status"), an optional `Parameters:TimeZone=` first line. Meta: event_id, event_time (Unix
 * seconds), order_id … and "error" / "error_message" / "message" / "error_user_msg". A row whose error
 * cell is empty (or says success / accepted / ok) was accepted.
 * Rows are matched, in order, by Meta event id, order id, click id (with the conversion time when the
 * same click id is in the batch twice), then by conversion time (with the conversion name).
 */
import Papa from 'papaparse';
import { AppError } from '../../shared/ipc/result';
import { parseStoredUtc, ZoneClock } from './zone-time';

export interface BatchEventForMatch {
  id: string;
  event_id: string;
  transaction_id: string | null;
  gclid: string | null;
  gbraid: string | null;
  wbraid: string | null;
  event_time: string;
  conversion_name: string | null;
  event_name: string;
}

export interface ResultsFailure {
  /** conversion_events.id */
  eventId: string;
  /** The line in the results file (1-based, the Parameters line and the header counted). */
  line: number;
  message: string;
}

export interface ResultsMatch {
  failures: ResultsFailure[];
  /** Rows with an error that match no event of the batch (or several). */
  unmatched: { line: number; message: string; why: string }[];
  /** Rows the platform accepted (no error). */
  accepted: number;
}

const ERROR_HEADERS = ['errors', 'error', 'error message', 'error_message', 'error_user_msg', 'message', 'result', 'status', 'issue', 'issues'];
const OK_WORDS = /^(|ok|success|successful|accepted|imported|processed|uploaded|no errors?)$/i;
const norm = (header: string) => header.trim().toLowerCase().replace(/^\uFEFF/, '');

function column(headers: string[], ...names: string[]): number {
  for (const name of names) {
    const at = headers.indexOf(name);
    if (at >= 0) return at;
  }
  return -1;
}

/** Reads the file and matches its refused rows to the batch's events. Pure: the caller writes the failures. */
export function matchResultsFile(text: string, events: readonly BatchEventForMatch[], timeZone: string): ResultsMatch {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let skipped = 0;
  let zone = timeZone;
  const parameters = /^Parameters:TimeZone=([^,;]+)/i.exec(lines[0] ?? '');
  if (parameters) {
    skipped = 1;
    if (!/^[+-]\d{4}$/.test(parameters[1]!.trim())) zone = parameters[1]!.trim();
  }
  const parsed = Papa.parse<string[]>(lines.slice(skipped).join('\n'), { skipEmptyLines: 'greedy' });
  const [header, ...rows] = parsed.data;
  if (!header) throw new AppError('validation', 'The results file is empty');
  const headers = header.map(norm);
  const errorAt = column(headers, ...ERROR_HEADERS);
  if (errorAt < 0) {
    throw new AppError('validation', `The results file has no error column (looked for ${ERROR_HEADERS.map((h) => `"${h}"`).join(', ')}); its columns are ${header.slice(0, 12).join(', ')}`);
  }
  const at = {
    eventId: column(headers, 'event_id', 'event id'),
    order: column(headers, 'order id', 'order_id', 'transaction id', 'transaction_id'),
    click: column(headers, 'google click id', 'gclid', 'click id'),
    time: column(headers, 'conversion time', 'event_time', 'event time'),
    name: column(headers, 'conversion name', 'event_name', 'event name'),
  };
  if (at.eventId < 0 && at.order < 0 && at.click < 0 && at.time < 0) {
    throw new AppError('validation', 'The results file has no column to match rows by (Order ID, Google Click ID, Conversion Time, event_id)');
  }

  const clock = new ZoneClock(zone);
  const byEventId = new Map<string, BatchEventForMatch[]>();
  const byOrder = new Map<string, BatchEventForMatch[]>();
  const byClick = new Map<string, BatchEventForMatch[]>();
  const byTime = new Map<string, BatchEventForMatch[]>();
  const add = (map: Map<string, BatchEventForMatch[]>, key: string | null, event: BatchEventForMatch) => {
    if (key) map.set(key, [...(map.get(key) ?? []), event]);
  };
  const timeKeys = (event: BatchEventForMatch) => {
    const ms = parseStoredUtc(event.event_time);
    // The Google file's wall time (with or without its offset), Meta's Unix seconds, the stored UTC text.
    return [clock.wallTime(ms), clock.wallTime(ms, true), String(Math.floor(ms / 1000)), event.event_time];
  };
  for (const event of events) {
    add(byEventId, event.event_id, event);
    add(byOrder, event.transaction_id, event);
    for (const click of [event.gclid, event.gbraid, event.wbraid]) add(byClick, click, event);
    for (const key of new Set(timeKeys(event))) add(byTime, key, event);
  }

  const result: ResultsMatch = { failures: [], unmatched: [], accepted: 0 };
  const taken = new Set<string>();
  rows.forEach((row, index) => {
    const line = skipped + 2 + index;
    const message = (row[errorAt] ?? '').trim();
    if (OK_WORDS.test(message)) {
      result.accepted++;
      return;
    }
    const cell = (i: number) => (i >= 0 ? (row[i] ?? '').trim() : '');
    const time = cell(at.time);
    const name = cell(at.name);
    const narrow = (candidates: BatchEventForMatch[] | undefined): BatchEventForMatch[] => {
      if (!candidates || candidates.length <= 1 || !time) return candidates ?? [];
      const sameTime = candidates.filter((e) => timeKeys(e).includes(time));
      return sameTime.length ? sameTime : candidates;
    };
    let found: BatchEventForMatch[] = [];
    let how = '';
    if (cell(at.eventId)) (found = byEventId.get(cell(at.eventId)) ?? []), (how = 'event id');
    if (!found.length && cell(at.order)) (found = narrow(byOrder.get(cell(at.order)))), (how = 'order id');
    if (!found.length && cell(at.click)) (found = narrow(byClick.get(cell(at.click)))), (how = 'click id');
    if (!found.length && time) {
      found = byTime.get(time) ?? [];
      if (found.length > 1 && name) found = found.filter((e) => (e.conversion_name ?? e.event_name) === name || e.event_name === name);
      how = 'conversion time';
    }
    if (found.length === 1 && !taken.has(found[0]!.id)) {
      taken.add(found[0]!.id);
      result.failures.push({ eventId: found[0]!.id, line, message });
    } else {
      const why =
        found.length > 1 ? `${found.length} events of the batch have this ${how}` : found.length ? 'an earlier row of the file already named this event' : 'no event of the batch has its event id, order id, click id or time';
      result.unmatched.push({ line, message, why });
    }
  });
  return result;
}
