import type { ScreenProps } from '../../app/screens';
import { EmptyState, ErrorBanner, Page } from '../../components/Page';
import { call } from '../../lib/api';
import { formatCount, formatDateTime, formatMoney } from '../../lib/format';
import { useQuery } from '../../lib/hooks';
import { SYNC_STATUSES } from '../../../../shared/domain/events';

/** Minimal events list with counts by status (replaced by the full review grid). */
export function ReviewScreen(_props: ScreenProps) {
  const counts = useQuery(() => call('events:count', { filter: {} }), []);
  const page = useQuery(() => call('events:list', { limit: 100, withTotal: false }), []);
  return (
    <Page title="Review" testId="review-screen">
      <ErrorBanner error={counts.error ?? page.error} onRetry={page.reload} />
      <div className="status-strip" data-testid="status-counts">
        {SYNC_STATUSES.map((status) => (
          <span key={status} className={`status-pill status-pill--${status}`}>
            {status} <strong>{counts.data ? formatCount(counts.data.byStatus[status]) : '…'}</strong>
          </span>
        ))}
      </div>
      {page.data && page.data.events.length === 0 ? (
        <EmptyState title="No events yet">Drop a CSV anywhere on this window to import conversions.</EmptyState>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Event time</th>
              <th>Event</th>
              <th>Event ID</th>
              <th>Value</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {page.data?.events.map((event) => (
              <tr key={event.id}>
                <td>{formatDateTime(event.event_time)}</td>
                <td>{event.event_name}</td>
                <td className="mono">{event.event_id}</td>
                <td className="num">{formatMoney(event.event_value, event.currency)}</td>
                <td>
                  <span className={`status-pill status-pill--${event.sync_status}`}>{event.sync_status}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Page>
  );
}
