import { useEffect, useMemo, useState } from 'react';
import { CONSENT_VALUES, type Consent } from '../../../../shared/domain/events';
import { META_ACTION_SOURCES, type AppSettings } from '../../../../shared/domain/settings';
import type { ScreenProps } from '../../app/screens';
import { ErrorBanner, Page } from '../../components/Page';
import { call } from '../../lib/api';
import { useQuery } from '../../lib/hooks';
import { ConversionNamesSection } from './ConversionNamesSection';
import { DestinationsTable } from './DestinationsTable';
import { fieldErrorsFromApi, timeZoneNames, toDraft, toPatch, validateDraft, type FieldErrors, type SettingsDraft } from './form';
import { DatabaseLocation, SettingsJson } from './SettingsJson';
import { DataCareSection } from './DataCareSection';
import { MetaConnectionSection } from './MetaConnection';
import { GoogleConnectionSection } from './GoogleConnection';

const CONSENT_LABELS: Record<Consent, string> = { granted: 'Granted', denied: 'Denied', unspecified: 'Not specified (blank)' };

const ACTION_SOURCE_LABELS: Record<(typeof META_ACTION_SOURCES)[number], string> = {
  physical_store: 'Physical store',
  system_generated: 'System generated',
  phone_call: 'Phone call',
  email: 'Email',
  chat: 'Chat',
  website: 'Website',
  other: 'Other',
};

