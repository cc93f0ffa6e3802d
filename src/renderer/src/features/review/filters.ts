import { EVENT_NAMES, SYNC_STATUSES, type ConversionEventName, type ConversionSyncStatus } from '../../../../shared/domain/events';
import type { EventFilter, EventSort } from '../../../../shared/domain/filters';
import { SORT_FIELDS } from '../../../../shared/domain/filters';
import { DESTINATIONS, type Destination } from '../../../../shared/domain/delivery';

/**
 * The review view lives in the URL hash query, so it can be bookmarked or saved as a named view:
 *   #/review?status=pending,queued&event=purchase&name=Qualified%20lead&delivery=meta:failed&campaign=<uuid|none>&brand=<uuid|none>&import=<id>
 *           &batch=<id>&from=2026-03-01&to=2026-03-31&min=10&max=500&click=yes|no&ids=yes|no&problem=no_ids:any&q=text
 *           &sort=event_time&dir=desc
 * `from`/`to` are local calendar days, both inclusive.
 */
/**
 * Upload problems (issue 15 item 4), the Export screen's exclusion groups as review filters:
 * `problem=too_old:google_ads`, `unmapped:meta`, `no_ids:any|google|meta`.
 */
export const PROBLEMS = {
  'too_old:google_ads': { label: 'Too old for Google Ads', filter: { tooOldFor: 'google_ads' } },
  'too_old:meta': { label: 'Too old for Meta', filter: { tooOldFor: 'meta' } },
  'unmapped:google_ads': { label: 'No Google conversion action', filter: { unmappedFor: 'google_ads' } },
  'unmapped:meta': { label: 'No Meta event', filter: { unmappedFor: 'meta' } },
  'no_ids:any': { label: 'No identifiers (no platform can match)', filter: { noIdentifiersFor: 'any' } },
  'no_ids:google': { label: 'No email or phone for Google', filter: { noIdentifiersFor: 'google' } },
  'no_ids:meta': { label: 'Nothing Meta can match', filter: { noIdentifiersFor: 'meta' } },
} as const satisfies Record<string, { label: string; filter: EventFilter }>;
export type Problem = keyof typeof PROBLEMS;
const isProblem = (value: string | null): value is Problem => value !== null && Object.hasOwn(PROBLEMS, value);

export interface ReviewView {
  statuses: ConversionSyncStatus[];
  eventName: ConversionEventName | '';
  /** The events' own conversion name ("Qualified lead"), exactly; '' = any. */
  conversionName: string;
  /** Destination × status, as "google_ads:queued" ('' = any): the event's delivery to that destination. */
  delivery: string;
  campaign: string; // '' any, 'none', or a uuid
  brand: string;
  importId: string;
  batchId: string;
  from: string; // yyyy-mm-dd
  to: string;
  min: string;
  max: string;
  click: '' | 'yes' | 'no';
  /** yes: can be uploaded; no: cannot ("no platform can match" is the problem `no_ids:any`). */
  ids: '' | 'yes' | 'no';
  problem: Problem | '';
  q: string;
  sort: NonNullable<EventSort['field']>;
  dir: 'asc' | 'desc';
}

export const DEFAULT_VIEW: ReviewView = {
  statuses: [],
  eventName: '',
  conversionName: '',
  delivery: '',
  campaign: '',
  brand: '',
  importId: '',
  batchId: '',
  from: '',
  to: '',
  min: '',
  max: '',
  click: '',
  ids: '',
  problem: '',
  q: '',
  sort: 'event_time',
  dir: 'desc',
};

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DECIMAL = /^\d+(\.\d{1,6})?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** "google_ads:queued" → its destination and status (null when it is not one). */
export function parseDelivery(value: string | null): { destination: Destination; status: ConversionSyncStatus } | null {
  const [destination, status] = (value ?? '').split(':');
  if (!(DESTINATIONS as readonly string[]).includes(destination ?? '') || !(SYNC_STATUSES as readonly string[]).includes(status ?? '')) return null;
  return { destination: destination as Destination, status: status as ConversionSyncStatus };
}

