import { useState, type ReactNode } from 'react';
import type { ConversionSyncStatus } from '../../../../shared/domain/events';
import { FORMAT_DESTINATION } from '../../../../shared/domain/delivery';
import { EXCLUSION_CODES, exclusionReviewFilter, type ExcludedEvent, type ExclusionCode, type ExportFormat, type ExportPreview } from '../../../../shared/domain/exports';
import type { EventFilter } from '../../../../shared/domain/filters';
import { routeHref } from '../../app/router';
import { EmptyState, ErrorBanner } from '../../components/Page';
import { call } from '../../lib/api';
import { formatCount } from '../../lib/format';
import { useQuery } from '../../lib/hooks';
import { formatInZone, useDisplayZone } from '../../lib/time-zone';
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
  scope: ExportScope;
  /** Events changed here ("Skip these N", Undo): the pre-flight reloads. */
  onChanged(): void;
}

/** "Will export N events · M excluded", then the excluded events grouped by reason. */
export function Preflight({ format, status, narrowed, preview, loading, error, onRetry, saveButton, hint, runStatus, scope, onChanged }: PreflightProps) {
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
      {preview.excludedCount > 0 && <ExcludedGroups preview={preview} scope={scope} onChanged={onChanged} />}
    </div>
  );
}

const PER_GROUP = 50;

/** The Review link of a group: the export's own scope (its destination's delivery status, event, days) and the problem. */
export function reviewParamsOf(format: ExportFormat, scope: ExportScope, code: ExclusionCode): Record<string, string> | null {
  const problem = exclusionReviewFilter(format, code);
  if (!problem) return null;
  const destination = FORMAT_DESTINATION[format];
  const params: Record<string, string> = {};
  if (destination && scope.status !== 'any') params.delivery = `${destination}:${scope.status}`;
  if (scope.eventName) params.event = scope.eventName;
  if (scope.from) params.from = scope.from;
  if (scope.to) params.to = scope.to;
  if (problem.hasClickId === false) params.click = 'no';
  else if (problem.tooOldFor) params.problem = `too_old:${problem.tooOldFor}`;
  else if (problem.unmappedFor) params.problem = `unmapped:${problem.unmappedFor}`;
  else if (problem.noIdentifiersFor) params.problem = `no_ids:${problem.noIdentifiersFor}`;
  return params;
}

/** What the Export screen filters on, for the groups' links and "Skip these N". */
export interface ExportScope {
  status: ConversionSyncStatus | 'any';
  eventName: string;
  from: string;
  to: string;
  /** The same scope as the EventFilter the pre-flight ran with. */
  filter: EventFilter;
}

interface Skipped {
  code: ExclusionCode;
  changed: number;
  undoToken: string | null;
  note?: string;
}

function ExcludedGroups({ preview, scope, onChanged }: { preview: ExportPreview; scope: ExportScope; onChanged(): void }) {
  const zone = useDisplayZone();
  const [skipped, setSkipped] = useState<Skipped | null>(null);
  const [error, setError] = useState<unknown>(null);
  const byCode = new Map<ExclusionCode, ExcludedEvent[]>();
  for (const event of preview.excluded) for (const code of event.codes) byCode.set(code, [...(byCode.get(code) ?? []), event]);
  const codes = EXCLUSION_CODES.filter((code) => (preview.excludedByCode[code] ?? 0) > 0).sort(
    (a, b) => (preview.excludedByCode[b] ?? 0) - (preview.excludedByCode[a] ?? 0),
  );
  const skip = async (code: ExclusionCode, events: ExcludedEvent[]) => {
    setError(null);
    try {
      const linked = exclusionReviewFilter(preview.format, code) !== null;
      const outcome = await call('exports:skipExcluded', { format: preview.format, filter: scope.filter, code, ...(linked ? {} : { eventIds: events.map((e) => e.id) }) });
      setSkipped({ code, changed: outcome.changed, undoToken: outcome.undoToken });
      onChanged();
    } catch (e) {
      setError(e);
    }
  };
  const undo = async () => {
    if (!skipped?.undoToken) return;
    setError(null);
    try {
      const { restored } = await call('events:undoTransition', { undoToken: skipped.undoToken });
      setSkipped({ ...skipped, undoToken: null, note: `Undone: ${formatCount(restored)} ${plural(restored, 'event')} back as they were.` });
      onChanged();
    } catch (e) {
      setError(e);
    }
  };
  const platform = DESTINATION_PLATFORM[preview.format];
  return (
    <div className="excluded" data-testid="excluded">
      <div className="excluded__note muted">
        Excluded events are left out of the file and stay in their current status. An event with several problems is listed under each.
        {preview.excludedTruncated && ` Only the first ${formatCount(preview.excluded.length)} are listed; the counts are complete.`}
        {' '}Times are in {zone.zone}.
      </div>
      {error !== null && <ErrorBanner error={error} />}
      {skipped && (
        <div className="banner banner--info" role="status" data-testid="skip-outcome">
          <span>
            {skipped.note ?? `Skipped ${formatCount(skipped.changed)} ${plural(skipped.changed, 'event')} for ${platform} (${EXCLUSION_TITLES[skipped.code].toLowerCase()}).`}
          </span>
          {skipped.undoToken && (
            <button type="button" className="btn" data-testid="skip-undo" onClick={() => void undo()}>
              Undo
            </button>
          )}
        </div>
      )}
      {codes.map((code) => (
        <ExcludedGroup
          key={code}
          code={code}
          count={preview.excludedByCode[code] ?? 0}
          events={byCode.get(code) ?? []}
          defaultOpen={(preview.excludedByCode[code] ?? 0) <= 20}
          reviewParams={reviewParamsOf(preview.format, scope, code)}
          zone={zone.zone}
          platform={platform}
          onSkip={(events) => void skip(code, events)}
        />
      ))}
    </div>
  );
}

