import { useState } from 'react';
import type { SyncBatch } from '../../../../shared/domain/exports';
import type { SendRunSummary } from '../../../../shared/domain/send';
import type { TransitionOutcome } from '../../../../shared/ipc/channels/events';
import { routeHref } from '../../app/router';
import { EmptyState, ErrorBanner } from '../../components/Page';
import { call, errorMessage } from '../../lib/api';
import { formatCount, formatDateTime } from '../../lib/format';
import { SendRunRow } from './SendRunRow';
import { BATCH_STATUS_LABEL, BATCH_STATUS_PILL, DESTINATION_PLATFORM, DESTINATION_SHORT, DESTINATION_TITLE, fileName, plural } from './labels';

interface Outcome {
  batchId: string;
  tone: 'ok' | 'info' | 'warn' | 'error';
  text: string;
}

function describe(outcome: TransitionOutcome, verb: 'sent' | 'failed'): { tone: 'ok' | 'warn'; text: string } {
  const parts = [`${formatCount(outcome.changed)} ${plural(outcome.changed, 'event')} marked ${verb}`];
  const refused = outcome.refused.reduce((n, r) => n + r.count, 0);
  if (refused > 0) parts.push(`${formatCount(refused)} left as they were: ${outcome.refused.map((r) => `${formatCount(r.count)} ${r.status} (${r.reason})`).join('; ')}`);
  if (outcome.missing.length) parts.push(`${formatCount(outcome.missing.length)} no longer exist`);
  return { tone: refused || outcome.missing.length ? 'warn' : 'ok', text: parts.join(' · ') };
}

export interface BatchListProps {
  batches: SyncBatch[] | undefined;
  /** API sends (dry runs left out: they change nothing), listed with the files by date. */
  runs?: SendRunSummary[];
  loading: boolean;
  error: Error | undefined;
  onRetry(): void;
  onChanged(): void;
}

