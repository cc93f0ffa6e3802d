import { useState } from 'react';
import type { FailureEvent, FailureGroup, SendResult, SendRunSummary } from '../../../../shared/domain/send';
import { routeHref } from '../../app/router';
import { ErrorBanner } from '../../components/Page';
import { call } from '../../lib/api';
import { formatCount, formatDateTime } from '../../lib/format';
import { useQuery } from '../../lib/hooks';
import { plural } from '../export/labels';

/** The platform a run went to, as its result says it. */
export const RUN_DESTINATION_LABEL: Record<SendRunSummary['destination'], string> = { meta: 'Meta', google_ads: 'Google Ads' };

export const RUN_STATUS_LABEL: Record<SendRunSummary['status'], string> = {
  running: 'Running',
  completed: 'Completed',
  stopped: 'Stopped',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted (resent at the next send)',
};

/** The result of one run: accepted, failed by reason (each reason → its events → file and line), excluded by reason. */
export function RunResult({ result, onRetried }: { result: SendResult; onRetried(): void }) {
  const groups = useQuery(() => call('send:failures', { runId: result.runId }), [result.runId]);
  const tone = result.status === 'completed' ? (result.failedCount ? 'banner--warn' : 'banner--ok') : 'banner--error';
  return (
    <section className="card send-result" data-testid="send-result" data-run-id={result.runId} data-dry-run={String(result.dryRun)} data-status={result.status} data-sent={result.sent} data-failed={result.failedCount}>
      <div className={`banner ${tone}`} role="status" data-testid="send-result-summary">
        <span>
          {result.dryRun ? 'Dry run: ' : ''}
          <strong>{formatCount(result.sent)}</strong> {result.dryRun ? 'would be accepted' : `accepted by ${RUN_DESTINATION_LABEL[result.destination]}`} · <strong>{formatCount(result.failedCount)}</strong> failed ·{' '}
          {formatCount(result.excludedCount)} left out by the pre-flight · {result.requests} {plural(result.requests, 'request')}
          {result.retries ? ` · ${result.retries} ${plural(result.retries, 'retry', 'retries')}` : ''}
          {result.dryRun ? ' · no status was changed' : ''}
        </span>
      </div>
      {result.error && (
        <div className="banner banner--error" data-testid="send-result-error">
          <span>{result.error}</span>
        </div>
      )}
      <ErrorBanner error={groups.error} />
      {(groups.data ?? []).map((group) => (
        <FailureReason key={`${group.outcome}|${group.code}|${group.reason}`} runId={result.runId} group={group} canRetry={!result.dryRun && group.outcome === 'failed'} onRetried={onRetried} />
      ))}
    </section>
  );
}

function FailureReason({ runId, group, canRetry, onRetried }: { runId: string; group: FailureGroup; canRetry: boolean; onRetried(): void }) {
  const [open, setOpen] = useState(false);
  const [events, setEvents] = useState<FailureEvent[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [retried, setRetried] = useState<number | null>(null);
  const load = async () => {
    const list = events ?? (await call('send:failureEvents', { runId, outcome: group.outcome, code: group.code, reason: group.reason }));
    setEvents(list);
    return list;
  };
  const toggle = async () => {
    setOpen(!open);
    if (!open && !events) await load().catch(setError);
  };
  const retry = async () => {
    try {
      const list = await load();
      const { requeued } = await call('send:retry', { to: 'meta', eventIds: list.map((e) => e.id) });
      setRetried(requeued);
      onRetried();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <div className={`send-reason send-reason--${group.outcome}`} data-testid="send-reason" data-code={group.code}>
      <div className="send-reason__head">
        <button type="button" className="btn btn--link" aria-expanded={open} data-testid="send-reason-toggle" onClick={() => void toggle()}>
          {open ? '▾' : '▸'} {formatCount(group.count)} {group.outcome === 'failed' ? 'failed' : 'left out'} · <code>{group.code}</code> · {group.reason}
        </button>
        <span className="spacer" />
        {canRetry && retried === null && (
          <button type="button" className="btn" data-testid="send-reason-retry" onClick={() => void retry()}>
            Retry {plural(group.count, 'this event', 'these events')}
          </button>
        )}
        {retried !== null && <span className="muted" data-testid="send-reason-retried">{formatCount(retried)} queued for Meta again</span>}
      </div>
      <ErrorBanner error={error} />
      {open && events && (
        <ul className="send-reason__events" data-testid="send-reason-events">
          {events.map((event) => (
            <li key={event.id} data-testid="send-failed-event">
              <code>{event.eventId}</code>
              <span className="muted"> · {event.fileName ? `${event.fileName}, line ${event.sourceLine ?? '?'}` : 'added by hand (no file)'} · now {event.status}</span>
            </li>
          ))}
          {events.length < group.count && <li className="muted">… and {formatCount(group.count - events.length)} more</li>}
        </ul>
      )}
    </div>
  );
}

/** Earlier runs, newest first (file batches are on Export & batches). */
export function RunHistory({ runs }: { runs: SendRunSummary[] }) {
  if (!runs.length) return null;
  return (
    <section className="card send-history" data-testid="send-history">
      <h2 className="settings-section__title">Sends</h2>
      <table className="table">
        <thead>
          <tr>
            <th>Started</th>
            <th>Destination</th>
            <th>Status</th>
            <th>Sent</th>
            <th>Failed</th>
            <th>Left out</th>
            <th>Requests</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.runId} data-testid="send-history-row" data-run-id={run.runId}>
              <td>
                <a href={routeHref('send', { run: run.runId })} title="Show this run's result">
                  {formatDateTime(run.startedAt)}
                </a>
                {run.dryRun ? ' (dry run)' : ''}
              </td>
              <td>{RUN_DESTINATION_LABEL[run.destination]}</td>
              <td title={run.error ?? undefined}>{RUN_STATUS_LABEL[run.status]}</td>
              <td>{run.dryRun ? `${formatCount(run.sent)} would be` : formatCount(run.sent)}</td>
              <td>{formatCount(run.failedCount)}</td>
              <td>{formatCount(run.excludedCount)}</td>
              <td>{formatCount(run.requests)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