interface ExcludedGroupProps {
  code: ExclusionCode;
  count: number;
  events: ExcludedEvent[];
  defaultOpen: boolean;
  reviewParams: Record<string, string> | null;
  zone: string;
  platform: string;
  onSkip(events: ExcludedEvent[]): void;
}

function ExcludedGroup({ code, count, events, defaultOpen, reviewParams, zone, platform, onSkip }: ExcludedGroupProps) {
  const [open, setOpen] = useState(defaultOpen);
  const [all, setAll] = useState(false);
  const fix = EXCLUSION_FIX[code];
  const shown = all ? events : events.slice(0, PER_GROUP);
  // Without a review filter the group is skipped by its listed events, so only when all of them are listed.
  const canSkip = reviewParams !== null || events.length === count;
  return (
    <div className="excluded-group" data-testid="excluded-group" data-code={code} data-count={count}>
      <div className="excluded-group__bar">
        <button type="button" className="excluded-group__head" aria-expanded={open} onClick={() => setOpen(!open)}>
          <span className="excluded-group__chevron" aria-hidden="true">{open ? '▾' : '▸'}</span>
          <span className="excluded-group__title">{EXCLUSION_TITLES[code]}</span>
          <span className="excluded-group__count">{formatCount(count)}</span>
          {fix && <span className="muted excluded-group__fix">{fix.text}</span>}
        </button>
        <span className="excluded-group__actions">
          {reviewParams && (
            <a href={routeHref('review', reviewParams)} data-testid="excluded-review" title="Open these events in Review with a matching filter">
              Show in Review
            </a>
          )}
          {fix?.settings && <a href={routeHref('settings')}>Settings</a>}
          {canSkip && (
            <button type="button" className="btn btn--small" data-testid="excluded-skip" title={`Skip them for ${platform} only; Undo is offered`} onClick={() => onSkip(events)}>
              Skip these {formatCount(count)}
            </button>
          )}
        </span>
      </div>
      {open && (
        <div className="excluded-group__scroll">
          <table className="table excluded-table" data-testid="excluded-table">
            <thead>
              <tr>
                <th>Order id</th>
                <th className="num">Line</th>
                <th>Time ({zone})</th>
                <th>Reasons</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((event) => (
                <tr key={event.id} data-testid="excluded-row" data-event-id={event.eventId}>
                  <td className="mono" title={`Event id ${event.eventId}`}>{event.orderId ?? <span className="muted" title={event.eventId}>no order id</span>}</td>
                  <td className="num" title="Line in the imported file">{event.sourceLine ?? '—'}</td>
                  <td className="nowrap" title={event.eventTime}>{formatInZone(event.eventTime, zone)}</td>
                  <td className="wrap">
                    <ul className="excluded-reasons">
                      {event.reasons.map((reason, i) => (
                        <li key={i} data-testid="excluded-reason">{reason}</li>
                      ))}
                    </ul>
                  </td>
                </tr>
              ))}
              {events.length === 0 && (
                <tr><td colSpan={4} className="muted">Not listed (only the first excluded events are sent to this screen).</td></tr>
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
