import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { EVENT_NAMES, SYNC_STATUSES, type ConversionEventName, type ConversionSyncStatus } from '../../../../shared/domain/events';
import type { ExportFormat, ExportResult } from '../../../../shared/domain/exports';
import type { EventFilter } from '../../../../shared/domain/filters';
import type { JobProgress } from '../../../../shared/ipc/events';
import type { ScreenProps } from '../../app/screens';
import { Dialog } from '../../components/Dialog';
import { ErrorBanner, Page } from '../../components/Page';
import { ApiError, call, onPush } from '../../lib/api';
import { formatCount } from '../../lib/format';
import { useQuery, useStoredState } from '../../lib/hooks';
import { BatchList } from './BatchList';
import { DestinationPicker } from './DestinationPicker';
import { DESTINATION_PLATFORM, fileName, formatBytes, plural } from './labels';
import { Preflight } from './Preflight';

type StatusChoice = ConversionSyncStatus | 'any';

interface ExportFilterState {
  status: StatusChoice;
  eventName: ConversionEventName | '';
  from: string; // yyyy-mm-dd, local day, inclusive
  to: string;
}

const DEFAULT_FILTER: ExportFilterState = { status: 'queued', eventName: '', from: '', to: '' };

/** Start of a local calendar day as an ISO instant (plusDays = 1 gives the exclusive upper bound). */
function localDayToIso(day: string, plusDays = 0): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d + plusDays).toISOString();
}

function toEventFilter(state: ExportFilterState): EventFilter {
  const filter: EventFilter = { statuses: state.status === 'any' ? [...SYNC_STATUSES] : [state.status] };
  if (state.eventName) filter.eventNames = [state.eventName];
  if (state.from) filter.timeFrom = localDayToIso(state.from);
  if (state.to) filter.timeTo = localDayToIso(state.to, 1);
  return filter;
}

type Run =
  | { kind: 'idle' }
  | { kind: 'running'; jobId: string; progress: JobProgress | null; cancelling: boolean }
  | { kind: 'done'; result: ExportResult }
  | { kind: 'message'; tone: 'info' | 'error'; text: string }
  | { kind: 'error'; error: unknown };

