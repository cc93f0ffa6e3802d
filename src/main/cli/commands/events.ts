import { parseArgs } from 'node:util';
import { EVENT_NAMES, type ConversionEventInsert } from '../../../shared/domain/events';
import { EventFilterSchema, type EventFilter } from '../../../shared/domain/filters';
import { microsToDecimal } from '../../../shared/domain/money';
import type { SyncAction } from '../../../shared/domain/sync';
import { valueTotalsByCurrency } from '../../events/repo';
import * as events from '../../events/service';
import type { CliCommand } from '../command';
import { csvList, intOption, printJson, UsageError, type CliIo } from '../io';

/** The event-filter options every command that selects events accepts (events list, export…). */
export const FILTER_KEYS = {
  status: { type: 'string' },
  'event-name': { type: 'string' },
  'conversion-name': { type: 'string', multiple: true },
  campaign: { type: 'string' },
  brand: { type: 'string' },
  import: { type: 'string' },
  batch: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  'min-value': { type: 'string' },
  'max-value': { type: 'string' },
  'has-click-id': { type: 'string' },
  'has-identifiers': { type: 'string' },
  search: { type: 'string' },
} as const;
type FilterKey = keyof typeof FILTER_KEYS;

function boolOption(value: string | undefined, name: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === 'true' || value === 'yes') return true;
  if (value === 'false' || value === 'no') return false;
  throw new UsageError(`--${name} takes true or false`);
}

