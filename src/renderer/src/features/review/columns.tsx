import type { ReactNode } from 'react';
import type { ConversionEvent } from '../../../../shared/domain/events';
import type { EventSort } from '../../../../shared/domain/filters';
import { DESTINATION_LABELS, DESTINATION_SHORT } from '../../../../shared/domain/delivery';
import { ShortValue } from '../../components/CopyText';
import { formatMoney } from '../../lib/format';
import { displayZone, formatInZone } from '../../lib/time-zone';
import type { CatalogData } from '../catalog/useCatalog';

export interface GridColumn {
  id: string;
  header: string;
  size: number;
  /** Server-side sort field when the column is sortable. */
  sort?: NonNullable<EventSort['field']>;
  align?: 'right';
  /** Shown by default. */
  visible?: boolean;
  /** Cannot be hidden. */
  fixed?: boolean;
  render(event: ConversionEvent, catalog: CatalogData): ReactNode;
}

/** No click id and no hashed email/phone: neither Google nor Meta can match the event. */
export function cannotUpload(event: ConversionEvent): boolean {
  return !event.gclid && !event.gbraid && !event.wbraid && !event.user_email_hash && !event.user_phone_hash;
}

/** Compact time for the grid in the display zone (the account's by default; the header names it): 2026-10-30 11:42. */
export function gridTime(iso: string | null): string {
  return formatInZone(iso, displayZone());
}

/** One chip per destination: its delivery status; muted when the event is not mapped there. */
export function DeliveryChips({ event }: { event: ConversionEvent }) {
  return (
    <span className="delivery-chips" data-testid="delivery-chips">
      {(event.deliveries ?? []).map((d) => {
        const label = DESTINATION_SHORT[d.destination];
        const title = [
          `${DESTINATION_LABELS[d.destination]}: ${d.status}${d.routed ? '' : ' (not mapped in Settings)'}`,
          d.recorded ? null : 'follows the event’s status (nothing sent there yet)',
          d.lastError ? `last error: ${d.lastError}` : null,
          d.syncedAt ? `synced ${d.syncedAt}` : null,
        ]
          .filter(Boolean)
          .join('\n');
        return (
          <span
            key={d.destination}
            className={`status-pill status-pill--${d.status} delivery-chip${d.routed ? '' : ' delivery-chip--unrouted'}`}
            title={title}
            data-testid={`delivery-${d.destination}`}
            data-status={d.status}
          >
            {label} {d.status}
          </span>
        );
      })}
    </span>
  );
}

const clickId = (e: ConversionEvent) => e.gclid ?? e.gbraid ?? e.wbraid;
const clickKind = (e: ConversionEvent) => (e.gclid ? 'gclid' : e.gbraid ? 'gbraid' : e.wbraid ? 'wbraid' : null);

export const GRID_COLUMNS: GridColumn[] = [
  {
    id: 'event_time',
    header: 'Event time',
    size: 140,
    sort: 'event_time',
    fixed: true,
    render: (e) => <span title={`${e.event_time} (UTC)`}>{gridTime(e.event_time)}</span>,
  },
  {
    id: 'conversion_name',
    header: 'Conversion name',
    size: 140,
    render: (e) => (
      <span title={e.conversion_name} data-testid="cell-conversion-name">
        {e.conversion_name}
      </span>
    ),
  },
  {
    id: 'sync_status',
    header: 'Status',
    size: 86,
    sort: 'sync_status',
    render: (e) => (
      <span className={`status-pill status-pill--${e.sync_status}`} title={e.sync_error ?? undefined}>
        {e.sync_status}
      </span>
    ),
  },
  {
    id: 'event_value',
    header: 'Value',
    size: 100,
    sort: 'event_value',
    align: 'right',
    render: (e) => formatMoney(e.event_value, e.currency),
  },
  {
    id: 'deliveries',
    header: 'Google / Meta',
    size: 214,
    render: (e) => <DeliveryChips event={e} />,
  },
  { id: 'event_name', header: 'Category', size: 100, sort: 'event_name', render: (e) => e.event_name },
  { id: 'sync_error', header: 'Sync error', size: 200, render: (e) => (e.sync_error ? <span className="sync-error" title={e.sync_error}>{e.sync_error}</span> : <span className="muted">—</span>) },
  { id: 'event_id', header: 'Event ID', size: 170, render: (e) => <span className="mono" title={e.event_id}>{e.event_id}</span> },
  {
    id: 'transaction_id',
    header: 'Transaction ID',
    size: 130,
    render: (e) => (e.transaction_id ? <span className="mono" title={e.transaction_id}>{e.transaction_id}</span> : <span className="muted">—</span>),
  },
  {
    id: 'uploadable',
    header: 'Match keys',
    size: 172,
    render: (e) =>
      cannotUpload(e) ? (
        <span className="flag flag--warn" data-testid="cannot-upload" title="No click id and no hashed email or phone: Google and Meta cannot match this event">
          ⚠ cannot be uploaded
        </span>
      ) : (
        <span className="keys">
          {clickKind(e) && <span className="key-chip">{clickKind(e)}</span>}
          {e.user_email_hash && <span className="key-chip">email</span>}
          {e.user_phone_hash && <span className="key-chip">phone</span>}
          {(e.user_first_name_hash || e.user_last_name_hash) && <span className="key-chip">name</span>}
        </span>
      ),
  },
  { id: 'click_id', header: 'Click ID', size: 130, render: (e) => <ShortValue value={clickId(e)} head={10} /> },
  { id: 'email_hash', header: 'Email hash', size: 130, visible: false, render: (e) => <ShortValue value={e.user_email_hash} /> },
  { id: 'phone_hash', header: 'Phone hash', size: 130, visible: false, render: (e) => <ShortValue value={e.user_phone_hash} /> },
  { id: 'campaign', header: 'Campaign', size: 130, render: (e, c) => c.campaignName(e.campaign_id) ?? <span className="muted">—</span> },
  { id: 'brand', header: 'Brand', size: 110, render: (e, c) => c.brandName(e.brand_id) ?? <span className="muted">—</span> },
  { id: 'currency', header: 'Currency', size: 70, visible: false, render: (e) => e.currency },
  { id: 'source', header: 'Source', size: 100, visible: false, render: (e) => e.source ?? <span className="muted">—</span> },
  { id: 'sync_attempts', header: 'Attempts', size: 76, align: 'right', visible: false, render: (e) => e.sync_attempts },
  { id: 'synced_at', header: 'Synced', size: 132, visible: false, render: (e) => gridTime(e.synced_at) },
  { id: 'created_at', header: 'Created', size: 132, sort: 'created_at', visible: false, render: (e) => gridTime(e.created_at) },
];
