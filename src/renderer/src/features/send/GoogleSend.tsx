import { useEffect, useState } from 'react';
import type { RunDiagnostics } from '../../../../shared/domain/google';
import type { SendResult } from '../../../../shared/domain/send';
import { routeHref } from '../../app/router';
import { ErrorBanner } from '../../components/Page';
import { call, onPush } from '../../lib/api';
import { formatCount } from '../../lib/format';
import { useQuery } from '../../lib/hooks';
import { plural } from '../export/labels';

/**
 * Google Ads on the Send screen: dry run (validateOnly) and send through the Data Manager API, then
 * the result — "sent" means accepted by Google — with Google's processing results next to it.
 */
export function GoogleSendCard({ showRunId = null }: { showRunId?: string | null }) {
  const connection = useQuery(() => call('google:connection', {}), [], []);
  const [runId, setRunId] = useState<string | null>(null);
  const [result, setResult] = useState<SendResult | null>(null);
  const [diagnostics, setDiagnostics] = useState<RunDiagnostics | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const show = async (id: string) => {
    const next = await call('send:status', { runId: id });
    setResult(next);
    setDiagnostics(next.dryRun ? null : await call('google:diagnostics', { runId: id, poll: false }));
  };

  // A run linked from a history row (here or on Export & batches).
  useEffect(() => {
    if (showRunId) void show(showRunId).catch(setError);
  }, [showRunId]);

  useEffect(
    () =>
      onPush('send:progress', (progress) => {
        if (progress.runId !== runId || progress.phase === 'running') return;
        setRunning(false);
        if (progress.phase === 'failed') setError(new Error(progress.message ?? 'The send failed.'));
        else void show(progress.runId).catch(setError);
      }),
    [runId],
  );

  const start = async (dryRun: boolean) => {
    setError(null);
    setResult(null);
    setDiagnostics(null);
    try {
      const started = await call('send:start', { to: 'google_ads', dryRun });
      setRunId(started.runId);
      setRunning(true);
    } catch (e) {
      setError(e);
    }
  };

  const view = connection.data;
  const connected = view?.connected ?? false;
  return (
    <section className="card send-destination" data-testid="send-google">
      <div className="send-destination__head">
        <strong>Google Ads (Data Manager API)</strong>
        <span className="muted" data-testid="send-google-connection">
          {view ? (connected ? `account ${view.customerId}` : view.state === 'reconnect_needed' ? 'Reconnect Google — events stay queued' : 'not connected') : '…'}
        </span>
        <span className="spacer" />
        <a href={routeHref('settings')} className="btn">{connected ? 'Connection settings' : 'Connect Google…'}</a>
        <button type="button" className="btn" data-testid="send-google-dry-run" disabled={!connected || running} onClick={() => void start(true)}>
          Dry run
        </button>
        <button type="button" className="btn btn--primary" data-testid="send-google-start" disabled={!connected || running} onClick={() => void start(false)}>
          {running ? 'Sending…' : 'Send to Google Ads'}
        </button>
      </div>
      <div className="muted">A dry run asks Google to validate the requests (validateOnly) and keeps nothing. “Sent” means accepted by Google; Google reports about 30 minutes later how many events it could use.</div>
      <ErrorBanner error={error} />
      {result && (
        <div data-testid="send-google-result">
          <strong>
            {formatCount(result.sent)} {plural(result.sent, 'event')} {result.dryRun ? 'would be accepted by Google' : 'accepted by Google'}
          </strong>
          {` · ${formatCount(result.failedCount)} failed · ${formatCount(result.excludedCount)} left out by the pre-flight · ${result.requests} ${plural(result.requests, 'request')}`}
          {result.error && <div className="field__error">{result.error}</div>}
          {result.excluded.length > 0 && (
            <ul>
              {result.excluded.slice(0, 20).map((e) => (
                <li key={e.id}>
                  {e.eventId}: {e.reason}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {diagnostics && result && (
        <div data-testid="send-google-diagnostics">
          <span>Google’s processing results: </span>
          {diagnostics.requests.map((r) => (
            <div key={r.sendRequestId} data-testid="send-google-request">
              <span className="mono">{r.googleRequestId}</span> {r.status.replace('_', ' ').toLowerCase()} · {formatCount(r.events)} {plural(r.events, 'event')}
              {r.errors.length > 0 && ` · not processed: ${r.errors.map((e) => `${e.reason} ${formatCount(e.count)}`).join(', ')}`}
            </div>
          ))}
          <button type="button" className="btn" data-testid="send-google-check" onClick={() => void call('google:diagnostics', { runId: result.runId, poll: true }).then(setDiagnostics, setError)}>
            Check with Google now
          </button>
        </div>
      )}
    </section>
  );
}
