import { useEffect, useMemo, useState } from 'react';
import { categoryOf } from '../../../../shared/domain/conversion-names';
import { googleActionFor, metaEventFor, type Destination } from '../../../../shared/domain/destinations';
import type { AppSettings } from '../../../../shared/domain/settings';
import { ErrorBanner } from '../../components/Page';
import { call } from '../../lib/api';
import { useQuery } from '../../lib/hooks';

type Draft = Record<string, { google: string; meta: string }>;

function toDraft(settings: AppSettings): Draft {
  return Object.fromEntries(
    Object.entries(settings.conversionNames).map(([name, entry]) => [name, { google: entry.googleConversionName ?? '', meta: entry.metaEventName ?? '' }]),
  );
}

/** What the automatic choice is, for the placeholder of an empty cell. */
function automatic(destination: Destination, platform: string): string {
  return destination.name !== null ? `Automatic: ${destination.name}` : `Not sent to ${platform} (nothing mapped)`;
}

/**
 * Settings → Conversion names: where each of the events' own names goes (the Google Ads conversion
 * action and the Meta event) when the automatic choice is not right. Saved on its own, as a patch of
 * `conversionNames`; a blank cell is automatic again. The destinations table above is the fallback
 * per category.
 */
export function ConversionNamesSection() {
  const settings = useQuery(() => call('settings:get', {}), [], []);
  const names = useQuery(() => call('events:conversionNames', {}), [], ['events:changed']);
  const [draft, setDraft] = useState<Draft>({});
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState<string | null>(null);

  useEffect(() => {
    if (settings.data) setDraft(toDraft(settings.data));
  }, [settings.data]);

  const rows = useMemo(() => {
    const all = new Set([...(names.data?.names ?? []), ...Object.keys(settings.data?.conversionNames ?? {})]);
    return [...all].sort((a, b) => a.localeCompare(b));
  }, [names.data, settings.data]);

  const saved = settings.data ? toDraft(settings.data) : {};
  const changed = rows.filter((name) => (draft[name]?.google ?? '') !== (saved[name]?.google ?? '') || (draft[name]?.meta ?? '') !== (saved[name]?.meta ?? ''));

  const save = async () => {
    setSaving(true);
    setError(null);
    setMessage(null);
    try {
      const patch = Object.fromEntries(changed.map((name) => [name, { googleConversionName: draft[name]?.google.trim() ?? '', metaEventName: draft[name]?.meta.trim() ?? '' }]));
      await call('settings:update', { patch: { conversionNames: patch } });
      settings.reload();
      setMessage('Conversion names saved. New exports use them right away.');
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  };

  const set = (name: string, field: 'google' | 'meta', value: string) => {
    setDraft((current) => ({ ...current, [name]: { google: current[name]?.google ?? '', meta: current[name]?.meta ?? '', [field]: value } }));
    setMessage(null);
  };

  return (
    <section className="card settings-section" aria-labelledby="settings-conversion-names" id="conversion-names" data-testid="conversion-names-section">
      <h2 id="settings-conversion-names" className="settings-section__title">Conversion names</h2>
      <p className="muted settings-section__intro">
        Each event keeps the conversion name its file gave it (“Qualified lead”, “InitiateCheckout”). Google Ads receives that name as the conversion action, and Meta a standard event under its
        own name, unless you enter another one here. Names that are a category or a Meta standard event go to Google under the category’s action (Destinations above).
      </p>
      <ErrorBanner error={error ?? settings.error ?? names.error} />
      {message && (
        <div className="banner banner--ok" role="status" data-testid="conversion-names-message">
          <span>{message}</span>
        </div>
      )}
      {settings.data && rows.length === 0 && <div className="muted">No conversion names yet: import a file first.</div>}
      {settings.data && rows.length > 0 && (
        <table className="table destinations-table" data-testid="conversion-names-table">
          <thead>
            <tr>
              <th>Conversion name</th>
              <th>Google Ads conversion action</th>
              <th>Meta event name</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((name) => {
              const event = { conversion_name: name, event_name: categoryOf(name) };
              const base = { ...settings.data!, conversionNames: {} };
              return (
                <tr key={name} data-testid="conversion-name-row" data-conversion-name={name}>
                  <td>
                    <div>{name}</div>
                    <div className="mono muted">{event.event_name}</div>
                  </td>
                  <td>
                    <input
                      aria-label={`Google Ads conversion action for ${name}`}
                      // The connected account's usable actions (Settings → Connections → Google Ads renders the list).
                      list="google-conversion-actions"
                      value={draft[name]?.google ?? ''}
                      placeholder={automatic(googleActionFor(base, event), 'Google Ads')}
                      maxLength={100}
                      onChange={(e) => set(name, 'google', e.target.value)}
                    />
                  </td>
                  <td>
                    <input
                      aria-label={`Meta event name for ${name}`}
                      value={draft[name]?.meta ?? ''}
                      placeholder={automatic(metaEventFor(base, event), 'Meta')}
                      maxLength={50}
                      spellCheck={false}
                      onChange={(e) => set(name, 'meta', e.target.value)}
                    />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {names.data?.truncated && <div className="muted">Only the first 1,000 names are listed.</div>}
      <div className="settings-section__actions">
        <button type="button" className="btn btn--primary" data-testid="save-conversion-names" disabled={saving || changed.length === 0} onClick={() => void save()}>
          {saving ? 'Saving…' : 'Save conversion names'}
        </button>
      </div>
    </section>
  );
}
