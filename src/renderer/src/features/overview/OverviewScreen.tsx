import { useMemo } from 'react';
import { EVENT_NAMES, SYNC_STATUSES, type ConversionEventName, type ConversionSyncStatus } from '../../../../shared/domain/events';
import type { EventFilter } from '../../../../shared/domain/filters';
import { microsToDecimal } from '../../../../shared/domain/money';
import { navigate, routeHref } from '../../app/router';
import type { ScreenProps } from '../../app/screens';
import { ErrorBanner, Page } from '../../components/Page';
import { call } from '../../lib/api';
import { formatCount, formatDateTime, formatMoney } from '../../lib/format';
import { useQuery } from '../../lib/hooks';
import { SetupChecklist } from '../setup/SetupChecklist';
import { RecentImports } from '../import/RecentImports';
import { TimelineChart, type Measure } from './TimelineChart';

const RANGES = [
  { id: '30', label: 'Last 30 days', days: 30 },
  { id: '90', label: 'Last 90 days', days: 90 },
  { id: '365', label: 'Last year', days: 365 },
  { id: 'all', label: 'Everything', days: undefined },
] as const;

const STATUS_HINT: Record<ConversionSyncStatus, string> = {
  pending: 'imported, not reviewed yet',
  queued: 'ready for the next export',
  sent: 'uploaded',
  failed: 'rejected by a platform: retry or skip',
  skipped: 'left out on purpose',
};

const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);

