import { useEffect, useRef, useState } from 'react';
import type { SavedView } from '../../../../shared/ipc/channels/overview';
import { navigate } from '../../app/router';
import { Dialog } from '../../components/Dialog';
import { call, errorMessage } from '../../lib/api';
import { useQuery } from '../../lib/hooks';
import { GRID_COLUMNS } from './columns';
import type { GridColumnsState } from './EventGrid';
import { filterToView, viewToFilter, viewToParams, type ReviewView } from './filters';

const queryOf = (v: SavedView) => viewToParams(filterToView(v.filter, v.sort)).toString();

/** Named views saved in the database: the review filter, sort and grid columns. */
export function SavedViews({ view, columns }: { view: ReviewView; columns: GridColumnsState }) {
  const views = useQuery(() => call('views:list', {}), [], []);
  const [open, setOpen] = useState(false);
  const [naming, setNaming] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent) => !box.current?.contains(event.target as Node) && setOpen(false);
    window.addEventListener('mousedown', close);
    return () => window.removeEventListener('mousedown', close);
  }, [open]);

  const query = viewToParams(view).toString();
  const list = views.data ?? [];
  const current = list.find((v) => queryOf(v) === query);

  const apply = (v: SavedView) => {
    if (v.columns.length) {
      columns.setVisibility(Object.fromEntries(GRID_COLUMNS.map((c) => [c.id, !(v.columns.find((x) => x.id === c.id)?.hidden ?? c.visible === false)])));
      columns.setSizing(Object.fromEntries(v.columns.filter((c) => c.width).map((c) => [c.id, c.width!])));
    }
    navigate('review', viewToParams(filterToView(v.filter, v.sort)));
    setOpen(false);
  };

  const save = async () => {
    const name = naming?.trim();
    if (!name) return;
    setBusy(true);
    try {
      await call('views:save', {
        name,
        filter: viewToFilter(view),
        sort: { field: view.sort, direction: view.dir },
        columns: GRID_COLUMNS.map((c) => {
          const width = columns.sizing[c.id];
          return { id: c.id, hidden: columns.visibility[c.id] === false, ...(width ? { width: Math.min(2000, Math.max(20, Math.round(width))) } : {}) };
        }),
      });
      setNaming(null);
      setError(null);
      views.reload();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const remove = async (v: SavedView) => {
    try {
      await call('views:delete', { id: v.id });
      views.reload();
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  return (
    <div className="menu" ref={box}>
      <button type="button" aria-haspopup="true" aria-expanded={open} onClick={() => setOpen(!open)} data-testid="views-button">
        {current ? `View: ${current.name}` : 'Views'} ▾
      </button>
      {open && (
        <div className="menu__popover" role="menu" aria-label="Saved views">
          {views.error && <div className="menu__hint text-danger">{views.error.message}</div>}
          {error && <div className="menu__hint text-danger">{error}</div>}
          {!views.error && list.length === 0 && <div className="menu__hint">No saved views yet.</div>}
          {list.map((v) => (
            <div key={v.id} className="menu__row">
              <button type="button" role="menuitem" className={`menu__item menu__action${v === current ? ' is-current' : ''}`} onClick={() => apply(v)} data-testid="saved-view">
                {v.name}
              </button>
              <button type="button" className="menu__delete" aria-label={`Delete view ${v.name}`} onClick={() => void remove(v)}>
                ×
              </button>
            </div>
          ))}
          <div className="menu__sep" />
          <button type="button" role="menuitem" className="menu__item menu__action" onClick={() => (setNaming(current?.name ?? ''), setError(null), setOpen(false))}>
            Save current view…
          </button>
        </div>
      )}
      {naming !== null && (
        <Dialog title="Save this view" confirmLabel="Save view" confirmDisabled={!naming.trim()} busy={busy} onCancel={() => setNaming(null)} onConfirm={() => void save()} testId="save-view-dialog">
          <label className="field">
            <span className="field__label">Name (filters, sort and columns are saved; a view with the same name is replaced)</span>
            <input value={naming} onChange={(e) => setNaming(e.target.value)} maxLength={100} aria-label="View name" />
          </label>
          {error && <div className="text-danger">{error}</div>}
        </Dialog>
      )}
    </div>
  );
}
