import { describe, expect, it } from 'vitest';
import { EventFilterSchema } from '../../../../shared/domain/filters';
import { DEFAULT_VIEW, filterToView, isFiltered, viewFromParams, viewProblems, viewToFilter, viewToParams, type ReviewView } from './filters';

const UUID = '0193f3a0-1234-7abc-8def-0123456789ab';

describe('review view ↔ URL ↔ filter', () => {
  it('reads the links other screens build (sidebar status, import report, batches)', () => {
    expect(viewFromParams(new URLSearchParams('status=pending')).statuses).toEqual(['pending']);
    expect(viewFromParams(new URLSearchParams('import=imp_123')).importId).toBe('imp_123');
    expect(viewFromParams(new URLSearchParams('batch=b1')).batchId).toBe('b1');
  });

  it('"no platform can match" is one filter: old ids=none links and saved unmatchable views open the problem no_ids:any', () => {
    const fromLink = viewFromParams(new URLSearchParams('import=imp_1&ids=none'));
    expect(fromLink).toMatchObject({ importId: 'imp_1', ids: '', problem: 'no_ids:any' });
    expect(viewToFilter(fromLink)).toEqual({ importId: 'imp_1', noIdentifiersFor: 'any' });
    expect(filterToView({ importId: 'imp_1', unmatchable: true } as never).problem).toBe('no_ids:any');
    expect(() => EventFilterSchema.parse({ unmatchable: true })).toThrow();
  });

  it('accepts sort=field:dir and sort=field&dir=…, ignores unknown values', () => {
    expect(viewFromParams(new URLSearchParams('sort=event_time:asc'))).toMatchObject({ sort: 'event_time', dir: 'asc' });
    expect(viewFromParams(new URLSearchParams('sort=event_value&dir=asc'))).toMatchObject({ sort: 'event_value', dir: 'asc' });
    const junk = viewFromParams(new URLSearchParams('status=pending,bogus&event=nope&campaign=x&sort=drop_table&from=yesterday&click=maybe'));
    expect(junk).toEqual({ ...DEFAULT_VIEW, statuses: ['pending'] });
  });

  it('round-trips every field through the URL', () => {
    const view: ReviewView = {
      statuses: ['queued', 'failed'],
      eventName: 'purchase',
      conversionName: 'Qualified lead',
      delivery: 'meta:failed',
      campaign: UUID,
      brand: 'none',
      importId: 'imp_1',
      batchId: 'bat_1',
      from: '2026-10-02',
      to: '2026-10-05',
      min: '10',
      max: '99.5',
      click: 'yes',
      ids: 'no',
      problem: 'too_old:meta',
      q: 'ORD-1',
      sort: 'event_value',
      dir: 'asc',
    };
    expect(viewFromParams(new URLSearchParams(viewToParams(view).toString()))).toEqual(view);
    expect(viewToParams(DEFAULT_VIEW).toString()).toBe('');
    // the destination × status filter reaches main as filter.delivery; junk is dropped
    expect(viewToFilter(view).delivery).toEqual({ destination: 'meta', statuses: ['failed'] });
    expect(viewFromParams(new URLSearchParams('delivery=tiktok:sent')).delivery).toBe('');
    expect(filterToView(viewToFilter(view)).delivery).toBe('meta:failed');
  });

  it('builds a filter main accepts; To is inclusive (exclusive next local midnight)', () => {
    const view = viewFromParams(new URLSearchParams(`status=pending&event=lead&campaign=none&brand=${UUID}&from=2026-10-02&to=2026-10-05&min=1.5&click=no&ids=yes&q=%20abc%20`));
    const filter = viewToFilter(view);
    expect(EventFilterSchema.safeParse(filter).success).toBe(true);
    expect(filter).toMatchObject({ statuses: ['pending'], eventNames: ['lead'], campaignId: null, brandId: UUID, valueMin: '1.5', hasClickId: false, hasIdentifiers: true, search: 'abc' });
    expect(new Date(filter.timeFrom!).getTime()).toBe(new Date(2026, 9, 2).getTime());
    expect(new Date(filter.timeTo!).getTime()).toBe(new Date(2026, 9, 6).getTime());
  });

  it('leaves out bad numbers and reports them', () => {
    const view = { ...DEFAULT_VIEW, min: '12,5', max: '-3', from: '2026-10-05', to: '2026-10-01' };
    expect(viewToFilter(view)).toMatchObject({});
    expect(viewToFilter(view).valueMin).toBeUndefined();
    expect(viewProblems(view)).toHaveLength(3);
  });

  it('a saved filter + sort gives back the same view', () => {
    const view = viewFromParams(new URLSearchParams(`status=sent&event=signup&campaign=${UUID}&from=2026-01-31&to=2026-03-01&max=20&ids=no&sort=created_at&dir=asc`));
    expect(filterToView(viewToFilter(view), { field: view.sort, direction: view.dir })).toEqual(view);
  });

  it('knows when anything narrows the view (sort alone does not)', () => {
    expect(isFiltered(DEFAULT_VIEW)).toBe(false);
    expect(isFiltered({ ...DEFAULT_VIEW, sort: 'event_value', dir: 'asc' })).toBe(false);
    expect(isFiltered({ ...DEFAULT_VIEW, q: 'x' })).toBe(true);
  });
});
