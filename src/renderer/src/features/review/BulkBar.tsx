import { useEffect, useRef, useState } from 'react';
import { SYNC_STATUSES, type ConversionSyncStatus } from '../../../../shared/domain/events';
import type { EventFilter } from '../../../../shared/domain/filters';
import { TRANSITIONS, type SyncAction } from '../../../../shared/domain/sync';
import type { BulkJobInput, BulkResult, JobInfo, StatusCounts, TransitionOutcome } from '../../../../shared/ipc/channels/events';
import type { JobProgress } from '../../../../shared/ipc/events';
import { Dialog } from '../../components/Dialog';
import { ApiError, call, errorMessage, onPush } from '../../lib/api';
import { formatCount } from '../../lib/format';
import type { CatalogData } from '../catalog/useCatalog';
import { QueueCheck } from './QueueCheck';

export type BulkTarget = { kind: 'ids'; ids: string[]; byStatus: StatusCounts } | { kind: 'filter'; filter: EventFilter; total: number; byStatus: StatusCounts };

export interface BulkOutcome {
  text: string;
  tone: 'ok' | 'warn' | 'error';
  undoToken: string | null;
}

const DONE_VERB: Record<SyncAction, string> = {
  queue: 'Queued',
  unqueue: 'Unqueued',
  skip: 'Skipped',
  restore: 'Restored',
  mark_sent: 'Marked sent',
  mark_failed: 'Marked failed',
  retry: 'Queued again',
};

const BUTTONS: { action: SyncAction; label: string; key?: string }[] = [
  { action: 'queue', label: 'Queue', key: 'q' },
  { action: 'unqueue', label: 'Unqueue' },
  { action: 'skip', label: 'Skip', key: 's' },
  { action: 'restore', label: 'Restore' },
  { action: 'mark_sent', label: 'Mark sent' },
  { action: 'mark_failed', label: 'Mark failed…' },
  { action: 'retry', label: 'Retry' },
];

export const targetCount = (target: BulkTarget) => (target.kind === 'ids' ? target.ids.length : target.total);
export const eligibleCount = (action: SyncAction, byStatus: StatusCounts) => TRANSITIONS[action].from.reduce((n, s) => n + (byStatus[s] ?? 0), 0);
const apiTarget = (target: BulkTarget) => (target.kind === 'ids' ? { ids: target.ids } : { filter: target.filter });
const events = (n: number) => `${formatCount(n)} event${n === 1 ? '' : 's'}`;

export function describeOutcome(action: SyncAction, outcome: TransitionOutcome): BulkOutcome {
  // Events already where the action leads (queuing queued events) are not refusals: they are done.
  const already = outcome.refused.filter((r) => r.status === TRANSITIONS[action].to).reduce((n, r) => n + r.count, 0);
  const refusedGroups = outcome.refused.filter((r) => r.status !== TRANSITIONS[action].to);
  const parts = outcome.changed > 0 || !already ? [`${DONE_VERB[action]} ${formatCount(outcome.changed)}`] : [];
  if (already) parts.push(`${formatCount(already)} already ${TRANSITIONS[action].to}`);
  const refused = refusedGroups.reduce((n, r) => n + r.count, 0);
  if (refused > 0) parts.push(`${formatCount(refused)} refused: ${refusedGroups.map((r) => (refusedGroups.length > 1 ? `${formatCount(r.count)} ${r.reason}` : r.reason)).join('; ')}`);
  if (outcome.missing.length) parts.push(`${formatCount(outcome.missing.length)} no longer exist`);
  return { text: parts.join(' · '), tone: refused || outcome.missing.length ? 'warn' : 'ok', undoToken: outcome.undoToken };
}

const isOutcome = (details: unknown): details is TransitionOutcome =>
  typeof details === 'object' && details !== null && Array.isArray((details as TransitionOutcome).refused) && typeof (details as TransitionOutcome).changed === 'number';

/**
 * Runs a change in the jobs worker (answers at once with a job id, so the window can show progress
 * and offer Stop), then waits for it to finish.
 */
export async function runJob(input: BulkJobInput, onJob: (jobId: string) => void): Promise<JobInfo> {
  const job = await call('events:bulkJob', input);
  onJob(job.jobId);
  return job.state === 'running' ? call('jobs:wait', { jobId: job.jobId }) : job;
}