/** Pick a destination and filter → pre-flight (count and exclusions) → save the file → the batch appears below. */
export function ExportScreen(_props: ScreenProps) {
  const [format, setFormat] = useStoredState<ExportFormat>('export.format', 'google-click');
  const [filterState, setFilterState] = useState<ExportFilterState>(DEFAULT_FILTER);
  const [error, setError] = useState<unknown>(null);
  const [run, setRun] = useState<Run>({ kind: 'idle' });
  const jobRef = useRef<string | null>(null);

  const rangeProblem = filterState.from && filterState.to && filterState.from > filterState.to ? '“From” is after “To”.' : null;
  const filter = useMemo(() => toEventFilter(filterState), [filterState]);
  const filterKey = JSON.stringify(filter);
  const preview = useQuery(
    () => (rangeProblem ? Promise.resolve(undefined) : call('exports:preview', { format, filter })),
    [format, filterKey, rangeProblem],
  );
  const batches = useQuery(() => call('batches:list', { limit: 100 }), []);
  const sendRuns = useQuery(() => call('send:runs', { limit: 100 }), []);

  useEffect(
    () =>
      onPush('job:progress', (progress) => {
        if (progress.jobId !== jobRef.current) return;
        setRun((current) => (current.kind === 'running' && current.jobId === progress.jobId ? { ...current, progress } : current));
      }),
    [],
  );

  const patchFilter = (patch: Partial<ExportFilterState>) => {
    setFilterState((current) => ({ ...current, ...patch }));
    if (run.kind !== 'running') setRun({ kind: 'idle' });
  };

  const save = useCallback(async () => {
    setError(null);
    const jobId = crypto.randomUUID();
    jobRef.current = jobId;
    setRun({ kind: 'running', jobId, progress: null, cancelling: false });
    try {
      const result = await call('exports:run', { format, filter, jobId });
      setRun(result ? { kind: 'done', result } : { kind: 'message', tone: 'info', text: 'Nothing was saved (the save dialog was closed).' });
      batches.reload();
      preview.reload();
    } catch (e) {
      if (e instanceof ApiError && e.code === 'cancelled') setRun({ kind: 'message', tone: 'info', text: e.message });
      else setRun({ kind: 'error', error: e });
    } finally {
      jobRef.current = null;
    }
  }, [format, filter, batches, preview]);

  const cancel = async (jobId: string) => {
    setRun((current) => (current.kind === 'running' ? { ...current, cancelling: true } : current));
    try {
      const { cancelled } = await call('exports:cancel', { jobId });
      if (!cancelled) setRun((current) => (current.kind === 'running' ? { ...current, cancelling: false } : current));
    } catch (e) {
      setError(e);
    }
  };

  // Saving the same events again (they are in an open batch): ask first (issue 15 item 7).
  const [confirmAgain, setConfirmAgain] = useState(false);
  // The pre-flight counts them; right after a save (before it has reloaded) the batch just saved holds them.
  const justSaved = run.kind === 'done' && run.result.format === format ? run.result.linked : 0;
  const inOpenBatch = Math.max(preview.data?.warnings.find((w) => w.code === 'in_other_batch')?.count ?? 0, justSaved);
  const onSave = () => (inOpenBatch > 0 ? setConfirmAgain(true) : void save());
  const running = run.kind === 'running';
  const exportable = preview.data?.exported ?? 0;
  const canSave = !running && !rangeProblem && !!preview.data && exportable > 0;
  const openBatches = (batches.data ?? []).filter((b) => b.status === 'exported' && b.destination === format && b.byStatus.queued > 0);
  const alreadyBatched = openBatches.reduce((n, b) => n + b.byStatus.queued, 0);

  const runStatus = (
    <>
      {alreadyBatched > 0 && filterState.status === 'queued' && run.kind === 'idle' && (
        <div className="banner banner--warn" data-testid="already-batched">
          <span>
            {formatCount(alreadyBatched)} of the queued {plural(alreadyBatched, 'event')} {alreadyBatched === 1 ? 'is' : 'are'} already in{' '}
            {openBatches.length === 1 ? 'a batch' : `${openBatches.length} batches`} waiting for upload (see Batches below). Saving again puts them in a second file:
            upload only one of them, or mark the older batch first.
          </span>
        </div>
      )}
      {run.kind === 'running' && <RunProgress run={run} onCancel={() => void cancel(run.jobId)} />}
      {run.kind === 'done' && <RunResult result={run.result} />}
      {run.kind === 'error' && <ErrorBanner error={run.error} onRetry={canSave ? () => void save() : undefined} />}
      {run.kind === 'message' && (
        <div className={`banner ${run.tone === 'error' ? 'banner--error' : 'banner--info'}`} role="status" data-testid="export-message">
          <span>{run.text}</span>
        </div>
      )}
    </>
  );

  return (
    <Page title="Export & batches" testId="export-screen">
      <ErrorBanner error={error} />
      <div className="card export-setup">
        <div className="export-setup__section">
          <div className="field__label" id="destination-label">Destination</div>
          <DestinationPicker value={format} onChange={(f) => (setFormat(f), run.kind !== 'running' && setRun({ kind: 'idle' }))} disabled={running} />
        </div>
        <div className="export-setup__section">
          <div className="field__label">Events</div>
          <div className="row export-filter">
            <label className="field">
              <span>Status</span>
              <select data-testid="export-status" value={filterState.status} disabled={running} onChange={(e) => patchFilter({ status: e.target.value as StatusChoice })}>
                {SYNC_STATUSES.map((s) => (
                  <option key={s} value={s}>{s[0]!.toUpperCase() + s.slice(1)}</option>
                ))}
                <option value="any">Any status</option>
              </select>
            </label>
            <label className="field">
              <span>Event</span>
              <select data-testid="export-event" value={filterState.eventName} disabled={running} onChange={(e) => patchFilter({ eventName: e.target.value as ConversionEventName | '' })}>
                <option value="">All events</option>
                {EVENT_NAMES.map((name) => (
                  <option key={name} value={name}>{name}</option>
                ))}
              </select>
            </label>
            <label className="field">
              <span>From (conversion day)</span>
              <input type="date" data-testid="export-from" value={filterState.from} disabled={running} onChange={(e) => patchFilter({ from: e.target.value })} />
            </label>
            <label className="field">
              <span>To</span>
              <input type="date" data-testid="export-to" value={filterState.to} disabled={running} onChange={(e) => patchFilter({ to: e.target.value })} />
            </label>
            {(filterState.eventName || filterState.from || filterState.to || filterState.status !== 'queued') && (
              <button type="button" className="link-btn export-filter__reset" disabled={running} onClick={() => patchFilter(DEFAULT_FILTER)}>
                Reset to queued events
              </button>
            )}
          </div>
          {rangeProblem && <div className="field__error" role="alert">{rangeProblem}</div>}
        </div>
      </div>

      {!rangeProblem && (
        <Preflight
          format={format}
          status={filterState.status}
          narrowed={!!(filterState.eventName || filterState.from || filterState.to)}
          preview={preview.data}
          loading={preview.loading}
          error={preview.error}
          onRetry={preview.reload}
          saveButton={
            run.kind !== 'running' && (
              <button
                type="button"
                className={`btn ${run.kind === 'done' ? '' : 'btn--primary'}`}
                data-testid="save-export"
                data-saved-batch={run.kind === 'done' ? run.result.batchId : undefined}
                disabled={!canSave}
                onClick={onSave}
                title={run.kind === 'done' ? 'These events were saved in the batch below; saving again moves them to a new batch' : undefined}
              >
                {run.kind === 'done' ? '✓ Saved · Save again…' : 'Save file…'}
              </button>
            )
          }
          hint={
            run.kind !== 'running' && exportable > 0
              ? `Writes ${formatCount(exportable)} ${plural(exportable, 'event')} to a CSV file for ${DESTINATION_PLATFORM[format]} and records it as a batch.`
              : null
          }
          runStatus={runStatus}
          scope={{ status: filterState.status, eventName: filterState.eventName, from: filterState.from, to: filterState.to, filter }}
          onChanged={() => (preview.reload(), batches.reload())}
        />
      )}

      {confirmAgain && (
        <Dialog
          title="Save these events again?"
          confirmLabel="Save again"
          onCancel={() => setConfirmAgain(false)}
          onConfirm={() => (setConfirmAgain(false), void save())}
          testId="save-again-dialog"
        >
          <p>
            {formatCount(inOpenBatch)} of these {plural(inOpenBatch, 'event')} {inOpenBatch === 1 ? 'is' : 'are'} already in a batch that is waiting for upload
            {run.kind === 'done' ? ' (the file you just saved)' : ''}. Saving again moves {inOpenBatch === 1 ? 'it' : 'them'} into a new batch and file.
          </p>
          <p className="muted">Upload only one of the two files, or the platform counts these conversions twice.</p>
        </Dialog>
      )}

      <BatchList batches={batches.data} runs={sendRuns.data} loading={batches.loading} error={batches.error} onRetry={batches.reload} onChanged={() => (batches.reload(), preview.reload(), setRun((current) => (current.kind === 'running' ? current : { kind: 'idle' })))} />
    </Page>
  );
}