/** Builds a review filter from CLI options; `prefix` is '' for list and 'filter-' for bulk actions. */
export function filterFromOptions(values: Record<string, string | string[] | boolean | undefined>, prefix: string): EventFilter {
  const get = (key: FilterKey) => values[prefix + key] as string | undefined;
  const eventNames = csvList(get('event-name'));
  const notCategory = eventNames?.find((name) => !(EVENT_NAMES as readonly string[]).includes(name));
  if (notCategory !== undefined) {
    throw new UsageError(`--${prefix}event-name takes categories (${EVENT_NAMES.join(', ')}); for the conversion name "${notCategory}" use --${prefix}conversion-name`);
  }
  const conversionNames = values[prefix + 'conversion-name'] as string[] | undefined;
  const filter: EventFilter = {
    statuses: csvList(get('status')) as EventFilter['statuses'],
    eventNames: eventNames as EventFilter['eventNames'],
    conversionNames: conversionNames?.length ? conversionNames : undefined,
    campaignId: get('campaign'),
    brandId: get('brand'),
    importId: get('import'),
    batchId: get('batch'),
    timeFrom: get('from'),
    timeTo: get('to'),
    valueMin: get('min-value'),
    valueMax: get('max-value'),
    hasClickId: boolOption(get('has-click-id'), prefix + 'has-click-id'),
    hasIdentifiers: boolOption(get('has-identifiers'), prefix + 'has-identifiers'),
    search: get('search'),
  };
  const clean = Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined)) as EventFilter;
  const parsed = EventFilterSchema.safeParse(clean);
  if (!parsed.success) {
    throw new UsageError(`invalid filter: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  }
  return clean;
}

function withPrefix(prefix: string) {
  return Object.fromEntries(Object.entries(FILTER_KEYS).map(([key, spec]) => [prefix + key, spec])) as Record<string, { type: 'string'; multiple?: boolean }>;
}

const ACTIONS: Record<string, SyncAction> = {
  queue: 'queue',
  unqueue: 'unqueue',
  skip: 'skip',
  restore: 'restore',
  retry: 'retry',
  'mark-sent': 'mark_sent',
  'mark-failed': 'mark_failed',
};

function list(ctx: Parameters<CliCommand['run']>[0], args: string[], io: CliIo): number {
  const { values } = parseArgs({
    args,
    options: {
      ...withPrefix(''),
      limit: { type: 'string' },
      offset: { type: 'string' },
      cursor: { type: 'string' },
      sort: { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
  });
  const [field, direction] = (values.sort ?? 'event_time:desc').split(':');
  const page = events.listEvents(ctx.db, {
    filter: filterFromOptions(values, ''),
    limit: intOption(values.limit, 'limit') ?? 100,
    offset: intOption(values.offset, 'offset'),
    cursor: values.cursor,
    sort: { field: field as 'event_time', direction: (direction ?? 'desc') as 'desc' },
  });
  if (values.json) {
    printJson(io, { events: page.events, total: page.total, nextCursor: page.nextCursor });
    return 0;
  }
  io.out(`${page.total} event(s)`);
  for (const event of page.events) {
    const value = event.event_value === null ? '' : `${event.event_value} ${event.currency}`;
    io.out([event.id, event.event_time, event.conversion_name, event.event_name, event.sync_status.padEnd(7), event.event_id, value].join('  '));
  }
  if (page.nextCursor) io.out(`more: --cursor ${page.nextCursor}`);
  return 0;
}

function add(ctx: Parameters<CliCommand['run']>[0], args: string[], io: CliIo): number {
  const { values } = parseArgs({
    args,
    options: {
      name: { type: 'string' },
      email: { type: 'string' },
      phone: { type: 'string' },
      'first-name': { type: 'string' },
      'last-name': { type: 'string' },
      value: { type: 'string' },
      currency: { type: 'string' },
      'event-id': { type: 'string' },
      'event-time': { type: 'string' },
      'transaction-id': { type: 'string' },
      gclid: { type: 'string' },
      'default-country': { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
  });
  if (!values.name) throw new UsageError('events add needs --name (purchase, lead, signup, add_to_cart, page_view, custom)');
  const input: ConversionEventInsert = {
    event_name: values.name as ConversionEventInsert['event_name'],
    email: values.email,
    phone: values.phone,
    first_name: values['first-name'],
    last_name: values['last-name'],
    event_value: values.value,
    currency: values.currency,
    event_id: values['event-id'],
    event_time: values['event-time'],
    transaction_id: values['transaction-id'],
    gclid: values.gclid,
    default_country: values['default-country']?.toUpperCase(),
  };
  const event = events.createEvent(ctx.db, input);
  if (values.json) printJson(io, event);
  else io.out(`added ${event.id} (${event.event_id})`);
  return 0;
}

function transition(ctx: Parameters<CliCommand['run']>[0], verb: string, args: string[], io: CliIo): number {
  const { values } = parseArgs({
    args,
    options: { ...withPrefix('filter-'), ids: { type: 'string' }, reason: { type: 'string' }, json: { type: 'boolean' } },
    strict: true,
  });
  const ids = csvList(values.ids);
  const filter = filterFromOptions(values, 'filter-');
  const hasFilter = Object.keys(filter).length > 0;
  if (!ids && !hasFilter) throw new UsageError(`events ${verb} needs --ids ID,ID… or at least one --filter-… option`);
  if (ids && hasFilter) throw new UsageError(`events ${verb} takes --ids or --filter-…, not both`);
  const outcome = events.transitionEvents(ctx.db, ACTIONS[verb]!, ids ? { ids } : { filter: EventFilterSchema.parse(filter) }, values.reason);
  if (values.json) printJson(io, outcome);
  else {
    io.out(`${outcome.changed} event(s) changed`);
    for (const refused of outcome.refused) io.out(`${refused.count} refused: ${refused.reason}`);
    if (outcome.missing.length) io.out(`${outcome.missing.length} not found: ${outcome.missing.join(', ')}`);
  }
  return 0;
}

const EVENTS_SUBCOMMANDS: Record<string, string> = {
  list:
    'events list [--status S,S] [--event-name CATEGORY,…] [--conversion-name NAME]… [--campaign ID] [--brand ID] [--import ID] [--batch ID] [--from ISO] [--to ISO] ' +
    '[--min-value V] [--max-value V] [--has-click-id true|false] [--has-identifiers true|false] [--search TEXT] [--sort field:asc|desc] [--limit N] [--offset N] [--cursor C] [--json]',
  add: 'events add --name purchase [--email E] [--phone P] [--first-name F] [--last-name L] [--value 12.30] [--currency USD] [--event-id ID] [--event-time ISO] [--transaction-id ID] [--gclid G] [--default-country US] [--json]',
  ...Object.fromEntries(
    Object.keys(ACTIONS).map((verb) => [verb, `events ${verb} --ids ID,ID…|--filter-status S [--filter-… as in events list] ${verb === 'mark-failed' ? '--reason TEXT' : '[--reason TEXT]'} [--json]`]),
  ),
};

export const eventsCommand: CliCommand = {
  name: 'events',
  summary: 'List, add and change the sync status of events',
  subcommands: EVENTS_SUBCOMMANDS,
  details: 'In --json output each event carries its own conversion_name ("Qualified lead") beside its category event_name (lead).\n--conversion-name may be repeated; a name is matched exactly.',
  usage:
    'events list [--status S,S] [--event-name N] [--conversion-name NAME] [--from ISO] [--to ISO] [--search T] [--sort field:asc|desc] [--limit N] [--json]\n' +
    '         events add --name purchase [--email E] [--phone P] [--first-name F] [--last-name L] [--value 12.30] [--currency USD] [--event-id ID] [--event-time ISO] [--default-country US] [--json]\n' +
    '         events queue|unqueue|skip|restore|retry|mark-sent|mark-failed --ids ID,ID…|--filter-status S [--filter-…] [--reason TEXT] [--json]',
  run(ctx, args, io) {
    const [verb, ...rest] = args;
    if (verb === 'list') return list(ctx, rest, io);
    if (verb === 'add') return add(ctx, rest, io);
    if (verb && verb in ACTIONS) return transition(ctx, verb, rest, io);
    throw new UsageError(`events needs a verb: list, add, ${Object.keys(ACTIONS).join(', ')}`);
  },
};

export const statsCommand: CliCommand = {
  name: 'stats',
  summary: 'Counts by status',
  usage: 'stats [--json]',
  run(ctx, args, io) {
    const { values } = parseArgs({ args, options: { json: { type: 'boolean' } }, strict: true });
    const counts = events.countEvents(ctx.db, {});
    const valueRows = valueTotalsByCurrency(ctx.db);
    const valueByCurrency = Object.fromEntries(valueRows.map((row) => [row.currency, microsToDecimal(row.micros ?? 0)]));
    if (values.json) printJson(io, { total: counts.total, byStatus: counts.byStatus, valueByCurrency });
    else {
      io.out(`total ${counts.total}`);
      for (const [status, n] of Object.entries(counts.byStatus)) io.out(`${status.padEnd(8)} ${n}`);
    }
    return 0;
  },
};