function jobOutcome(job: JobInfo, describe: (result: BulkResult) => BulkOutcome): BulkOutcome {
  if (job.state === 'cancelled') return { text: 'Stopped — nothing was changed', tone: 'warn', undoToken: null };
  if (job.state !== 'done' || !job.result) return { text: job.error?.message ?? 'The change failed; nothing was changed', tone: 'error', undoToken: null };
  return describe(job.result);
}

const failure = (error: unknown): BulkOutcome => ({ text: errorMessage(error), tone: 'error', undoToken: null });

/**
 * Runs one status action on a target: selected ids straight through `events:transition`, a whole
 * filter as a job. An all-refused answer (illegal_transition) becomes an outcome, not an error.
 */
export async function runTransition(action: SyncAction, target: BulkTarget, reason?: string, onJob?: (jobId: string) => void): Promise<BulkOutcome> {
  try {
    if (target.kind === 'filter' && onJob) {
      const job = await runJob({ op: 'transition', action, target: apiTarget(target), ...(reason ? { reason } : {}) }, onJob);
      return jobOutcome(job, (r) => (r.op === 'transition' ? describeOutcome(action, r.outcome) : failure('Unexpected answer')));
    }
    const outcome = await call('events:transition', { action, target: apiTarget(target), ...(reason ? { reason } : {}) });
    return describeOutcome(action, outcome);
  } catch (error) {
    if (error instanceof ApiError && error.code === 'illegal_transition') {
      // All already there (re-queuing queued rows): say so, it is not an error.
      if (isOutcome(error.details) && error.details.refused.every((r) => r.status === TRANSITIONS[action].to)) return describeOutcome(action, error.details);
      return { text: error.message, tone: 'error', undoToken: null };
    }
    return failure(error);
  }
}

const describeDelete = (r: { deleted: number; refused: number; reason: string | null }): BulkOutcome => {
  const parts = [`Deleted ${formatCount(r.deleted)}`];
  if (r.refused) parts.push(`${formatCount(r.refused)} refused: ${r.reason ?? 'sent events are kept'}`);
  return { text: parts.join(' · '), tone: r.refused ? 'warn' : 'ok', undoToken: null };
};

type Pending =
  | { kind: 'transition'; action: SyncAction }
  | { kind: 'delete' }
  | { kind: 'assign' };

export interface BulkBarProps {
  target: BulkTarget;
  catalog: CatalogData;
  onOutcome(outcome: BulkOutcome): void;
  onClear(): void;
  /** Filled from outside (keyboard shortcut) to start an action with its confirmation. */
  request: { action: SyncAction; nonce: number } | null;
  onRequestHandled(): void;
}

