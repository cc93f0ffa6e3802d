import { useEffect, useState } from 'react';
import { call } from './api';

/**
 * The zone times are shown in (issue 15 item 8): the account's (Settings → time zone, the zone the
 * Google files are written in) by default, or this computer's. The choice is kept in localStorage;
 * every screen that shows times reads it here and names the zone next to them.
 */
export type ZoneChoice = 'account' | 'computer';

const STORAGE_KEY = 'display.timeZone';
export const computerZone: string = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

let accountZone: string | null = null;
let choice: ZoneChoice = readChoice();
const listeners = new Set<() => void>();

function readChoice(): ZoneChoice {
  try {
    return localStorage.getItem(STORAGE_KEY) === '"computer"' ? 'computer' : 'account';
  } catch {
    return 'account';
  }
}

function notify(): void {
  for (const listener of listeners) listener();
}

/** The zone times are shown in now (the computer's until the account zone is known). */
export function displayZone(): string {
  return choice === 'computer' || !accountZone ? computerZone : accountZone;
}

export function setZoneChoice(next: ZoneChoice): void {
  choice = next;
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
  } catch {
    /* unavailable storage: keep it for this session */
  }
  notify();
}

/** Re-reads the account zone (Settings may have changed it). */
export function refreshAccountZone(): void {
  call('settings:get', {}).then(
    (settings) => {
      if (settings.timeZone !== accountZone) {
        accountZone = settings.timeZone;
        notify();
      }
    },
    () => undefined,
  );
}

export interface DisplayZone {
  /** IANA name of the zone shown. */
  zone: string;
  choice: ZoneChoice;
  accountZone: string | null;
  setChoice(next: ZoneChoice): void;
}

/** The display zone, re-rendering when it changes. */
export function useDisplayZone(): DisplayZone {
  const [, setTick] = useState(0);
  useEffect(() => {
    const listener = () => setTick((n) => n + 1);
    listeners.add(listener);
    refreshAccountZone();
    return () => void listeners.delete(listener);
  }, []);
  return { zone: displayZone(), choice, accountZone, setChoice: setZoneChoice };
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterOf(zone: string, seconds: boolean): Intl.DateTimeFormat {
  const key = `${zone}|${seconds}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      ...(seconds ? { second: '2-digit' } : {}),
      hourCycle: 'h23',
    });
    formatters.set(key, formatter);
  }
  return formatter;
}

/** `2026-10-30 11:42` (or with seconds) in the zone; '—' for no time, the text itself when it is not a time. */
export function formatInZone(iso: string | null | undefined, zone: string = displayZone(), seconds = false): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const parts = Object.fromEntries(formatterOf(zone, seconds).formatToParts(date).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}${seconds ? `:${parts.second}` : ''}`;
}

/** The zone's offset at that instant, as `UTC+02:00`. */
export function zoneOffset(iso: string, zone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const name = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' }).formatToParts(date).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  return name === 'GMT' ? 'UTC' : name.replace('GMT', 'UTC');
}
