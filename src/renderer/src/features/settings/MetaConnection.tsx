import { useEffect, useState } from 'react';
import type { ConnectionTestResult, MetaConnectionView } from '../../../../shared/domain/send';
import { META_ACTION_SOURCES } from '../../../../shared/domain/settings';
import { ErrorBanner } from '../../components/Page';
import { call } from '../../lib/api';
import { useQuery } from '../../lib/hooks';

/**
 * Settings → Connections → Meta: dataset id, access token (pasted once: it goes to main and never
 * comes back; this screen only ever shows "token ending …abcd"), optional app secret, test event
 * code, action source; "Test connection" shows what Meta answered.
 */
export function MetaConnectionSection() {
  const view = useQuery(() => call('connections:metaGet', {}), [], []);
  const [datasetId, setDatasetId] = useState('');
  const [token, setToken] = useState('');
  const [appSecret, setAppSecret] = useState('');
  const [testEventCode, setTestEventCode] = useState('');
  const [actionSource, setActionSource] = useState<string>('physical_store');
  const [current, setCurrent] = useState<MetaConnectionView | null>(null);
  const [busy, setBusy] = useState<'save' | 'test' | 'remove' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [test, setTest] = useState<ConnectionTestResult | null>(null);

  const adopt = (next: MetaConnectionView) => {
    setCurrent(next);
    setDatasetId(next.datasetId ?? '');
    setTestEventCode(next.testEventCode ?? '');
    setActionSource(next.actionSource);
    setToken('');
    setAppSecret('');
  };
  useEffect(() => {
    if (view.data && !current) adopt(view.data);
  }, [view.data, current]);

  const run = async (kind: 'save' | 'test' | 'remove', action: () => Promise<void>) => {
    setBusy(kind);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };

  const save = () =>
    run('save', async () => {
      setTest(null);
      adopt(
        await call('connections:metaSet', {
          datasetId: datasetId.trim(),
          ...(token.trim() ? { accessToken: token.trim() } : {}),
          ...(appSecret.trim() ? { appSecret: appSecret.trim() } : {}),
          testEventCode: testEventCode.trim() || null,
          actionSource: actionSource as (typeof META_ACTION_SOURCES)[number],
        }),
      );
    });

  return (
    <section className="card settings-section" aria-labelledby="settings-connections-meta" id="connections" data-testid="meta-connection">
      <h2 id="settings-connections-meta" className="settings-section__title">Connections · Meta Conversions API</h2>
      <p className="muted settings-section__intro">
        Sends events straight to a Meta dataset. The dataset (pixel) id is in Events Manager → Data sources. Create the access token there too: your dataset → Settings →
        Conversions API → Generate access token. The token is stored in the operating system’s secure storage and is never shown again.
      </p>
      <div className="banner" role="status" data-testid="meta-connection-summary">
        <span>{current ? (current.connected ? `Meta: ${current.summary}` : 'Meta: not connected') : 'Loading…'}</span>
        {current?.connected && <span className="muted"> · secrets in {current.secretStore}{current.hasAppSecret ? ' · app secret set (appsecret_proof sent)' : ''}</span>}
      </div>
      <ErrorBanner error={error ?? view.error} />
      <form
        className="settings-grid"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <div className="field settings-field">
          <label htmlFor="meta-dataset">Dataset (pixel) id</label>
          <input id="meta-dataset" data-testid="meta-dataset" inputMode="numeric" value={datasetId} spellCheck={false} onChange={(e) => setDatasetId(e.target.value.replace(/\s/g, ''))} />
        </div>
        <div className="field settings-field">
          <label htmlFor="meta-token">Access token</label>
          <input
            id="meta-token"
            data-testid="meta-token"
            type="password"
            autoComplete="off"
            value={token}
            placeholder={current?.connected ? `unchanged (ending ${current.tokenHint})` : 'paste the system-user token'}
            onChange={(e) => setToken(e.target.value)}
          />
        </div>
        <div className="field settings-field">
          <label htmlFor="meta-app-secret">App secret (optional)</label>
          <input
            id="meta-app-secret"
            data-testid="meta-app-secret"
            type="password"
            autoComplete="off"
            value={appSecret}
            placeholder={current?.hasAppSecret ? 'unchanged' : 'only if your app requires appsecret_proof'}
            onChange={(e) => setAppSecret(e.target.value)}
          />
        </div>
        <div className="field settings-field">
          <label htmlFor="meta-test-code">Test event code (for dry runs)</label>
          <input id="meta-test-code" data-testid="meta-test-code" value={testEventCode} spellCheck={false} placeholder="TEST12345 from Events Manager → Test events" onChange={(e) => setTestEventCode(e.target.value)} />
          <div className="field__hint">A dry run sends with this code: Meta checks the events and shows them under Test events, without counting them.</div>
        </div>
        <div className="field settings-field">
          <label htmlFor="meta-action-source">Action source</label>
          <select id="meta-action-source" data-testid="meta-action-source" value={actionSource} onChange={(e) => setActionSource(e.target.value)}>
            {META_ACTION_SOURCES.map((source) => (
              <option key={source} value={source}>{source}</option>
            ))}
          </select>
          <div className="field__hint">physical_store events may be up to 62 days old; every other source, 7 days.</div>
        </div>
        <div className="settings-actions">
          <button type="submit" className="btn btn--primary" data-testid="meta-save" disabled={busy !== null || !datasetId.trim() || (!current?.connected && !token.trim())}>
            {busy === 'save' ? 'Saving…' : current?.connected ? 'Save connection' : 'Connect'}
          </button>
          <button
            type="button"
            className="btn"
            data-testid="meta-test"
            disabled={busy !== null || !current?.connected}
            onClick={() => void run('test', async () => setTest(await call('connections:metaTest', {})))}
          >
            {busy === 'test' ? 'Testing…' : 'Test connection'}
          </button>
          {current?.connected && (
            <button type="button" className="btn" data-testid="meta-remove" disabled={busy !== null} onClick={() => void run('remove', async () => (setTest(null), adopt(await call('connections:metaRemove', {}))))}>
              Disconnect
            </button>
          )}
        </div>
      </form>
      {test && (
        <div className={`banner ${test.ok ? 'banner--ok' : 'banner--error'}`} role="status" data-testid="meta-test-result">
          <span>
            {test.message}
            {test.platformIds.fbtrace_id ? ` (fbtrace_id ${test.platformIds.fbtrace_id})` : ''}
          </span>
        </div>
      )}
    </section>
  );
}
