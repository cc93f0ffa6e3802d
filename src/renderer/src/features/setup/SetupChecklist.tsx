import { useState } from 'react';
import type { SetupItemId, TemplateKind } from '../../../../shared/domain/setup';
import { navigate, routeHref } from '../../app/router';
import { ErrorBanner } from '../../components/Page';
import { call } from '../../lib/api';
import { useQuery } from '../../lib/hooks';

/** Each item: what it is, why it matters, and the Settings field that sets it. */
const ITEMS: Record<SetupItemId, { title: string; why: string; focus: string }> = {
  timezone: { title: 'Account time zone', why: 'Google Ads files state times in your account’s zone.', focus: 'set-timezone' },
  country: { title: 'Default country', why: 'For phone numbers written without +country code.', focus: 'set-country' },
  conversions: { title: 'Conversion names → Google actions / Meta events', why: 'Which Google Ads conversion action and Meta event each conversion goes to.', focus: 'conversion-names' },
  consent: { title: 'Consent defaults', why: 'Ad User Data / Ad Personalization for events whose file does not say (needed in the EEA).', focus: 'set-consent-data' },
};

const TEMPLATES: { kind: TemplateKind; label: string }[] = [
  { kind: 'google-click', label: 'Google Ads: click conversions' },
  { kind: 'google-leads', label: 'Google Ads: enhanced conversions for leads' },
  { kind: 'meta', label: 'Meta: offline events' },
];

/** First run: what to set before the first upload, the platforms' templates, and a sample file to try. */
export function SetupChecklist() {
  const status = useQuery(() => call('setup:status', {}), []);
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState<string | null>(null);

  const saveTemplate = async (kind: TemplateKind) => {
    setError(null);
    try {
      const saved = await call('setup:saveTemplate', { kind });
      if (saved) setMessage(`Saved the template to ${saved.path}.`);
    } catch (e) {
      setError(e);
    }
  };

  // The Import screen asks main for the sample (#/import?sample=1) and opens its mapping step.
  const trySample = () => navigate('import', { sample: '1' });

  const items = status.data?.items ?? [];
  const done = items.filter((i) => i.done).length;
  return (
    <div className="setup" data-testid="setup-checklist">
      <div className="setup__title">Welcome to Conversion Desk</div>
      <div className="muted">Drop a CSV export anywhere on this window, or try the sample first. Before your first upload, check these settings:</div>
      <ErrorBanner error={error ?? status.error} />
      {message && <div className="banner banner--ok" role="status" data-testid="setup-message">{message}</div>}
      <div className="card">
        <div className="card__title">Setup {items.length > 0 && <span className="muted">({done} of {items.length} done)</span>}</div>
        <ul className="setup__items">
          {items.map((item) => (
            <li key={item.id} className={`setup__item${item.done ? ' setup__item--done' : ''}`} data-testid={`setup-${item.id}`} data-done={item.done ? 'yes' : 'no'}>
              <span className="setup__mark" aria-label={item.done ? 'done' : 'not done'}>{item.done ? '✓' : '○'}</span>
              <span className="setup__text">
                <span>
                  <strong>{ITEMS[item.id].title}</strong> <span className="muted">— {ITEMS[item.id].why}</span>
                </span>
                <span className="setup__detail">{item.detail}</span>
              </span>
              <a href={routeHref('settings', { focus: ITEMS[item.id].focus })} data-testid={`setup-link-${item.id}`}>{item.done ? 'Change' : 'Set it'}</a>
            </li>
          ))}
        </ul>
      </div>
      <div className="setup__row">
        <div className="card setup__card">
          <div className="card__title">Try it with a sample</div>
          <div className="muted">Twelve made-up orders (example.com addresses) from the last days: map, import and review them. Undo the import afterwards.</div>
          <button type="button" className="btn btn--primary" data-testid="setup-sample" onClick={trySample}>Import the sample file</button>
        </div>
        <div className="card setup__card">
          <div className="card__title">Upload templates</div>
          <div className="muted">Empty files with the platforms’ columns, to fill from your CRM or to check an export against.</div>
          <div className="setup__templates">
            {TEMPLATES.map((t) => (
              <button key={t.kind} type="button" data-testid={`setup-template-${t.kind}`} onClick={() => void saveTemplate(t.kind)}>{t.label}</button>
            ))}
          </div>
        </div>
      </div>
    </div>
  );
}
