import { useState, type FormEvent } from 'react';
import { routeHref } from '../../app/router';
import type { ScreenProps } from '../../app/screens';
import { Dialog } from '../../components/Dialog';
import { EmptyState, ErrorBanner, Page } from '../../components/Page';
import { call, errorMessage } from '../../lib/api';
import { formatCount, formatDateTime } from '../../lib/format';
import { useCatalog, type CatalogData } from './useCatalog';

type Kind = 'campaign' | 'brand';

interface Item {
  id: string;
  name: string;
  created_at: string;
  brand_id?: string | null;
}

/** Campaigns & brands: create, rename, delete (events keep existing, their link is cleared). */
export function CatalogScreen(_props: ScreenProps) {
  const catalog = useCatalog();
  const [message, setMessage] = useState<{ text: string; tone: 'ok' | 'error' } | null>(null);
  return (
    <Page title="Campaigns & brands" testId="catalog-screen">
      <ErrorBanner error={catalog.error} onRetry={catalog.reload} />
      {message && (
        <div className={`banner banner--${message.tone}`} role="status" data-testid="catalog-message">
          <span>{message.text}</span>
          <button type="button" className="link-btn" aria-label="Dismiss" onClick={() => setMessage(null)}>×</button>
        </div>
      )}
      <div className="catalog">
        <CatalogList kind="campaign" items={catalog.campaigns} catalog={catalog} onMessage={setMessage} />
        <CatalogList kind="brand" items={catalog.brands} catalog={catalog} onMessage={setMessage} />
      </div>
    </Page>
  );
}

function CatalogList({ kind, items, catalog, onMessage }: { kind: Kind; items: Item[]; catalog: CatalogData; onMessage(m: { text: string; tone: 'ok' | 'error' }): void }) {
  const [name, setName] = useState('');
  const [brandId, setBrandId] = useState('');
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<{ id: string; name: string } | null>(null);
  const [deleting, setDeleting] = useState<Item | null>(null);
  const [busy, setBusy] = useState(false);
  const title = kind === 'campaign' ? 'Campaigns' : 'Brands';
  const label = kind === 'campaign' ? 'Campaign' : 'Brand';

  const create = async (event: FormEvent) => {
    event.preventDefault();
    const submitted = name;
    if (!submitted.trim()) return;
    setCreating(true);
    try {
      if (kind === 'campaign') await call('campaigns:create', { name: submitted.trim(), brandId: brandId || null });
      else await call('brands:create', { name: submitted.trim() });
      onMessage({ text: `${label} “${submitted.trim()}” created`, tone: 'ok' });
      setName((current) => (current === submitted ? '' : current));
      catalog.reload();
    } catch (error) {
      onMessage({ text: `Could not create the ${kind}: ${errorMessage(error)}`, tone: 'error' });
    } finally {
      setCreating(false);
    }
  };

  const rename = async () => {
    if (!editing || !editing.name.trim()) return;
    setBusy(true);
    try {
      if (kind === 'campaign') await call('campaigns:rename', { id: editing.id, name: editing.name.trim() });
      else await call('brands:rename', { id: editing.id, name: editing.name.trim() });
      setEditing(null);
      catalog.reload();
    } catch (error) {
      onMessage({ text: `Could not rename: ${errorMessage(error)}`, tone: 'error' });
    } finally {
      setBusy(false);
    }
  };

  const remove = async (item: Item) => {
    setBusy(true);
    try {
      const r = kind === 'campaign' ? await call('campaigns:delete', { id: item.id }) : await call('brands:delete', { id: item.id });
      onMessage({
        text: `${label} “${item.name}” deleted · ${formatCount(r.detachedEvents)} event${r.detachedEvents === 1 ? '' : 's'} kept, now without a ${kind}`,
        tone: 'ok',
      });
      setDeleting(null);
      catalog.reload();
    } catch (error) {
      onMessage({ text: `Could not delete: ${errorMessage(error)}`, tone: 'error' });
      setDeleting(null);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card catalog__list" aria-label={title} data-testid={`${kind}-list`}>
      <div className="card__title">{title}</div>
      <form className="row catalog__create" onSubmit={create}>
        <input value={name} onChange={(e) => setName(e.target.value)} placeholder={`New ${kind} name`} aria-label={`New ${kind} name`} maxLength={200} />
        {kind === 'campaign' && (
          <select value={brandId} onChange={(e) => setBrandId(e.target.value)} aria-label="Brand of the new campaign">
            <option value="">No brand</option>
            {catalog.brands.map((b) => (
              <option key={b.id} value={b.id}>{b.name}</option>
            ))}
          </select>
        )}
        <button type="submit" className="btn btn--primary" disabled={!name.trim() || creating}>
          {kind === 'campaign' ? 'Create campaign' : 'Create brand'}
        </button>
      </form>
      {items.length === 0 ? (
        <EmptyState title={`No ${title.toLowerCase()} yet`}>
          {kind === 'campaign'
            ? 'Create campaigns to group events; assign them from the Review screen (select rows → Assign…).'
            : 'Brands group campaigns and events, e.g. one per shop or client.'}
        </EmptyState>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Name</th>
              {kind === 'campaign' && <th>Brand</th>}
              <th>Created</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.id} data-testid={`${kind}-row`} data-id={item.id}>
                <td>
                  {editing?.id === item.id ? (
                    <form
                      className="row"
                      onSubmit={(e) => {
                        e.preventDefault();
                        void rename();
                      }}
                    >
                      <input
                        autoFocus
                        value={editing.name}
                        onChange={(e) => setEditing({ ...editing, name: e.target.value })}
                        onKeyDown={(e) => e.key === 'Escape' && setEditing(null)}
                        aria-label={`New name for ${item.name}`}
                        maxLength={200}
                      />
                      <button type="submit" className="btn btn--primary" disabled={busy || !editing.name.trim()}>Save</button>
                      <button type="button" onClick={() => setEditing(null)}>Cancel</button>
                    </form>
                  ) : (
                    <a href={routeHref('review', { [kind]: item.id })} title={`Review events of ${item.name}`}>{item.name}</a>
                  )}
                </td>
                {kind === 'campaign' && <td>{catalog.brandName(item.brand_id ?? null) ?? <span className="muted">—</span>}</td>}
                <td className="muted">{formatDateTime(item.created_at)}</td>
                <td className="catalog__actions">
                  {editing?.id !== item.id && (
                    <>
                      <button type="button" onClick={() => setEditing({ id: item.id, name: item.name })} aria-label={`Rename ${item.name}`}>Rename</button>
                      <button type="button" className="btn btn--danger" onClick={() => setDeleting(item)} aria-label={`Delete ${item.name}`}>Delete…</button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {deleting && (
        <Dialog
          title={`Delete ${kind} “${deleting.name}”?`}
          confirmLabel={`Delete ${kind}`}
          danger
          busy={busy}
          onCancel={() => setDeleting(null)}
          onConfirm={() => void remove(deleting)}
          testId="confirm-dialog"
        >
          <p>
            Its events keep existing: only their link to this {kind} is cleared (they will show “no {kind}”).
            {kind === 'brand' && ' Campaigns of this brand are kept too, without a brand.'}
          </p>
        </Dialog>
      )}
    </section>
  );
}
