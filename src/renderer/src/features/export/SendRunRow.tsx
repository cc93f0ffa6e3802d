import type { SendRunSummary } from '../../../../shared/domain/send';
import { routeHref } from '../../app/router';
import { formatCount, formatDateTime } from '../../lib/format';
import { RUN_DESTINATION_LABEL, RUN_STATUS_LABEL } from '../send/RunResult';

const RUN_STATUS_PILL: Record<SendRunSummary['status'], string> = {
  running: 'queued',
  completed: 'sent',
  stopped: 'failed',
  cancelled: 'skipped',
  interrupted: 'skipped',
};

/** One API send in the batches history: where it went, what the platform took, how it ended, and a link to its result. */
export function SendRunRow({ run }: { run: SendRunSummary }) {
  const counts = [
    `${formatCount(run.sent)} sent`,
    run.failedCount ? `${formatCount(run.failedCount)} failed` : '',
    run.excludedCount ? `${formatCount(run.excludedCount)} left out` : '',
  ].filter(Boolean);
  return (
    <tr data-testid="send-run-row" data-run-id={run.runId} data-destination={run.destination} data-status={run.status}>
      <td className="batches-table__created">{formatDateTime(run.startedAt)}</td>
      <td className="batches-table__dest">
        <div>{RUN_DESTINATION_LABEL[run.destination]}</div>
        <div className="muted batches-table__file">sent through the API · {formatCount(run.requests)} {run.requests === 1 ? 'request' : 'requests'}</div>
      </td>
      <td className="num batches-table__events">
        {formatCount(run.sent + run.failedCount)}
        <div className="batches-table__sub" data-testid="send-run-counts">{counts.join(' · ')}</div>
      </td>
      <td>
        <span className={`status-pill status-pill--${RUN_STATUS_PILL[run.status]}`} data-testid="send-run-status">
          {RUN_STATUS_LABEL[run.status]}
        </span>
        {run.finishedAt && <div className="batches-table__sub">{formatDateTime(run.finishedAt)}</div>}
        {run.error && <div className="batches-table__sub batches-table__error wrap" title={run.error}>{run.error}</div>}
      </td>
      <td className="batches-table__actions">
        <a href={routeHref('send', { run: run.runId })} className="batches-table__link" data-testid="send-run-link">
          Open the send
        </a>
      </td>
    </tr>
  );
}