const yesNo = (value: string | null): '' | 'yes' | 'no' => (value === 'yes' || value === 'no' ? value : '');

export function viewFromParams(params: URLSearchParams): ReviewView {
  const statuses = (params.get('status') ?? '')
    .split(',')
    .filter((s): s is ConversionSyncStatus => (SYNC_STATUSES as readonly string[]).includes(s));
  const eventName = params.get('event') ?? '';
  // `sort=event_time&dir=asc`, or the short form `sort=event_time:asc`.
  const [sort = '', sortDir] = (params.get('sort') ?? '').split(':');
  const dir = sortDir ?? params.get('dir');
  const ref = (value: string | null) => (value === 'none' || (value && UUID.test(value)) ? value : '');
  return {
    statuses: [...new Set(statuses)],
    eventName: (EVENT_NAMES as readonly string[]).includes(eventName) ? (eventName as ConversionEventName) : '',
    conversionName: (params.get('name') ?? '').trim().slice(0, 200),
    delivery: parseDelivery(params.get('delivery')) ? params.get('delivery')! : '',
    campaign: ref(params.get('campaign')),
    brand: ref(params.get('brand')),
    importId: (params.get('import') ?? '').slice(0, 64),
    batchId: (params.get('batch') ?? '').slice(0, 64),
    from: DAY.test(params.get('from') ?? '') ? params.get('from')! : '',
    to: DAY.test(params.get('to') ?? '') ? params.get('to')! : '',
    min: params.get('min') ?? '',
    max: params.get('max') ?? '',
    click: yesNo(params.get('click')),
    ids: yesNo(params.get('ids')),
    // `ids=none` is how links before `no_ids:any` said "no platform can match".
    problem: isProblem(params.get('problem')) ? (params.get('problem') as Problem) : params.get('ids') === 'none' ? 'no_ids:any' : '',
    q: (params.get('q') ?? '').slice(0, 200),
    sort: (SORT_FIELDS as readonly string[]).includes(sort) ? (sort as ReviewView['sort']) : 'event_time',
    dir: dir === 'asc' ? 'asc' : 'desc',
  };
}

export function viewToParams(view: ReviewView): URLSearchParams {
  const params = new URLSearchParams();
  const set = (key: string, value: string) => value && params.set(key, value);
  set('status', view.statuses.join(','));
  set('event', view.eventName);
  set('name', view.conversionName);
  set('delivery', view.delivery);
  set('campaign', view.campaign);
  set('brand', view.brand);
  set('import', view.importId);
  set('batch', view.batchId);
  set('from', view.from);
  set('to', view.to);
  set('min', view.min);
  set('max', view.max);
  set('click', view.click);
  set('ids', view.ids);
  set('problem', view.problem);
  set('q', view.q);
  if (view.sort !== 'event_time') params.set('sort', view.sort);
  if (view.dir !== 'desc') params.set('dir', view.dir);
  return params;
}

/** Start of a local calendar day as an ISO instant (with `plusDays` for the exclusive upper bound). */
function localDayToIso(day: string, plusDays = 0): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d + plusDays).toISOString();
}

/** Problems in the view the user typed (shown next to the filter bar instead of sending a bad query). */
export function viewProblems(view: ReviewView): string[] {
  const problems: string[] = [];
  if (view.min && !DECIMAL.test(view.min.trim())) problems.push('Min value must be a number like 10 or 12.50');
  if (view.max && !DECIMAL.test(view.max.trim())) problems.push('Max value must be a number like 10 or 12.50');
  if (view.from && view.to && view.from > view.to) problems.push('"From" is after "To"');
  return problems;
}

