import { useCallback, useEffect, useRef, useState } from 'react';
import type { SendProgress, SendResult } from '../../../../shared/domain/send';
import type { ScreenProps } from '../../app/screens';
import { routeHref } from '../../app/router';
import { ErrorBanner, Page } from '../../components/Page';
import { call, onPush } from '../../lib/api';
import { formatCount } from '../../lib/format';
import { useQuery } from '../../lib/hooks';
import { EXCLUSION_TITLES, plural } from '../export/labels';
import { GoogleSendCard } from './GoogleSend';
import { RunHistory, RunResult } from './RunResult';

type Run =
  | { kind: 'idle' }
  | { kind: 'running'; runId: string; dryRun: boolean; progress: SendProgress | null; cancelling: boolean }
  | { kind: 'done'; result: SendResult };

/**
 * Send to Meta through the Conversions API: the pre-flight (the Meta file's), a dry run, the send
 * with live progress (events/s, ETA, retries waiting) and cancel, then the result by reason.
 */
export function SendScreen({ route }: ScreenProps) {
  // `#/send?run=ID` (from a history row, here or on Export & batches) shows that run's result.
  const linkedRun = route.params.get('run');
  const connection = useQuery(() => call('connections:metaGet', {}), [], []);
  const preview = useQuery(() => call('exports:preview', { format: 'meta', filter: {} }), []);
  const runs = useQuery(() => call('send:runs', { limit: 20 }), []);
  const [run, setRun] = useState<Run>({ kind: 'idle' });
  const [googleRun, setGoogleRun] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const runRef = useRef<string | null>(null);

  const finish = useCallback(async (runId: string) => {
    try {
      const result = await call('send:status', { runId });
      setRun({ kind: 'done', result });
    } catch (e) {
      setError(e);
      setRun({ kind: 'idle' });
    }
    runs.reload();
    preview.reload();
  }, [runs, preview]);

  // The last run's result (or the linked one) stays on screen across visits (its failed events can be retried from it).
  useEffect(() => {
    call('send:status', linkedRun ? { runId: linkedRun } : {})
      .then((result) => {
        // A Google run is shown in the Google card, with Google's processing results.
        if (result.destination === 'google_ads') {
          if (linkedRun) setGoogleRun(result.runId);
          return;
        }
        if (result.running) runRef.current = result.runId;
        const shown: Run = result.running ? { kind: 'running', runId: result.runId, dryRun: result.dryRun, progress: null, cancelling: false } : { kind: 'done', result };
        setRun((current) => (current.kind === 'idle' || (linkedRun && current.kind === 'done') ? shown : current));
      })
      .catch((e) => (linkedRun ? setError(e) : undefined));
  }, [linkedRun]);

  useEffect(
    () =>
      onPush('send:progress', (progress) => {
        if (progress.runId !== runRef.current) return;
        if (progress.phase === 'running') {
          setRun((current) => (current.kind === 'running' && current.runId === progress.runId ? { ...current, progress } : current));
          return;
        }
        runRef.current = null;
        if (progress.phase === 'failed') {
          setError(new Error(progress.message ?? 'The send failed.'));
          setRun({ kind: 'idle' });
          return;
        }
        void finish(progress.runId);
      }),
    [finish],
  );

  const start = async (dryRun: boolean) => {
    setError(null);
    try {
      const { runId } = await call('send:start', { to: 'meta', dryRun });
      runRef.current = runId;
      setRun({ kind: 'running', runId, dryRun, progress: null, cancelling: false });
    } catch (e) {
      setError(e);
    }
  };

  const cancel = async () => {
    if (run.kind !== 'running') return;
    setRun({ ...run, cancelling: true });
    await call('send:cancel', { runId: run.runId }).catch(setError);
  };

  const connected = connection.data?.connected ?? false;
  const willSend = preview.data?.exported ?? 0;
  const running = run.kind === 'running';

  return (
    <Page title="Send" testId="send-screen">
      <ErrorBanner error={error} />
      <section className="card send-destination" data-testid="send-destination">
        <div className="send-destination__head">
          <strong>Meta Conversions API</strong>
          <span className="muted" data-testid="send-connection">
            {connection.data ? (connected ? connection.data.summary : 'not connected') : '…'}
          </span>
          <span className="spacer" />
          <a href={`${routeHref('settings')}`} className="btn">{connected ? 'Connection settings' : 'Connect Meta…'}</a>
        </div>
        {connected && connection.data?.testEventCode && <div className="muted">Dry runs use test event code {connection.data.testEventCode} (they appear in Events Manager → Test events).</div>}
        {connected && !connection.data?.testEventCode && <div className="muted">No test event code: a dry run checks the events here without reaching Meta.</div>}
      </section>

      <section className="card send-preflight" data-testid="send-preflight" data-will-send={willSend}>
        {!preview.data && !preview.error && <span className="muted">Checking the queued events…</span>}
        <ErrorBanner error={preview.error} onRetry={preview.reload} />
        {preview.data && (
          <>
            <div className="preflight__summary">
              <span className="preflight__count">
                <strong data-testid="send-will-send">{formatCount(willSend)}</strong> queued {plural(willSend, 'event')} ready for Meta
              </span>
              <span className="muted">·</span>
              <span className={preview.data.excludedCount ? 'preflight__excluded' : 'muted'} data-testid="send-excluded">
                {formatCount(preview.data.excludedCount)} will be left out by the pre-flight
              </span>
              <span className="spacer" />
              <button type="button" className="btn" data-testid="send-dry-run" disabled={!connected || running || willSend === 0} onClick={() => void start(true)}>
                Dry run
              </button>
              <button type="button" className="btn btn--primary" data-testid="send-start" disabled={!connected || running || willSend === 0} onClick={() => void start(false)}>
                Send {formatCount(willSend)} {plural(willSend, 'event')}
              </button>
            </div>
            {preview.data.excludedCount > 0 && (
              <ul className="send-preflight__reasons">
                {Object.entries(preview.data.excludedByCode).map(([code, count]) => (
                  <li key={code}>
                    {formatCount(count ?? 0)} · {EXCLUSION_TITLES[code as keyof typeof EXCLUSION_TITLES] ?? code}
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </section>

      {run.kind === 'running' && <SendProgressCard run={run} onCancel={() => void cancel()} />}
      {run.kind === 'done' && <RunResult result={run.result} onRetried={() => (preview.reload(), runs.reload())} />}
      <GoogleSendCard showRunId={googleRun} />
      <RunHistory runs={runs.data ?? []} />
    </Page>
  );
}

function SendProgressCard({ run, onCancel }: { run: Extract<Run, { kind: 'running' }>; onCancel(): void }) {
  const p = run.progress;
  const done = p ? p.sent + p.failed : 0;
  const fraction = p && p.total > 0 ? Math.min(1, (done + p.excluded) / p.total) : 0;
  return (
    <section className="card send-progress" data-testid="send-progress">
      <div className="send-progress__head">
        <strong>{run.dryRun ? 'Dry run…' : 'Sending…'}</strong>
        <span className="spacer" />
        <button type="button" className="btn" data-testid="send-cancel" disabled={run.cancelling} onClick={onCancel}>
          {run.cancelling ? 'Cancelling…' : 'Cancel'}
        </button>
      </div>
      <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(fraction * 100)}>
        <div className="progress__bar" style={{ width: `${(fraction * 100).toFixed(1)}%` }} />
      </div>
      <div className="muted send-progress__detail" data-testid="send-progress-detail">
        {p
          ? `${formatCount(p.sent)} ${run.dryRun ? 'accepted' : 'sent'} · ${formatCount(p.failed)} failed · ${formatCount(p.eventsPerSecond)} events/s${p.etaSeconds !== null ? ` · about ${p.etaSeconds} s left` : ''} · ${p.requests} ${plural(p.requests, 'request')}`
          : 'Starting…'}
        {p && p.retriesWaiting > 0 && (
          <span data-testid="send-retrying">
            {' '}
            · {p.retriesWaiting} {plural(p.retriesWaiting, 'request')} waiting to retry (attempt {p.attempt} of {p.maxAttempts}
            {p.nextRetryInMs !== null ? `, next in ${Math.ceil(p.nextRetryInMs / 1000)} s` : ''})
          </span>
        )}
      </div>
    </section>
  );
}