function RunProgress({ run, onCancel }: { run: Extract<Run, { kind: 'running' }>; onCancel(): void }) {
  const p = run.progress;
  const fraction = p && p.total > 0 ? Math.min(1, p.done / p.total) : 0;
  return (
    <div className="export-progress" data-testid="export-progress">
      <div className="row">
        <strong>{p ? 'Writing the file…' : 'Choose where to save the file…'}</strong>
        <span className="spacer" />
        <span className="muted num">{p ? `${formatCount(p.done)} of ${formatCount(p.total)} events` : ''}</span>
      </div>
      <div className="progress" role="progressbar" aria-label="Export progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(fraction * 100)}>
        <div className="progress__bar" style={{ width: `${(fraction * 100).toFixed(1)}%` }} />
      </div>
      <div className="row">
        <button type="button" className="btn btn--danger" data-testid="cancel-export" onClick={onCancel} disabled={run.cancelling}>
          {run.cancelling ? 'Cancelling…' : 'Cancel'}
        </button>
        <span className="muted">Cancelling writes no file and creates no batch.</span>
      </div>
    </div>
  );
}

function RunResult({ result }: { result: ExportResult }) {
  return (
    <div className="banner banner--ok export-result" role="status" data-testid="export-result" data-batch-id={result.batchId}>
      <div>
        <div>
          <strong>
            Saved {formatCount(result.exported)} {plural(result.exported, 'event')}
          </strong>{' '}
          to <span className="mono" title={result.path}>{fileName(result.path)}</span> ({formatBytes(result.bytes)})
          {result.excludedCount > 0 && <> · {formatCount(result.excludedCount)} excluded (listed above)</>}
        </div>
        <div className="export-result__next">
          {result.format === 'csv'
            ? 'Open it in your spreadsheet app.'
            : `Next: upload this file in ${DESTINATION_PLATFORM[result.format]}, then click “Mark uploaded” on the batch below (or “Mark failed…” if it was refused).`}
        </div>
        <div className="mono muted export-result__path" data-testid="export-path">{result.path}</div>
        {result.linked < result.exported && (
          <div className="muted">
            {formatCount(result.exported - result.linked)} of these events were not queued, so they are in the file only (not in the batch).
          </div>
        )}
      </div>
    </div>
  );
}
