/**
 * Which Google Ads conversion action and which Meta event an event goes to, from its own conversion
 * name and its category. Shared by the file exports, the senders and the Settings screen (which shows
 * the automatic choice as a placeholder), so all three always agree.
 *
 * Google: Settings → Conversion names, else the name itself (a Google template's "Conversion Name" is
 * the action's name), except for names that are a plan category ("purchase", events stored before
 * 0011) or a Meta standard event in Meta's spelling ("InitiateCheckout"): those take the category's
 * action (Settings → Destinations).
 * Meta: Settings → Conversion names, else the category's Meta event for a plan category name, else the
 * standard event the name is ("initiate_checkout" → InitiateCheckout), else the category's Meta event.
 */
import { conversionNameOf, metaStandardEventName, META_STANDARD_EVENT_NAMES } from './conversion-names';
import { EVENT_NAMES, type ConversionEventName } from './events';
import type { AppSettings } from './settings';

export type DestinationSource = 'conversion-name' | 'own-name' | 'standard-event' | 'category';

export type Destination =
  | { name: string; source: DestinationSource }
  | { name: null; source: DestinationSource | 'none'; reason: string };

type Settings = Pick<AppSettings, 'destinations' | 'conversionNames'>;

interface EventNames {
  conversion_name?: string | null;
  event_name: ConversionEventName;
}

const CATEGORY_NAMES = new Set<string>(EVENT_NAMES);
const META_SPELLINGS = new Set<string>(META_STANDARD_EVENT_NAMES);

function mappingOf(settings: Settings, name: string) {
  return Object.hasOwn(settings.conversionNames, name) ? settings.conversionNames[name] : undefined;
}

const SETTINGS_HINT = 'Settings → Conversion names';

export function googleActionFor(settings: Settings, event: EventNames): Destination {
  const name = conversionNameOf(event);
  const mapped = mappingOf(settings, name)?.googleConversionName;
  if (mapped !== undefined) {
    return mapped === null
      ? { name: null, source: 'conversion-name', reason: `"${name}" is set not to be sent to Google Ads (${SETTINGS_HINT})` }
      : { name: mapped, source: 'conversion-name' };
  }
  if (!CATEGORY_NAMES.has(name) && !META_SPELLINGS.has(name)) return { name, source: 'own-name' };
  const fallback = settings.destinations[event.event_name]?.googleConversionName ?? null;
  if (fallback) return { name: fallback, source: 'category' };
  return {
    name: null,
    source: 'none',
    reason: `no Google Ads conversion action is mapped for "${name}" (${SETTINGS_HINT}, or the "${event.event_name}" category in Settings → Destinations)`,
  };
}

export function metaEventFor(settings: Settings, event: EventNames): Destination {
  const name = conversionNameOf(event);
  const mapped = mappingOf(settings, name)?.metaEventName;
  if (mapped !== undefined) {
    return mapped === null
      ? { name: null, source: 'conversion-name', reason: `"${name}" is set not to be sent to Meta (${SETTINGS_HINT})` }
      : { name: mapped, source: 'conversion-name' };
  }
  const standard = CATEGORY_NAMES.has(name) ? null : metaStandardEventName(name);
  if (standard) return { name: standard, source: 'standard-event' };
  const fallback = settings.destinations[event.event_name]?.metaEventName ?? null;
  if (fallback) return { name: fallback, source: 'category' };
  return {
    name: null,
    source: 'none',
    reason: `no Meta event is mapped for "${name}" (${SETTINGS_HINT}, or the "${event.event_name}" category in Settings → Destinations)`,
  };
}

/**
 * Memoizes a resolver per (conversion name, category): exports call it once per row, and a file has
 * a handful of distinct names.
 */
export function destinationCache(resolve: (settings: Settings, event: EventNames) => Destination, settings: Settings) {
  const cache = new Map<string, Destination>();
  return (event: EventNames): Destination => {
    const key = `${event.event_name}\u0000${event.conversion_name ?? ''}`;
    let hit = cache.get(key);
    if (!hit) {
      hit = resolve(settings, event);
      cache.set(key, hit);
    }
    return hit;
  };
}
