import { useState, type ReactNode } from 'react';
import type { ConversionSyncStatus } from '../../../../shared/domain/events';
import { EXCLUSION_CODES, type ExcludedEvent, type ExclusionCode, type ExportFormat, type ExportPreview } from '../../../../shared/domain/exports';
import { routeHref } from '../../app/router';
import { EmptyState, ErrorBanner } from '../../components/Page';
import { call } from '../../lib/api';
import { formatCount } from '../../lib/format';
import { useQuery } from '../../lib/hooks';
import { DESTINATION_PLATFORM, EXCLUSION_FIX, EXCLUSION_TITLES, plural } from './labels';

export interface PreflightProps {
  format: ExportFormat;
  status: ConversionSyncStatus | 'any';
  /** An event name or dates narrow the filter (changes the empty state's advice). */
  narrowed: boolean;
  preview: ExportPreview | undefined;
  loading: boolean;
  error: Error | undefined;
  onRetry(): void;
  /** The "Save file…" button, shown beside the count (absent while an export runs). */
  saveButton?: ReactNode;
  hint?: string | null;
  /** Progress, result or warnings of the export, shown under the count. */
  runStatus?: ReactNode;
}

/** "Will export N events · M excluded", then the excluded events grouped by reason. */
export function Preflight({ format, status, narrowed, preview, loading, error, onRetry, saveButton, hint, runStatus }: PreflightProps) {
  if (error && !preview) return <ErrorBanner error={error} onRetry={onRetry} />;
  if (!preview) return <div className="card muted" data-testid="preflight-loading">Checking the events…</div>;

  if (preview.matched === 0) {
    return status === 'queued' && !narrowed ? (
      <div data-testid="preflight-empty" className="preflight-empty">
        {runStatus}
        <NoQueuedEvents />
      </div>
    ) : (
      <div data-testid="preflight-empty" className="preflight-empty">
        {runStatus}
        <EmptyState title={status === 'any' ? 'No events match this filter' : `No ${status} events match this filter`}>Change the status, event or dates above.</EmptyState>
      </div>
    );
  }

  const stale = loading ? ' is-stale' : '';
  return (
    <div className={`card preflight${stale}`} data-testid="preflight" data-exported={preview.exported} data-excluded={preview.excludedCount}>
      {error && <ErrorBanner error={error} onRetry={onRetry} />}
      <div className="preflight__summary" data-testid="preflight-summary">
        <span className="preflight__count">
          Will export <strong>{formatCount(preview.exported)}</strong> {plural(preview.exported, 'event')}
        </span>
        <span className="muted">·</span>
        <span className={preview.excludedCount > 0 ? 'preflight__excluded' : 'muted'}>{formatCount(preview.excludedCount)} excluded</span>
        {loading && <span className="muted">· updating…</span>}
        <span className="spacer" />
        {saveButton}
      </div>
      {hint && <div className="muted preflight__hint">{hint}</div>}
      {runStatus}
      {preview.exported === 0 && preview.excludedCount > 0 && (
        <div className="muted">None of the {formatCount(preview.matched)} matching events can go to {DESTINATION_PLATFORM[format]} as they are. The reasons are below.</div>
      )}
      {preview.excludedCount > 0 && <ExcludedGroups preview={preview} />}
    </div>
  );
}

const PER_GROUP = 50;

function ExcludedGroups({ preview }: { preview: ExportPreview }) {
  const byCode = new Map<ExclusionCode, ExcludedEvent[]>();
  for (const event of preview.excluded) byCode.set(event.code, [...(byCode.get(event.code) ?? []), event]);
  const codes = EXCLUSION_CODES.filter((code) => (preview.excludedByCode[code] ?? 0) > 0).sort(
    (a, b) => (preview.excludedByCode[b] ?? 0) - (preview.excludedByCode[a] ?? 0),
  );
  return (
    <div className="excluded" data-testid="excluded">
      <div className="excluded__note muted">
        Excluded events are left out of the file and stay in their current status.
        {preview.excludedTruncated && ` Only the first ${formatCount(preview.excluded.length)} are listed by event id; the counts are complete.`}
        {' '}Click a reason to show or hide its events.
      </div>
      {codes.map((code) => (
        <ExcludedGroup key={code} code={code} count={preview.excludedByCode[code] ?? 0} events={byCode.get(code) ?? []} defaultOpen={(preview.excludedByCode[code] ?? 0) <= 20} />
      ))}
    </div>
  );
}

function ExcludedGroup({ code, count, events, defaultOpen }: { code: ExclusionCode; count: number; events: ExcludedEvent[]; defaultOpen: boolean }) {
  const [open, setOpen] = useState(defaultOpen);
  const [all, setAll] = useState(false);
  const fix = EXCLUSION_FIX[code];
  const shown = all ? events : events.slice(0, PER_GROUP);
  return (
    <div className="excluded-group" data-testid="excluded-group" data-code={code} data-count={count}>
      <button type="button" className="excluded-group__head" aria-expanded={open} onClick={() => setOpen(!open)}>
        <span className="excluded-group__chevron" aria-hidden="true">{open ? '▾' : '▸'}</span>
        <span className="excluded-group__title">{EXCLUSION_TITLES[code]}</span>
        <span className="excluded-group__count">{formatCount(count)}</span>
        {fix && <span className="muted excluded-group__fix">{fix.text}</span>}
      </button>
      {fix?.settings && open && (
        <div className="excluded-group__action">
          <a href={routeHref('settings')}>Open Settings → Destinations</a>
        </div>
      )}
      {open && (
        <div className="excluded-group__scroll">
          <table className="table excluded-table" data-testid="excluded-table">
            <thead>
              <tr><th>Event id</th><th>Reason</th></tr>
            </thead>
            <tbody>
              {shown.map((event) => (
                <tr key={event.id} data-testid="excluded-row" data-event-id={event.eventId}>
                  <td className="mono">{event.eventId}</td>
                  <td className="wrap">{event.reason}</td>
                </tr>
              ))}
              {events.length === 0 && (
                <tr><td colSpan={2} className="muted">Not listed (only the first excluded events are sent to this screen).</td></tr>
              )}
            </tbody>
          </table>
          {events.length > shown.length && (
            <button type="button" className="link-btn excluded-group__more" onClick={() => setAll(true)}>
              Show {formatCount(events.length - shown.length)} more
            </button>
          )}
        </div>
      )}
    </div>
  );
}

/** Empty state for "queued": what to do next depends on whether there are events at all. */
function NoQueuedEvents() {
  const counts = useQuery(() => call('events:statusCounts', {}), []);
  const c = counts.data;
  const total = c ? Object.values(c).reduce((n, v) => n + v, 0) : null;
  return (
    <EmptyState title="No queued events to export">
      {total === 0 ? (
        <p>
          There are no events yet. <a href={routeHref('import')}>Import a CSV</a> first, then queue the events you want to send in Review.
        </p>
      ) : (
        <p>
          Events are exported once they are queued.{' '}
          {c && c.pending > 0 ? (
            <>
              You have {formatCount(c.pending)} pending {plural(c.pending, 'event')}: open <a href={routeHref('review', { status: 'pending' })}>Review → pending events</a>
            </>
          ) : (
            <>
              Open <a href={routeHref('review', { status: 'pending' })}>Review</a>
            </>
          )}
          , check them, select the ones to send and click <strong>Queue</strong>. They then show up here.
        </p>
      )}
    </EmptyState>
  );
}
