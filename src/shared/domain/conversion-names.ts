import { z } from 'zod';
import type { ConversionEventName } from './events';

/**
 * A conversion's own name as the file (or the user) gave it: "Qualified lead", "InitiateCheckout",
 * "Store purchase"… Stored in conversion_events.conversion_name (migration 0011, 1–200 characters).
 * The plan's category (event_name) is derived from it by the explicit table below.
 */
export const ConversionNameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters');

/**
 * Meta's standard events (Conversions API / pixel "Standard events" reference), in Meta's spelling,
 * with the plan's category each one belongs to. A checkout step, a search or a wishlist is not a
 * purchase: anything that is not clearly one of the plan's categories is `custom` — the export still
 * sends it to Meta under its own standard name.
 */
const META_STANDARD_EVENTS: Readonly<Record<string, ConversionEventName>> = {
  Purchase: 'purchase',
  Lead: 'lead',
  CompleteRegistration: 'signup',
  AddToCart: 'add_to_cart',
  ViewContent: 'page_view',
  PageView: 'page_view',
  InitiateCheckout: 'custom',
  AddPaymentInfo: 'custom',
  AddToWishlist: 'custom',
  Search: 'custom',
  Contact: 'lead',
  Schedule: 'lead',
  SubmitApplication: 'lead',
  Subscribe: 'signup',
  StartTrial: 'signup',
  FindLocation: 'custom',
  CustomizeProduct: 'custom',
  Donate: 'custom',
  // The offline-events uploader's catch-all (meta_offline_rich.csv has 50 of them); sent as itself.
  Other: 'custom',
};

/**
 * Google's common names: the Google Ads conversion goal categories ("Submit lead form", "Qualified
 * lead"…) and the GA4 recommended event names (generate_lead, sign_up…) that offline uploads reuse as
 * conversion action names. Keys are written as users type them; lookup ignores case and separators.
 * Only names whose category is unambiguous are listed; the rest fall to `custom`.
 */
const GOOGLE_COMMON_NAMES: Readonly<Record<string, ConversionEventName>> = {
  // Google Ads goal categories
  'Purchase': 'purchase',
  'Purchases': 'purchase',
  'Store sale': 'purchase',
  'Store sales': 'purchase',
  'Store purchase': 'purchase',
  'Offline purchase': 'purchase',
  'Add to cart': 'add_to_cart',
  'Sign-up': 'signup',
  'Signup': 'signup',
  'Sign up': 'signup',
  'Lead': 'lead',
  'Leads': 'lead',
  'Submit lead form': 'lead',
  'Submit lead forms': 'lead',
  'Imported lead': 'lead',
  'Imported leads': 'lead',
  'Qualified lead': 'lead',
  'Qualified leads': 'lead',
  'Converted lead': 'lead',
  'Converted leads': 'lead',
  'Phone call lead': 'lead',
  'Phone call leads': 'lead',
  'Request quote': 'lead',
  'Book appointment': 'lead',
  'Page view': 'page_view',
  'Page views': 'page_view',
  // GA4 recommended event names
  'generate_lead': 'lead',
  'qualify_lead': 'lead',
  'close_convert_lead': 'lead',
  'working_lead': 'lead',
  'sign_up': 'signup',
  'view_item': 'page_view',
  // The plan's own categories are names too (old events, --event-name purchase).
  'add_to_cart': 'add_to_cart',
  'page_view': 'page_view',
  'custom': 'custom',
};

/** Case and separators (space, _, -, .) do not distinguish names: "Add to cart" = "add_to_cart" = "AddToCart". */
function lookupKey(name: string): string {
  return name.trim().toLowerCase().replace(/[\s_.-]+/g, '');
}

const META_BY_KEY = new Map<string, string>(Object.keys(META_STANDARD_EVENTS).map((name) => [lookupKey(name), name]));

const CATEGORY_BY_KEY = new Map<string, ConversionEventName>();
for (const [name, category] of Object.entries(GOOGLE_COMMON_NAMES)) CATEGORY_BY_KEY.set(lookupKey(name), category);
for (const [name, category] of Object.entries(META_STANDARD_EVENTS)) CATEGORY_BY_KEY.set(lookupKey(name), category);

/** The plan's category of a conversion name, by the explicit tables above; unknown names are `custom`. */
export function categoryOf(name: string): ConversionEventName {
  return CATEGORY_BY_KEY.get(lookupKey(name)) ?? 'custom';
}

/** True when the name is one of Meta's standard events (any case or separators: "initiate_checkout"). */
export function isMetaStandardEvent(name: string): boolean {
  return META_BY_KEY.has(lookupKey(name));
}

/** Meta's own spelling of a standard event ("initiate checkout" → "InitiateCheckout"); null when it is not one. */
export function metaStandardEventName(name: string): string | null {
  return META_BY_KEY.get(lookupKey(name)) ?? null;
}

/** Every Meta standard event name, in Meta's spelling (for pickers and docs). */
export const META_STANDARD_EVENT_NAMES: readonly string[] = Object.keys(META_STANDARD_EVENTS);

/** The name to show and export for an event: its own name, or its category for events stored before 0011. */
export function conversionNameOf(event: { conversion_name?: string | null; event_name: string }): string {
  return event.conversion_name ?? event.event_name;
}

/** A name and its category, as the import and the CLI store them. */
export function classifyConversionName(raw: string): { conversionName: string; category: ConversionEventName } {
  const conversionName = ConversionNameSchema.parse(raw);
  return { conversionName, category: categoryOf(conversionName) };
}