/** Account settings the exports need: time zone, country, currencies, consent defaults and the destinations mapping. */
export function SettingsScreen({ route }: ScreenProps) {
  const settings = useQuery(() => call('settings:get', {}), [], []);
  const [saved, setSaved] = useState<AppSettings | null>(null);
  const [draft, setDraft] = useState<SettingsDraft | null>(null);
  const [touched, setTouched] = useState(false);
  // #/settings?focus=<element id> (the first-run checklist's links): scroll to that field once the form is there.
  const focus = route.params.get('focus');
  useEffect(() => {
    if (!focus || !draft) return;
    const element = document.getElementById(focus);
    element?.scrollIntoView({ block: 'center' });
    if (element instanceof HTMLInputElement || element instanceof HTMLSelectElement) element.focus();
  }, [focus, draft !== null]);
  const [serverErrors, setServerErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const zones = useMemo(timeZoneNames, []);

  useEffect(() => {
    if (settings.data && !saved) {
      setSaved(settings.data);
      setDraft(toDraft(settings.data));
    }
  }, [settings.data, saved]);

  const clientErrors = useMemo(() => (draft ? validateDraft(draft) : {}), [draft]);
  const errors: FieldErrors = { ...serverErrors, ...(touched ? clientErrors : {}) };
  const dirty = !!draft && !!saved && JSON.stringify(toPatch(draft)) !== JSON.stringify(toPatch(toDraft(saved)));

  const update = (patch: Partial<SettingsDraft>) => {
    setDraft((current) => (current ? { ...current, ...patch } : current));
    setTouched(true);
    setMessage(null);
    setServerErrors({});
  };

  const replaceAll = (next: AppSettings, text: string) => {
    setSaved(next);
    setDraft(toDraft(next));
    setTouched(false);
    setServerErrors({});
    setError(null);
    setMessage(text);
  };

  const save = async () => {
    if (!draft) return;
    setTouched(true);
    setError(null);
    setMessage(null);
    if (Object.keys(clientErrors).length) {
      setError(new Error(`Nothing was saved: fix the ${Object.keys(clientErrors).length === 1 ? 'field' : `${Object.keys(clientErrors).length} fields`} marked in red.`));
      return;
    }
    setSaving(true);
    try {
      replaceAll(await call('settings:update', { patch: toPatch(draft) }), 'Settings saved. New exports use them right away.');
    } catch (e) {
      setServerErrors(fieldErrorsFromApi(e));
      setError(e);
    } finally {
      setSaving(false);
    }
  };

  const actions = (
    <>
      {dirty && <span className="muted" data-testid="settings-dirty">Unsaved changes</span>}
      {dirty && (
        <button type="button" onClick={() => saved && replaceAll(saved, 'Changes discarded.')} disabled={saving}>
          Discard
        </button>
      )}
      <button type="button" className="btn btn--primary" data-testid="save-settings" disabled={!draft || saving || !dirty} onClick={() => void save()}>
        {saving ? 'Saving…' : 'Save'}
      </button>
    </>
  );

  return (
    <Page title="Settings" testId="settings-screen" actions={actions}>
      <ErrorBanner error={error ?? (settings.error && !settings.data ? settings.error : null)} onRetry={!settings.data ? settings.reload : undefined} />
      {message && (
        <div className="banner banner--ok" role="status" data-testid="settings-message">
          <span>{message}</span>
        </div>
      )}
      {!draft && !settings.error && <div className="card muted">Loading settings…</div>}
      {draft && (
        <form
          className="settings"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <section className="card settings-section" aria-labelledby="settings-account">
            <h2 id="settings-account" className="settings-section__title">Account</h2>
            <div className="settings-grid">
              <Field label="Account time zone" id="set-timezone" error={errors.timeZone} hint="The Google Ads account’s time zone. Conversion times are written in it (Parameters:TimeZone=…).">
                <input
                  id="set-timezone"
                  data-testid="settings-timezone"
                  list="settings-timezones"
                  value={draft.timeZone}
                  spellCheck={false}
                  aria-invalid={!!errors.timeZone}
                  onChange={(e) => update({ timeZone: e.target.value })}
                />
                <datalist id="settings-timezones">
                  {zones.map((zone) => (
                    <option key={zone} value={zone} />
                  ))}
                </datalist>
              </Field>
              <Field label="Default country" id="set-country" error={errors.defaultCountry} hint="Two-letter code (US, DE, GB…) for phone numbers written without a country code.">
                <input
                  id="set-country"
                  data-testid="settings-country"
                  className="settings-input--short"
                  value={draft.defaultCountry}
                  maxLength={2}
                  spellCheck={false}
                  aria-invalid={!!errors.defaultCountry}
                  onChange={(e) => update({ defaultCountry: e.target.value.toUpperCase() })}
                />
              </Field>
              <Field label="Import file size limit (MB)" id="set-import-max" error={errors.importMaxFileMb} hint="Larger files are refused when dropped or opened. 2048 MB (2 GB) by default.">
                <input
                  id="set-import-max"
                  data-testid="settings-import-max"
                  className="settings-input--short"
                  inputMode="numeric"
                  value={draft.importMaxFileMb}
                  aria-invalid={!!errors.importMaxFileMb}
                  onChange={(e) => update({ importMaxFileMb: e.target.value.replace(/[^0-9]/g, '') })}
                />
              </Field>
              <Field label="Google Ads account currency" id="set-google-currency" error={errors['google.requiredCurrency']} hint="ISO code such as USD or EUR. When set, events in another currency are left out of Google files. Blank = any currency.">
                <input
                  id="set-google-currency"
                  data-testid="settings-google-currency"
                  className="settings-input--short"
                  value={draft.googleCurrency}
                  maxLength={3}
                  placeholder="Any"
                  spellCheck={false}
                  aria-invalid={!!errors['google.requiredCurrency']}
                  onChange={(e) => update({ googleCurrency: e.target.value.toUpperCase() })}
                />
              </Field>
              <Field label="Meta account currency" id="set-meta-currency" error={errors['meta.requiredCurrency']} hint="When set, events in another currency are left out of Meta files. Blank = any currency.">
                <input
                  id="set-meta-currency"
                  data-testid="settings-meta-currency"
                  className="settings-input--short"
                  value={draft.metaCurrency}
                  maxLength={3}
                  placeholder="Any"
                  spellCheck={false}
                  aria-invalid={!!errors['meta.requiredCurrency']}
                  onChange={(e) => update({ metaCurrency: e.target.value.toUpperCase() })}
                />
              </Field>
              <Field label="Meta action source" id="set-action-source" error={errors['meta.actionSource']} hint="Where the conversions happened (Meta’s action_source).">
                <select id="set-action-source" data-testid="settings-action-source" value={draft.metaActionSource} onChange={(e) => update({ metaActionSource: e.target.value as SettingsDraft['metaActionSource'] })}>
                  {META_ACTION_SOURCES.map((source) => (
                    <option key={source} value={source}>{ACTION_SOURCE_LABELS[source]}</option>
                  ))}
                </select>
              </Field>
            </div>
          </section>

          <section className="card settings-section" aria-labelledby="settings-consent">
            <h2 id="settings-consent" className="settings-section__title">Consent defaults</h2>
            <p className="muted settings-section__intro">
              Used for events imported without consent values (Google’s Ad User Data and Ad Personalization columns). Required for users in the EEA; set them to what your
              consent banner actually collected.
            </p>
            <div className="settings-grid">
              <Field label="Ad user data" id="set-consent-data" error={errors['consentDefaults.adUserData']}>
                <select id="set-consent-data" data-testid="settings-consent-user-data" value={draft.adUserData} onChange={(e) => update({ adUserData: e.target.value as Consent })}>
                  {CONSENT_VALUES.map((value) => (
                    <option key={value} value={value}>{CONSENT_LABELS[value]}</option>
                  ))}
                </select>
              </Field>
              <Field label="Ad personalization" id="set-consent-personalization" error={errors['consentDefaults.adPersonalization']}>
                <select id="set-consent-personalization" data-testid="settings-consent-personalization" value={draft.adPersonalization} onChange={(e) => update({ adPersonalization: e.target.value as Consent })}>
                  {CONSENT_VALUES.map((value) => (
                    <option key={value} value={value}>{CONSENT_LABELS[value]}</option>
                  ))}
                </select>
              </Field>
            </div>
          </section>

          <section className="card settings-section" aria-labelledby="settings-destinations" id="destinations">
            <h2 id="settings-destinations" className="settings-section__title">Destinations</h2>
            <p className="muted settings-section__intro">
              For each event name: the Google Ads conversion action’s name exactly as it appears in Google Ads under Goals → Conversions (e.g. “Offline purchase”), and the Meta event name (e.g. Purchase, Lead). Leave a cell
              blank to keep those events out of that platform’s file.
            </p>
            <DestinationsTable
              destinations={draft.destinations}
              errors={errors}
              onChange={(name, value) => update({ destinations: { ...draft.destinations, [name]: { ...draft.destinations[name], ...value } } })}
            />
          </section>
          <button type="submit" hidden aria-hidden="true" tabIndex={-1} />
        </form>
      )}

      {draft && <ConversionNamesSection key={JSON.stringify(saved?.conversionNames ?? {})} />}
      <SettingsJson
        dirty={dirty}
        onImported={(next) => replaceAll(next, 'Settings imported and saved.')}
        onError={(e) => (setMessage(null), setError(e))}
      />
      <GoogleConnectionSection />
      <MetaConnectionSection />
      <DatabaseLocation />
      <DataCareSection />
    </Page>
  );
}

export function Field({ label, id, error, hint, children }: { label: string; id: string; error?: string; hint?: string; children: React.ReactNode }) {
  return (
    <div className={`field settings-field${error ? ' has-error' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {error ? (
        <div className="field__error" id={`${id}-error`} data-testid="field-error">
          {error}
        </div>
      ) : (
        hint && <div className="field__hint">{hint}</div>
      )}
    </div>
  );
}
