import { SYNC_STATUSES, type ConversionSyncStatus } from '../../../../shared/domain/events';
import type { StatusCounts } from '../../../../shared/ipc/channels/events';
import { formatCount } from '../../lib/format';

export interface StatusBarProps {
  counts: { total: number; byStatus: StatusCounts } | undefined;
  loading: boolean;
  error: Error | undefined;
  selected: number;
  statuses: ConversionSyncStatus[];
  onToggleStatus(status: ConversionSyncStatus): void;
}

/** Exact counts by status for the current filter; clicking a status narrows the filter to it. */
export function StatusBar({ counts, loading, error, selected, statuses, onToggleStatus }: StatusBarProps) {
  return (
    <footer className="status-bar" data-testid="status-counts" data-total={counts?.total} aria-label="Counts for the current filter">
      <span className="status-bar__total" data-testid="status-total">
        {counts ? <><strong>{formatCount(counts.total)}</strong> matching</> : error ? <span className="text-danger">Counts unavailable: {error.message}</span> : 'Counting…'}
      </span>
      {SYNC_STATUSES.map((status) => (
        <button
          key={status}
          type="button"
          className={`status-bar__item status-bar__item--${status}${statuses.includes(status) ? ' is-on' : ''}`}
          data-status={status}
          data-count={counts?.byStatus[status]}
          onClick={() => onToggleStatus(status)}
          title={`Show only ${status} events`}
        >
          <span className="dot" aria-hidden="true" />
          {status} <strong>{counts ? formatCount(counts.byStatus[status]) : '…'}</strong>
        </button>
      ))}
      <span className="spacer" />
      {selected > 0 && <span data-testid="status-selected">{formatCount(selected)} selected</span>}
      {loading && <span className="status-bar__loading" aria-live="polite">Loading…</span>}
    </footer>
  );
}