export function BulkBar({ target, catalog, onOutcome, onClear, request, onRequestHandled }: BulkBarProps) {
  const [pending, setPending] = useState<Pending | null>(null);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<JobProgress | null>(null);
  const [reason, setReason] = useState('');
  const [campaign, setCampaign] = useState('keep');
  const [brand, setBrand] = useState('keep');
  const count = targetCount(target);
  const byFilter = target.kind === 'filter';

  useEffect(() => {
    if (!busy) return;
    return onPush('job:progress', (p) => p.kind === 'bulk' && (!jobId.current || p.jobId === jobId.current) && setProgress(p));
  }, [busy]);

  const jobId = useRef<string | null>(null);
  const onJob = (id: string) => {
    jobId.current = id;
  };
  const execute = async (work: () => Promise<BulkOutcome>) => {
    setBusy(true);
    setProgress(null);
    jobId.current = null;
    try {
      onOutcome(await work());
    } finally {
      setBusy(false);
      setPending(null);
      setProgress(null);
      jobId.current = null;
    }
  };
  const stop = () => {
    if (jobId.current) void call('jobs:cancel', { jobId: jobId.current }).catch(() => undefined);
  };
  const closeOrStop = () => (busy ? stop() : setPending(null));

  // Every action shows its count and asks before it runs (Enter confirms).
  const start = (action: SyncAction) => {
    if (action === 'mark_failed') setReason('');
    setPending({ kind: 'transition', action });
  };

  useEffect(() => {
    if (!request) return;
    onRequestHandled();
    if (!busy && !pending && eligibleCount(request.action, target.byStatus) > 0) start(request.action);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [request?.nonce]);

  const doDelete = () =>
    execute(async () => {
      try {
        if (byFilter) {
          const job = await runJob({ op: 'delete', target: apiTarget(target) }, onJob);
          return jobOutcome(job, (r) => (r.op === 'delete' ? describeDelete(r) : failure('Unexpected answer')));
        }
        return describeDelete(await call('events:delete', { target: apiTarget(target) }));
      } catch (error) {
        return failure(error);
      }
    });

  const doAssign = () =>
    execute(async () => {
      const pick = (v: string) => (v === 'keep' ? undefined : v === 'none' ? null : v);
      const describe = (changed: number): BulkOutcome => ({ text: `Updated campaign/brand of ${events(changed)}`, tone: 'ok', undoToken: null });
      try {
        if (byFilter) {
          const job = await runJob({ op: 'assign', target: apiTarget(target), campaignId: pick(campaign), brandId: pick(brand) }, onJob);
          return jobOutcome(job, (r) => (r.op === 'assign' ? describe(r.changed) : failure('Unexpected answer')));
        }
        return describe((await call('events:assign', { target: apiTarget(target), campaignId: pick(campaign), brandId: pick(brand) })).changed);
      } catch (error) {
        return failure(error);
      }
    });

  const progressBlock = busy && (
    <div className="job-progress" role="status" data-testid="job-progress">
      <div className="progress">
        <div className="progress__bar" style={{ width: progress && progress.total > 0 ? `${Math.round((100 * progress.done) / progress.total)}%` : '0%' }} />
      </div>
      <span className="muted">
        {progress && progress.total > 0 ? `${formatCount(progress.done)} of ${formatCount(progress.total)}` : 'Starting…'} · Stop rolls everything back
      </span>
    </div>
  );

  const who = byFilter ? `all ${events(count)} matching the filter` : `${events(count)}`;
  const sentCount = target.byStatus.sent ?? 0;

  return (
    <div className="bulk-bar" role="toolbar" aria-label="Bulk actions" data-testid="bulk-bar" data-target={target.kind} data-count={count}>
      <span className="bulk-bar__count" data-testid="bulk-count">
        {byFilter ? <>All <strong>{formatCount(count)}</strong> matching</> : <><strong>{formatCount(count)}</strong> selected</>}
      </span>
      <div className="bulk-bar__actions">
        {BUTTONS.map(({ action, label, key }) => {
          const eligible = eligibleCount(action, target.byStatus);
          return (
            <button
              key={action}
              type="button"
              onClick={() => start(action)}
              disabled={busy || eligible === 0}
              title={`${eligible === count ? 'All' : `${formatCount(eligible)} of ${formatCount(count)}`} can be ${DONE_VERB[action].toLowerCase()} (from ${TRANSITIONS[action].from.join(' / ')})${key ? ` · key ${key.toUpperCase()}` : ''}`}
              data-action={action}
            >
              {label}
            </button>
          );
        })}
        <span className="bulk-bar__sep" />
        <button type="button" onClick={() => (setCampaign('keep'), setBrand('keep'), setPending({ kind: 'assign' }))} disabled={busy}>
          Assign…
        </button>
        <button type="button" className="btn--danger" onClick={() => setPending({ kind: 'delete' })} disabled={busy || sentCount === count}>
          Delete…
        </button>
      </div>
      {busy && (
        <span className="bulk-bar__busy" role="status">
          Working…
        </span>
      )}
      <button type="button" className="bulk-bar__clear" onClick={onClear} title="Clear selection (Esc)" aria-label="Clear selection">
        ×
      </button>

      {pending?.kind === 'transition' && (
        <Dialog
          title={confirmTitle(pending.action, who)}
          confirmLabel={`${BUTTONS.find((b) => b.action === pending.action)!.label.replace('…', '')} ${formatCount(eligibleCount(pending.action, target.byStatus))}`}
          confirmDisabled={pending.action === 'mark_failed' && !reason.trim()}
          busy={busy}
          cancelLabel={busy && byFilter ? 'Stop' : 'Cancel'}
          onCancel={closeOrStop}
          onConfirm={() => void execute(() => runTransition(pending.action, target, pending.action === 'mark_failed' ? reason.trim() : undefined, onJob))}
          testId="confirm-dialog"
        >
          <TransitionSummary action={pending.action} target={target} />
          {pending.action === 'queue' && <QueueCheck target={apiTarget(target)} />}
          {progressBlock}
          {pending.action === 'mark_failed' && (
            <label className="field">
              <span className="field__label">Reason (shown in the event's history and sync error)</span>
              <textarea value={reason} onChange={(e) => setReason(e.target.value)} rows={3} maxLength={2000} aria-label="Reason" placeholder="e.g. Google rejected the file: UNPARSEABLE_GCLID" />
            </label>
          )}
        </Dialog>
      )}
      {pending?.kind === 'delete' && (
        <Dialog
          title={`Delete ${who}?`}
          confirmLabel={`Delete ${formatCount(count - sentCount)}`}
          danger
          busy={busy}
          cancelLabel={busy && byFilter ? 'Stop' : 'Cancel'}
          onCancel={closeOrStop}
          onConfirm={() => void doDelete()}
          testId="confirm-dialog"
        >
          <p>Deleted events are removed from this database for good; this cannot be undone.</p>
          {sentCount > 0 && <p className="muted">{events(sentCount)} already sent will be kept: sent events cannot be deleted.</p>}
          {progressBlock}
        </Dialog>
      )}
      {pending?.kind === 'assign' && (
        <Dialog
          title={`Set campaign / brand of ${who}`}
          confirmLabel={`Assign to ${formatCount(count)}`}
          confirmDisabled={campaign === 'keep' && brand === 'keep'}
          busy={busy}
          cancelLabel={busy && byFilter ? 'Stop' : 'Cancel'}
          onCancel={closeOrStop}
          onConfirm={() => void doAssign()}
          testId="assign-dialog"
        >
          <label className="field">
            <span className="field__label">Campaign</span>
            <select value={campaign} onChange={(e) => setCampaign(e.target.value)} aria-label="Campaign to assign">
              <option value="keep">Leave unchanged</option>
              <option value="none">Clear (no campaign)</option>
              {catalog.campaigns.map((c) => (
                <option key={c.id} value={c.id}>{c.name}</option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="field__label">Brand</span>
            <select value={brand} onChange={(e) => setBrand(e.target.value)} aria-label="Brand to assign">
              <option value="keep">Leave unchanged</option>
              <option value="none">Clear (no brand)</option>
              {catalog.brands.map((b) => (
                <option key={b.id} value={b.id}>{b.name}</option>
              ))}
            </select>
          </label>
          {catalog.campaigns.length + catalog.brands.length === 0 && (
            <p className="muted">No campaigns or brands yet: create them under Campaigns &amp; brands.</p>
          )}
          {progressBlock}
        </Dialog>
      )}
    </div>
  );
}

function confirmTitle(action: SyncAction, who: string): string {
  switch (action) {
    case 'mark_sent':
      return `Mark ${who} as sent?`;
    case 'mark_failed':
      return `Mark ${who} as failed`;
    default:
      return `${BUTTONS.find((b) => b.action === action)!.label} ${who}?`;
  }
}

function TransitionSummary({ action, target }: { action: SyncAction; target: BulkTarget }) {
  const count = targetCount(target);
  const eligible = eligibleCount(action, target.byStatus);
  const others = SYNC_STATUSES.filter((s: ConversionSyncStatus) => !TRANSITIONS[action].from.includes(s) && (target.byStatus[s] ?? 0) > 0);
  return (
    <div className="transition-summary" data-testid="transition-summary">
      <p>
        <strong>{formatCount(eligible)}</strong> of {events(count)} will move to <strong>{TRANSITIONS[action].to}</strong>.
      </p>
      {others.length > 0 && (
        <p className="muted">
          Left unchanged: {others.map((s) => `${formatCount(target.byStatus[s])} ${s}`).join(', ')} (only {TRANSITIONS[action].from.join(' / ')} events can make this change).
        </p>
      )}
    </div>
  );
}
