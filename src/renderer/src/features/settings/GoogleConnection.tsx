import { useEffect, useState } from 'react';
import type { ConversionActionView, GoogleConnectionView } from '../../../../shared/domain/google';
import { CopyButton } from '../../components/CopyText';
import { ErrorBanner } from '../../components/Page';
import { call } from '../../lib/api';
import { Field } from './SettingsScreen';

/** The usable actions' names, for the destination mapping's Google column (a <datalist> by this id). */
export const GOOGLE_ACTIONS_LIST_ID = 'google-conversion-actions';

const TYPE_LABELS: Record<string, string> = { UPLOAD_CLICKS: 'Import from clicks', WEBPAGE: 'Website', UPLOAD_CALLS: 'Import from calls', STORE_SALES: 'Store sales' };

/**
 * Settings → Connections → Google Ads: sign in with Google (consent page in the browser, answer on
 * this computer), the account's conversion actions, test and disconnect. The client secret goes to
 * main once and never comes back; this screen only ever sees ids and states.
 */
export function GoogleConnectionSection() {
  const [view, setView] = useState<GoogleConnectionView | null>(null);
  const [actions, setActions] = useState<ConversionActionView[] | null>(null);
  const [form, setForm] = useState({ clientId: '', clientSecret: '', customerId: '', loginCustomerId: '' });
  const [consentUrl, setConsentUrl] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState<string | null>(null);

  const load = async () => {
    const next = await call('google:connection', {});
    setView(next);
    setActions(next.state === 'not_connected' ? null : await call('google:conversionActions', { refresh: false }));
    if (next.clientId) setForm((f) => ({ ...f, clientId: next.clientId ?? '', customerId: next.customerId ?? '', loginCustomerId: next.loginCustomerId ?? '' }));
  };
  useEffect(() => {
    load().catch(setError);
  }, []);

  const run = async (label: string, work: () => Promise<string | null>) => {
    setBusy(label);
    setError(null);
    setMessage(null);
    try {
      setMessage(await work());
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };

  const connect = () =>
    run('connect', async () => {
      const { consentUrl: url } = await call('google:beginConnect', { ...form, loginCustomerId: form.loginCustomerId.trim() || null });
      setConsentUrl(url);
      try {
        const next = await call('google:finishConnect', {});
        setView(next);
        setForm((f) => ({ ...f, clientSecret: '' }));
        setActions(await call('google:conversionActions', { refresh: true }));
        return `Connected to Google Ads account ${next.customerId}.`;
      } finally {
        setConsentUrl(null);
      }
    });

  const state = view?.state ?? 'not_connected';
  const usable = actions?.filter((a) => a.usable) ?? [];

  return (
    <section className="card settings-section" aria-labelledby="settings-google" data-testid="google-connection">
      <h2 id="settings-google" className="settings-section__title">Connections → Google Ads</h2>
      <p className="muted settings-section__intro">
        Conversion Desk sends to Google Ads through Google’s Data Manager API and lists your conversion actions through the Google Ads API. “Sent” means <strong>accepted by
        Google</strong>; Google reports about 30 minutes later how many events it could use, and those results appear next to each send.
      </p>
      <ErrorBanner error={error} />
      {message && (
        <div className="banner banner--ok" role="status" data-testid="google-message">
          <span>{message}</span>
        </div>
      )}
      {state === 'reconnect_needed' && (
        <div className="banner banner--error" role="alert" data-testid="google-reconnect">
          <span>Reconnect Google: {view?.lastError ?? 'the sign-in expired or was revoked'}. Events stay queued until you sign in again.</span>
        </div>
      )}
      {state === 'connected' && (
        <p data-testid="google-status">
          Connected to Google Ads account <span className="mono">{view?.customerId}</span>
          {view?.loginCustomerId && (
            <>
              {' '}through manager <span className="mono">{view.loginCustomerId}</span>
            </>
          )}
          .
        </p>
      )}
      {state !== 'connected' && (
        <>
          <details className="settings-section__intro">
            <summary>What you need (about 5 minutes, once)</summary>
            <ol>
              <li>In Google Cloud Console, pick or create a project and enable the <em>Google Ads API</em> and the <em>Data Manager API</em>.</li>
              <li>Google Auth Platform → Clients → Create client → Application type <strong>Desktop app</strong>. Copy its client id and client secret.</li>
              <li>Your Google Ads <strong>customer id</strong>: the 10-digit number at the top of Google Ads (123-456-7890) of the account that owns the conversion actions.</li>
              <li>If you reach that account through a manager account, its id as <strong>manager (login) id</strong>; otherwise leave it empty.</li>
            </ol>
          </details>
          <div className="settings-grid">
            <Field label="OAuth client id" id="google-client-id">
              <input id="google-client-id" data-testid="google-client-id" value={form.clientId} spellCheck={false} onChange={(e) => setForm({ ...form, clientId: e.target.value })} placeholder="….apps.googleusercontent.com" />
            </Field>
            <Field label="OAuth client secret" id="google-client-secret" hint="Kept in this computer’s secret store, never shown again.">
              <input id="google-client-secret" data-testid="google-client-secret" type="password" autoComplete="off" value={form.clientSecret} onChange={(e) => setForm({ ...form, clientSecret: e.target.value })} />
            </Field>
            <Field label="Customer id" id="google-customer-id">
              <input id="google-customer-id" data-testid="google-customer-id" value={form.customerId} placeholder="123-456-7890" onChange={(e) => setForm({ ...form, customerId: e.target.value })} />
            </Field>
            <Field label="Manager (login) id" id="google-login-id" hint="Only when you reach the account through a manager account.">
              <input id="google-login-id" data-testid="google-login-id" value={form.loginCustomerId} placeholder="Optional" onChange={(e) => setForm({ ...form, loginCustomerId: e.target.value })} />
            </Field>
          </div>
        </>
      )}
      {consentUrl && (
        <div className="banner" role="status" data-testid="google-waiting">
          <span>
            Waiting for Google… Allow access in your browser. If it did not open, open this page: <span className="mono" data-testid="google-consent-url">{consentUrl}</span>
          </span>
          <CopyButton text={consentUrl} label="Copy the sign-in link" />
          <button type="button" onClick={() => void call('google:cancelConnect', {})}>
            Cancel
          </button>
        </div>
      )}
      <div className="settings-actions">
        {state !== 'connected' && (
          <button type="button" className="btn btn--primary" data-testid="google-connect" disabled={busy !== null} onClick={() => void connect()}>
            {busy === 'connect' ? 'Waiting for Google…' : state === 'reconnect_needed' ? 'Reconnect Google' : 'Sign in with Google'}
          </button>
        )}
        {state !== 'not_connected' && (
          <>
            <button type="button" data-testid="google-test" disabled={busy !== null} onClick={() => void run('test', async () => {
              const result = await call('google:test', {});
              await load();
              return `Google answered: account ${result.customerId} has ${result.actions} conversion action(s), ${result.usable} usable for imported conversions.`;
            })}>
              Test connection
            </button>
            <button type="button" data-testid="google-refresh-actions" disabled={busy !== null} onClick={() => void run('refresh', async () => {
              setActions(await call('google:conversionActions', { refresh: true }));
              return null;
            })}>
              Refresh conversion actions
            </button>
            <button type="button" data-testid="google-remove" disabled={busy !== null} onClick={() => void run('remove', async () => {
              const result = await call('google:remove', {});
              await load();
              return result.revoked === 'revoked' ? 'Disconnected; access revoked at Google.' : 'Disconnected.';
            })}>
              Disconnect
            </button>
          </>
        )}
      </div>
      {actions && (
        <table className="table" data-testid="google-actions">
          <thead>
            <tr>
              <th>Conversion action</th>
              <th>Type</th>
              <th>Status</th>
              <th>Receives imports</th>
            </tr>
          </thead>
          <tbody>
            {actions.map((a) => (
              <tr key={a.id} data-testid="google-action-row">
                <td>{a.name}</td>
                <td>{TYPE_LABELS[a.type] ?? a.type}</td>
                <td>{a.status.toLowerCase()}</td>
                <td>{a.usable ? 'Yes' : 'No — only enabled “Import from clicks” actions'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <datalist id={GOOGLE_ACTIONS_LIST_ID}>
        {usable.map((a) => (
          <option key={a.id} value={a.name} />
        ))}
      </datalist>
    </section>
  );
}