/** Overview: tiles by status (click → Review), value by currency, conversions per day stacked by status. */
export function OverviewScreen({ route }: ScreenProps) {
  const p = route.params;
  const range = RANGES.find((r) => r.id === p.get('range')) ?? RANGES[3];
  const eventName = (EVENT_NAMES as readonly string[]).includes(p.get('event') ?? '') ? (p.get('event') as ConversionEventName) : '';
  const measureParam = p.get('measure') ?? 'count';
  const setParam = (key: string, value: string) => {
    const next = new URLSearchParams(p);
    if (value) next.set(key, value);
    else next.delete(key);
    navigate('overview', next, true);
  };

  const filter = useMemo<EventFilter>(() => (eventName ? { eventNames: [eventName] } : {}), [eventName]);
  const filterKey = JSON.stringify(filter);
  const utcOffsetMinutes = -new Date().getTimezoneOffset();
  const tiles = useQuery(() => call('overview:tiles', { filter }), [filterKey]);
  const timeline = useQuery(() => call('overview:timeline', { filter, days: range.days, utcOffsetMinutes }), [filterKey, range.id]);

  const currencies = timeline.data?.currencies ?? [];
  const measure: Measure =
    measureParam !== 'count' && currencies.includes(measureParam) ? { kind: 'value', currency: measureParam } : { kind: 'count' };

  const reviewParams = (extra: Record<string, string>) => ({ ...(eventName ? { event: eventName } : {}), ...extra });
  const openDay = (day: string, status?: ConversionSyncStatus) => navigate('review', reviewParams({ from: day, to: day, ...(status ? { status } : {}) }));

  const t = tiles.data;
  const empty = t && t.total === 0 && !eventName;

  return (
    <Page
      title="Overview"
      testId="overview-screen"
      actions={
        <div className="row">
          <label className="filter filter--inline">
            <span className="filter__label">Event name</span>
            <select value={eventName} onChange={(e) => setParam('event', e.target.value)}>
              <option value="">All events</option>
              {EVENT_NAMES.map((n) => (
                <option key={n} value={n}>{n}</option>
              ))}
            </select>
          </label>
        </div>
      }
    >
      <ErrorBanner error={tiles.error ?? timeline.error} onRetry={() => (tiles.reload(), timeline.reload())} />
      {empty ? (
        <SetupChecklist />
      ) : (
        <>
          <div className="tiles tiles--status" data-testid="overview-tiles">
            <a className="card tile tile--link" href={routeHref('review', reviewParams({}))} data-testid="tile-total">
              <div className="tile__label">All events</div>
              <div className="tile__value">{t ? formatCount(t.total) : '…'}</div>
              <div className="tile__hint">{eventName ? eventName : 'every status'}</div>
            </a>
            {SYNC_STATUSES.map((status) => (
              <a
                key={status}
                className={`card tile tile--link tile--${status}`}
                href={routeHref('review', reviewParams({ status }))}
                data-testid={`tile-${status}`}
                data-count={t?.byStatus[status]}
                title={`Review ${status} events`}
              >
                <div className="tile__label">{cap(status)}</div>
                <div className="tile__value">{t ? formatCount(t.byStatus[status]) : '…'}</div>
                <div className="tile__hint">{STATUS_HINT[status]}</div>
              </a>
            ))}
          </div>

          <div className="overview__grid">
            <section className="card overview__chart" aria-label="Conversions per day">
              <div className="overview__chart-head">
                <div className="card__title">{measure.kind === 'count' ? 'Conversions per day' : `Value per day (${measure.currency})`}</div>
                <div className="row">
                  <div className="segmented" role="group" aria-label="Range">
                    {RANGES.map((r) => (
                      <button key={r.id} type="button" aria-pressed={r.id === range.id} onClick={() => setParam('range', r.id === 'all' ? '' : r.id)}>
                        {r.label}
                      </button>
                    ))}
                  </div>
                  <select aria-label="Measure" value={measure.kind === 'count' ? 'count' : measure.currency} onChange={(e) => setParam('measure', e.target.value === 'count' ? '' : e.target.value)}>
                    <option value="count">Count</option>
                    {currencies.map((c) => (
                      <option key={c} value={c}>Value ({c})</option>
                    ))}
                  </select>
                </div>
              </div>
              {timeline.data && timeline.data.days.length > 0 ? (
                <>
                  <TimelineChart timeline={timeline.data} measure={measure} onDay={openDay} />
                  <div className="muted chart__caption">
                    {timeline.data.from} – {timeline.data.to} · days in your time zone (UTC{utcOffsetMinutes >= 0 ? '+' : '−'}
                    {String(Math.floor(Math.abs(utcOffsetMinutes) / 60)).padStart(2, '0')}:{String(Math.abs(utcOffsetMinutes) % 60).padStart(2, '0')}) · click a day to review it
                  </div>
                </>
              ) : timeline.loading ? (
                <div className="grid-state"><span className="spinner" aria-hidden="true" /> Loading…</div>
              ) : (
                <div className="grid-state">No events in this range.</div>
              )}
            </section>

            <section className="card overview__values" aria-label="Value by currency" data-testid="value-by-currency">
              <div className="card__title">Total value by currency</div>
              {t && t.valueByCurrency.length > 0 ? (
                <table className="table table--compact">
                  <thead>
                    <tr><th>Currency</th><th className="num">Value</th><th className="num">Events</th><th className="num">Sent</th></tr>
                  </thead>
                  <tbody>
                    {t.valueByCurrency.map((v) => (
                      <tr key={v.currency} data-currency={v.currency}>
                        <td>{v.currency}</td>
                        <td className="num">{formatMoney(microsToDecimal(v.valueMicros), v.currency)}</td>
                        <td className="num">{formatCount(v.count)}</td>
                        <td className="num">{formatMoney(microsToDecimal(t.valueByStatus.sent?.[v.currency] ?? 0), v.currency)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : (
                <div className="muted">{t ? 'No values recorded.' : 'Loading…'}</div>
              )}
            </section>
          </div>

          <div className="overview__grid overview__grid--even">
            <RecentImports compact />
            <RecentBatches />
          </div>
        </>
      )}
    </Page>
  );
}

function RecentBatches() {
  const batches = useQuery(() => call('batches:list', { limit: 8 }), []);
  if (!batches.data?.length) return null;
  return (
    <div className="card">
      <div className="card__title">Recent export batches</div>
      <table className="table table--compact" data-testid="recent-batches">
        <thead>
          <tr><th>Created</th><th>Destination</th><th>Status</th><th className="num">Events</th><th /></tr>
        </thead>
        <tbody>
          {batches.data.map((b) => (
            <tr key={b.id}>
              <td>{formatDateTime(b.createdAt)}</td>
              <td>{b.destination}</td>
              <td>{b.status}</td>
              <td className="num">{formatCount(b.eventCount)}</td>
              <td><a href={routeHref('review', { batch: b.id })}>Review</a></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