export function viewToFilter(view: ReviewView): EventFilter {
  const filter: EventFilter = {};
  if (view.statuses.length) filter.statuses = view.statuses;
  if (view.eventName) filter.eventNames = [view.eventName];
  if (view.conversionName.trim()) filter.conversionNames = [view.conversionName.trim()];
  const delivery = parseDelivery(view.delivery);
  if (delivery) filter.delivery = { destination: delivery.destination, statuses: [delivery.status] };
  if (view.campaign) filter.campaignId = view.campaign === 'none' ? null : view.campaign;
  if (view.brand) filter.brandId = view.brand === 'none' ? null : view.brand;
  if (view.importId) filter.importId = view.importId;
  if (view.batchId) filter.batchId = view.batchId;
  if (view.from) filter.timeFrom = localDayToIso(view.from);
  if (view.to) filter.timeTo = localDayToIso(view.to, 1);
  if (view.min && DECIMAL.test(view.min.trim())) filter.valueMin = view.min.trim();
  if (view.max && DECIMAL.test(view.max.trim())) filter.valueMax = view.max.trim();
  if (view.click) filter.hasClickId = view.click === 'yes';
  if (view.ids) filter.hasIdentifiers = view.ids === 'yes';
  if (view.problem) Object.assign(filter, PROBLEMS[view.problem].filter);
  if (view.q.trim()) filter.search = view.q.trim();
  return filter;
}

/** True when the view narrows anything (used for the empty state's wording and "Clear filters"). */
export function isFiltered(view: ReviewView): boolean {
  const { sort: _s, dir: _d, ...rest } = view;
  const { sort: _ds, dir: _dd, ...base } = DEFAULT_VIEW;
  return JSON.stringify(rest) !== JSON.stringify(base);
}

const localDay = (date: Date) =>
  `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;

/** The reverse of `viewToFilter` (for views saved in the database as a filter + sort). */
export function filterToView(filter: EventFilter, sort?: { field?: string; direction?: string }): ReviewView {
  const view: ReviewView = { ...DEFAULT_VIEW };
  if (filter.statuses?.length) view.statuses = SYNC_STATUSES.filter((s) => filter.statuses!.includes(s));
  if (filter.eventNames?.length) view.eventName = filter.eventNames[0]!;
  if (filter.conversionNames?.length) view.conversionName = filter.conversionNames[0]!;
  if (filter.delivery?.statuses.length) view.delivery = `${filter.delivery.destination}:${filter.delivery.statuses[0]}`;
  if (filter.campaignId !== undefined) view.campaign = filter.campaignId ?? 'none';
  if (filter.brandId !== undefined) view.brand = filter.brandId ?? 'none';
  if (filter.importId) view.importId = filter.importId;
  if (filter.batchId) view.batchId = filter.batchId;
  if (filter.timeFrom) view.from = localDay(new Date(filter.timeFrom));
  if (filter.timeTo) view.to = localDay(new Date(new Date(filter.timeTo).getTime() - 1));
  if (filter.valueMin !== undefined) view.min = String(filter.valueMin);
  if (filter.valueMax !== undefined) view.max = String(filter.valueMax);
  if (filter.hasClickId !== undefined) view.click = filter.hasClickId ? 'yes' : 'no';
  if (filter.hasIdentifiers !== undefined) view.ids = filter.hasIdentifiers ? 'yes' : 'no';
  // Views saved before `unmatchable` became the problem no_ids:any (one rule, one filter).
  if ((filter as { unmatchable?: unknown }).unmatchable === true) view.problem = 'no_ids:any';
  const problem = (Object.keys(PROBLEMS) as Problem[]).find((key) =>
    Object.entries(PROBLEMS[key].filter).every(([field, value]) => (filter as Record<string, unknown>)[field] === value),
  );
  if (problem) view.problem = problem;
  if (filter.search) view.q = filter.search;
  if (sort?.field && (SORT_FIELDS as readonly string[]).includes(sort.field)) view.sort = sort.field as ReviewView['sort'];
  if (sort?.direction === 'asc' || sort?.direction === 'desc') view.dir = sort.direction;
  return view;
}