/** Sync batches, newest first: what was exported, where the file is, and whether it was uploaded. */
export function BatchList({ batches, runs = [], loading, error, onRetry, onChanged }: BatchListProps) {
  const [failing, setFailing] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);

  const sends = runs.filter((run) => !run.dryRun);
  // Files and sends in one list, newest first.
  const history: ({ kind: 'batch'; batch: SyncBatch; at: string } | { kind: 'run'; run: SendRunSummary; at: string })[] = [
    ...(batches ?? []).map((batch) => ({ kind: 'batch' as const, batch, at: batch.createdAt })),
    ...sends.map((run) => ({ kind: 'run' as const, run, at: run.startedAt })),
  ].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));

  const markUploaded = async (batch: SyncBatch) => {
    setBusy(batch.id);
    setActionError(null);
    setOutcome(null);
    try {
      const answer = await call('batches:markUploaded', { batchId: batch.id });
      setOutcome(
        answer.outcome.changed === 0 && answer.outcome.refused.length === 0
          ? {
              batchId: batch.id,
              tone: 'info',
              text: `Nothing was marked uploaded: none of this batch’s events is still queued for ${DESTINATION_PLATFORM[batch.destination]} (they were saved again in a newer batch, or sent, skipped or retried since). The batch is now closed.`,
            }
          : { batchId: batch.id, ...describe(answer.outcome, 'sent') },
      );
      onChanged();
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(null);
    }
  };

  const loadResults = async (batch: SyncBatch) => {
    setActionError(null);
    setOutcome(null);
    try {
      const file = await call('files:openDialog', {});
      if (!file) return;
      setBusy(batch.id);
      const answer = await call('batches:applyResults', { batchId: batch.id, file });
      const parts = [`${formatCount(answer.failed)} ${plural(answer.failed, 'event')} marked failed with the platform’s messages`, `${formatCount(answer.accepted)} ${plural(answer.accepted, 'row')} accepted`];
      if (answer.unmatched.length) {
        const first = answer.unmatched.slice(0, 3).map((u) => `line ${u.line} (${u.why})`).join('; ');
        parts.push(`${formatCount(answer.unmatched.length)} refused ${plural(answer.unmatched.length, 'row')} matched no single event of this batch: ${first}${answer.unmatched.length > 3 ? '…' : ''}`);
      }
      setOutcome({ batchId: batch.id, tone: answer.unmatched.length ? 'warn' : answer.failed ? 'info' : 'ok', text: `${parts.join(' · ')}. The batch stays open: mark it uploaded for the accepted rows.` });
      setFailing(null);
      onChanged();
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(null);
    }
  };

  const markFailed = async (batch: SyncBatch) => {
    const text = reason.trim();
    if (!text) return;
    setBusy(batch.id);
    setActionError(null);
    setOutcome(null);
    try {
      const answer = await call('batches:markFailed', { batchId: batch.id, reason: text });
      const described = describe(answer.outcome, 'failed');
      setOutcome({ batchId: batch.id, text: `${described.text}. Fix the cause, then retry them from Review.`, tone: described.tone === 'ok' ? 'info' : described.tone });
      setFailing(null);
      setReason('');
      onChanged();
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="batches" aria-labelledby="batches-title">
      <div className="batches__header">
        <h2 id="batches-title">Batches</h2>
        <span className="muted">Every saved file is a batch. Its events stay queued until you mark the batch uploaded or failed. Sends through the API are listed too.</span>
      </div>
      {actionError !== null && <ErrorBanner error={actionError} />}
      {outcome && (
        <div className={`banner banner--${outcome.tone}`} role="status" data-testid="batch-outcome">
          <span>{outcome.text}</span>
          <button type="button" className="link-btn" onClick={() => setOutcome(null)} aria-label="Dismiss">
            Dismiss
          </button>
        </div>
      )}
      {error && !batches && <ErrorBanner error={error} onRetry={onRetry} />}
      {!batches && loading && <div className="muted">Loading batches…</div>}
      {batches && batches.length === 0 && sends.length === 0 && (
        <div data-testid="batches-empty">
          <EmptyState title="No batches yet">Save a file above; it is listed here so you can mark it uploaded once the platform accepted it.</EmptyState>
        </div>
      )}
      {batches && batches.length + sends.length > 0 && (
        <div className="batches__scroll">
          <table className="table batches-table" data-testid="batches-table">
            <thead>
              <tr>
                <th>Created</th>
                <th>Destination · file</th>
                <th className="num">Events</th>
                <th>Status</th>
                <th className="batches-table__actions">Actions</th>
              </tr>
            </thead>
            <tbody>
              {history.map((entry) =>
                entry.kind === 'run' ? (
                  <SendRunRow key={entry.run.runId} run={entry.run} />
                ) : (
                <BatchRow
                  key={entry.batch.id}
                  batch={entry.batch}
                  busy={busy === entry.batch.id}
                  failing={failing === entry.batch.id}
                  reason={reason}
                  onReason={setReason}
                  onMarkUploaded={() => void markUploaded(entry.batch)}
                  onStartFail={() => (setFailing(entry.batch.id), setReason(''), setActionError(null))}
                  onCancelFail={() => setFailing(null)}
                  onConfirmFail={() => void markFailed(entry.batch)}
                  onLoadResults={() => void loadResults(entry.batch)}
                />
                ),
              )}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

interface BatchRowProps {
  batch: SyncBatch;
  busy: boolean;
  failing: boolean;
  reason: string;
  onReason(value: string): void;
  onMarkUploaded(): void;
  onStartFail(): void;
  onCancelFail(): void;
  onConfirmFail(): void;
  onLoadResults(): void;
}

function BatchRow({ batch, busy, failing, reason, onReason, onMarkUploaded, onStartFail, onCancelFail, onConfirmFail, onLoadResults }: BatchRowProps) {
  const open = batch.status === 'exported';
  const { queued, sent, failed, other } = batch.byStatus;
  const breakdown = [
    queued ? `${formatCount(queued)} queued` : '',
    sent ? `${formatCount(sent)} sent` : '',
    failed ? `${formatCount(failed)} failed` : '',
    other ? `${formatCount(other)} other` : '',
  ].filter(Boolean);
  const reasonId = `fail-reason-${batch.id}`;
  return (
    <>
      <tr data-testid="batch-row" data-batch-id={batch.id} data-status={batch.status} className={failing ? 'is-active' : undefined}>
        <td className="batches-table__created">{formatDateTime(batch.createdAt)}</td>
        <td className="batches-table__dest" title={batch.filePath ?? undefined}>
          <div title={DESTINATION_TITLE[batch.destination]}>{DESTINATION_SHORT[batch.destination] ?? batch.destination}</div>
          <div className="mono batches-table__file" data-testid="batch-file">{fileName(batch.filePath)}</div>
        </td>
        <td className="num batches-table__events">
          <a href={routeHref('review', { batch: batch.id })} title="Show these events in Review">
            {formatCount(batch.eventCount)}
          </a>
          {breakdown.length > 0 ? (
            <div className="batches-table__sub" title="The status these events have now (a closed batch keeps its events, e.g. retried ones are queued again)">
              {breakdown.join(' · ')}
            </div>
          ) : (
            open && batch.eventCount > 0 && <div className="batches-table__sub" title="These events were saved again in a newer batch; they now belong to it.">moved to a newer batch</div>
          )}
        </td>
        <td>
          <span className={`status-pill status-pill--${BATCH_STATUS_PILL[batch.status]}`} data-testid="batch-status">
            {BATCH_STATUS_LABEL[batch.status]}
          </span>
          {batch.status !== 'exported' && batch.closedAt && <div className="batches-table__sub">{formatDateTime(batch.closedAt)}</div>}
          {batch.error && <div className="batches-table__sub batches-table__error wrap" title={batch.error}>{batch.error}</div>}
        </td>
        <td className="batches-table__actions">
          {open ? (
            <div className="row">
              <button type="button" className="btn btn--primary" data-testid="mark-uploaded" disabled={busy} aria-busy={busy} onClick={onMarkUploaded}>
                {busy && !failing ? 'Marking…' : 'Mark uploaded'}
              </button>
              <button type="button" className="btn" data-testid="mark-failed" disabled={busy || failing} onClick={onStartFail}>
                Mark failed…
              </button>
            </div>
          ) : batch.byStatus.failed > 0 ? (
            <a href={routeHref('review', { batch: batch.id, status: 'failed' })} className="batches-table__link">
              Review failed events
            </a>
          ) : (
            <span className="muted">—</span>
          )}
        </td>
      </tr>
      {failing && (
        <tr className="batch-fail-row" data-testid="batch-fail-form">
          <td colSpan={5}>
            <form
              className="batch-fail"
              onSubmit={(e) => {
                e.preventDefault();
                onConfirmFail();
              }}
            >
              <label htmlFor={reasonId} className="batch-fail__label">Reason</label>
              <input
                id={reasonId}
                type="text"
                autoFocus
                maxLength={2000}
                value={reason}
                placeholder="What the platform said, e.g. “Conversion action not found”"
                onChange={(e) => onReason(e.target.value)}
                onKeyDown={(e) => e.key === 'Escape' && onCancelFail()}
              />
              <button type="submit" className="btn btn--danger" disabled={busy || !reason.trim()}>
                {busy ? 'Marking…' : 'Mark failed'}
              </button>
              <button type="button" className="btn" onClick={onCancelFail}>
                Cancel
              </button>
              {batch.destination !== 'csv' && (
                <button type="button" className="btn" data-testid="load-results" disabled={busy} onClick={onLoadResults} title="The platform's per-row results (Google: the upload's results CSV with its Errors column; Meta: rows with error_message): only the refused rows' events become failed, with the platform's message">
                  Load results file…
                </button>
              )}
              <span className="muted batch-fail__hint">
                {queued > 0
                  ? `All ${formatCount(queued)} queued ${plural(queued, 'event')} of this batch become failed; retry them later from Review.`
                  : 'No queued events are left in this batch (they were saved again in a newer batch); only the batch is marked failed.'}{' '}
                Only some rows refused?{' '}
                <a href={routeHref('review', { batch: batch.id })}>Open the batch in Review</a>, select those events and use Mark failed… there instead.
              </span>
            </form>
          </td>
        </tr>
      )}
    </>
  );
}
