import { DESTINATION_LABELS } from '../../../../shared/domain/delivery';
import type { ReactNode } from 'react';
import type { ConversionEvent } from '../../../../shared/domain/events';
import type { SourceTime } from '../../../../shared/domain/imports';
import { navigate } from '../../app/router';
import { ShortValue } from '../../components/CopyText';
import { ErrorBanner } from '../../components/Page';
import { ApiError, call } from '../../lib/api';
import { formatDateTime, formatMoney } from '../../lib/format';
import { computerZone, formatInZone, useDisplayZone, zoneOffset } from '../../lib/time-zone';
import { useQuery } from '../../lib/hooks';
import type { CatalogData } from '../catalog/useCatalog';
import { cannotUpload } from './columns';

const HASH_ROWS: { label: string; google: keyof ConversionEvent; meta: keyof ConversionEvent }[] = [
  { label: 'Email', google: 'user_email_hash', meta: 'meta_email_hash' },
  { label: 'Phone', google: 'user_phone_hash', meta: 'meta_phone_hash' },
  { label: 'First name', google: 'user_first_name_hash', meta: 'meta_first_name_hash' },
  { label: 'Last name', google: 'user_last_name_hash', meta: 'meta_last_name_hash' },
];

function Field({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <>
      <dt>{label}</dt>
      <dd data-testid={testId}>{children ?? <span className="muted">—</span>}</dd>
    </>
  );
}

const text = (value: string | number | null | undefined) => (value === null || value === undefined || value === '' ? <span className="muted">—</span> : String(value));

export function DetailPanel({ id, onClose, catalog }: { id: string; onClose(): void; catalog: CatalogData }) {
  const detail = useQuery(() => call('events:get', { id }), [id]);
  const fileTime = useQuery(() => call('imports:eventTime', { eventId: id }), [id]);
  const gone = detail.error instanceof ApiError && detail.error.code === 'not_found';
  const d = !gone && detail.data?.event.id === id ? detail.data : undefined;
  const e = d?.event;

  return (
    <aside className="detail" aria-label="Event detail" data-testid="event-detail" data-event-id={id}>
      <header className="detail__header">
        <div className="detail__title">
          {e ? (
            <>
              <span className="detail__name" data-testid="detail-conversion-name">{e.conversion_name}</span>
              {e.conversion_name !== e.event_name && <span className="muted" data-testid="detail-category" title="The plan's category of this conversion name">{e.event_name}</span>}
              <span className={`status-pill status-pill--${e.sync_status}`} data-testid="detail-status">{e.sync_status}</span>
            </>
          ) : (
            'Event'
          )}
        </div>
        <button type="button" className="detail__close" onClick={onClose} aria-label="Close detail">×</button>
      </header>
      <div className="detail__body">
        {gone ? (
          <div className="empty-state" data-testid="detail-gone">
            <div className="empty-state__title">This event no longer exists</div>
            It was deleted (or its import was undone). <button type="button" className="link-btn" onClick={onClose}>Close</button>
          </div>
        ) : (
          <ErrorBanner error={detail.error} onRetry={detail.reload} />
        )}
        {!e && !detail.error && <div className="muted detail__loading">Loading…</div>}
        {e && d && (
          <>
            {cannotUpload(e) && (
              <div className="banner banner--warn" role="note">
                No click id and no hashed email or phone: neither Google nor Meta can match this event. Skip it, or re-import it with identifiers.
              </div>
            )}
            {e.sync_status === 'failed' && e.sync_error && <div className="banner banner--error">Last failure: {e.sync_error}</div>}

            <section className="detail__section">
              <h2>Event</h2>
              <dl className="kv">
                <Field label="Event ID"><span className="mono">{e.event_id}</span></Field>
                <Field label="Event time">
                  <EventTimes iso={e.event_time} source={fileTime.data ?? null} />
                </Field>
                <Field label="Value" testId="detail-value">{formatMoney(e.event_value, e.currency)}</Field>
                <Field label="Currency">{e.currency}</Field>
                <Field label="Transaction ID">{text(e.transaction_id)}</Field>
                <Field label="Source">{text(e.source)}</Field>
                <Field label="Campaign">{text(catalog.campaignName(e.campaign_id) ?? (e.campaign_id ? '(unknown)' : null))}</Field>
                <Field label="Brand">{text(catalog.brandName(e.brand_id) ?? (e.brand_id ? '(unknown)' : null))}</Field>
                <Field label="Import" testId="detail-import">
                  {e.import_id ? (
                    <a href="#" onClick={(m) => (m.preventDefault(), navigate('review', { import: e.import_id! }))} title="Show every event from this file">
                      {d.importName ?? e.import_id}
                    </a>
                  ) : (
                    <span className="muted">created by hand / API</span>
                  )}
                </Field>
                <Field label="Internal id"><ShortValue value={e.id} head={13} /></Field>
              </dl>
            </section>

            <section className="detail__section" data-testid="detail-deliveries">
              <h2>Delivery per destination</h2>
              <p className="muted">The status above is the event's overall state: failed if any destination failed, else queued, pending, sent (delivered wherever it is mapped), or skipped.</p>
              {(e.deliveries ?? []).map((dl) => (
                <div key={dl.destination} className="delivery-block" data-testid={`detail-delivery-${dl.destination}`}>
                  <div className="delivery-block__head">
                    <strong>{DESTINATION_LABELS[dl.destination]}</strong>
                    {dl.routed ? null : <span className="muted">not mapped</span>}
                    <span className={`status-pill status-pill--${dl.status}`} data-status={dl.status}>{dl.status}</span>
                    {dl.recorded ? null : <span className="muted">no record of its own yet: shown from the event's status</span>}
                  </div>
                  <dl className="kv">
                    <Field label="Attempts">{dl.attempts}</Field>
                    <Field label="Synced at">{formatDateTime(dl.syncedAt)}</Field>
                    <Field label="Last error">{text(dl.lastErrorCode ? `${dl.lastErrorCode}: ${dl.lastError ?? ''}` : dl.lastError)}</Field>
                    <Field label="Batch / run">{dl.batchId ? <ShortValue value={dl.batchId} /> : dl.runId ? <ShortValue value={dl.runId} /> : text(null)}</Field>
                  </dl>
                </div>
              ))}
            </section>

            <section className="detail__section">
              <h2>Sync</h2>
              <dl className="kv">
                <Field label="Status">{e.sync_status}</Field>
                <Field label="Attempts">{e.sync_attempts}</Field>
                <Field label="Synced at">{formatDateTime(e.synced_at)}</Field>
                <Field label="Sync error">{text(e.sync_error)}</Field>
                <Field label="Batch">{e.batch_id ? <ShortValue value={e.batch_id} /> : text(null)}</Field>
                <Field label="Created">{formatDateTime(e.created_at)}</Field>
                <Field label="Updated">{formatDateTime(e.updated_at)}</Field>
              </dl>
            </section>

            <section className="detail__section">
              <h2>Identifiers</h2>
              <table className="table table--compact" data-testid="detail-hashes">
                <thead>
                  <tr><th>Hashed</th><th>Google</th><th>Meta</th></tr>
                </thead>
                <tbody>
                  {HASH_ROWS.map((row) => (
                    <tr key={row.label}>
                      <td>{row.label}</td>
                      <td data-platform="google" data-present={Boolean(e[row.google])}><ShortValue value={e[row.google] as string | null} /></td>
                      <td data-platform="meta" data-present={Boolean(e[row.meta])}><ShortValue value={e[row.meta] as string | null} /></td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <dl className="kv">
                <Field label="gclid"><ShortValue value={e.gclid} head={16} /></Field>
                <Field label="gbraid"><ShortValue value={e.gbraid} head={16} /></Field>
                <Field label="wbraid"><ShortValue value={e.wbraid} head={16} /></Field>
                <Field label="fbc"><ShortValue value={e.fbc} head={16} /></Field>
                <Field label="fbp"><ShortValue value={e.fbp} head={16} /></Field>
                <Field label="IP">{text(e.user_ip)}</Field>
                <Field label="User agent"><span className="wrap-anywhere">{text(e.user_agent)}</span></Field>
                <Field label="Consent: ad user data">{e.consent_ad_user_data}</Field>
                <Field label="Consent: personalization">{e.consent_ad_personalization}</Field>
              </dl>
            </section>

            <section className="detail__section">
              <h2>Custom params</h2>
              {e.custom_params && Object.keys(e.custom_params).length > 0 ? (
                <pre className="json" data-testid="detail-custom-params">{JSON.stringify(e.custom_params, null, 2)}</pre>
              ) : (
                <div className="muted">None</div>
              )}
            </section>

            <section className="detail__section">
              <h2>History</h2>
              {d.history.length === 0 ? (
                <div className="muted">No status changes yet.</div>
              ) : (
                <ol className="history" data-testid="detail-history">
                  {[...d.history]
                    .sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : b.id - a.id))
                    .map((h) => (
                      <li key={h.id} className="history__item" data-testid="history-entry" data-action={h.action}>
                        <div className="history__line">
                          <span className="history__time">{formatDateTime(h.created_at)}</span>
                          <span className="history__move">
                            {h.from_status ? <span className={`status-text status-text--${h.from_status}`}>{h.from_status}</span> : <span className="muted">new</span>}
                            {' → '}
                            <span className={`status-text status-text--${h.to_status}`}>{h.to_status}</span>
                          </span>
                          <span className="history__action">{h.action.replace(/_/g, ' ')}</span>
                        </div>
                        {h.note && <div className="history__note">{h.note}</div>}
                      </li>
                    ))}
                </ol>
              )}
            </section>
          </>
        )}
      </div>
    </aside>
  );
}

/**
 * The event's time as the file gave it, in the account zone and in UTC (and on this computer's clock
 * when it differs), each zone named (issue 15 item 8). The stored instant is exact: a time the file
 * gave with an offset was converted from it; one without an offset was read in the import's zone.
 */
function EventTimes({ iso, source }: { iso: string; source: SourceTime | null }) {
  const { accountZone } = useDisplayZone();
  const lines: { label: string; text: string; zone: string }[] = [];
  if (source) lines.push({ zone: 'file', text: source.text, label: source.zone ? `as in the file, read in ${source.zone}` : 'as in the file (with its own offset)' });
  const accountIsUtc = accountZone !== null && /^(Etc\/)?(UTC|UCT|GMT|Zulu|Universal)$/.test(accountZone);
  const zoned = (label: string) => ({ label, zone: label });
  if (accountZone && !accountIsUtc) lines.push({ ...zoned(`${accountZone} (account)`), text: `${formatInZone(iso, accountZone, true)} ${zoneOffset(iso, accountZone)}` });
  lines.push({ ...zoned(accountIsUtc ? 'UTC (account)' : 'UTC'), text: iso });
  if (computerZone !== accountZone && computerZone !== 'UTC') lines.push({ ...zoned(`${computerZone} (this computer)`), text: `${formatInZone(iso, computerZone, true)} ${zoneOffset(iso, computerZone)}` });
  return (
    <span className="event-times" data-testid="detail-times">
      {lines.map((line) => (
        <span key={line.zone} className="event-times__line" data-zone={line.zone}>
          <span className="mono" style={line.zone === 'file' ? { whiteSpace: 'pre-wrap' } : undefined}>{line.text}</span> <span className="muted">{line.label}</span>
        </span>
      ))}
    </span>
  );
}
