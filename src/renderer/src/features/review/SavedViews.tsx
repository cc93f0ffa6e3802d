import { useEffect, useRef, useState } from 'react';
import { navigate } from '../../app/router';
import { Dialog } from '../../components/Dialog';
import { useStoredState } from '../../lib/hooks';

interface SavedView {
  name: string;
  query: string;
}

/** Named views: the review filter + sort (the URL query) saved under a name. */
export function SavedViews({ query }: { query: string }) {
  const [views, setViews] = useStoredState<SavedView[]>('review.savedViews.v1', []);
  const [open, setOpen] = useState(false);
  const [naming, setNaming] = useState<string | null>(null);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent) => !box.current?.contains(event.target as Node) && setOpen(false);
    window.addEventListener('mousedown', close);
    return () => window.removeEventListener('mousedown', close);
  }, [open]);
  const current = views.find((v) => v.query === query);
  const save = () => {
    const name = naming?.trim();
    if (!name) return;
    setViews([...views.filter((v) => v.name !== name), { name, query }].sort((a, b) => a.name.localeCompare(b.name)));
    setNaming(null);
  };
  return (
    <div className="menu" ref={box}>
      <button type="button" aria-haspopup="true" aria-expanded={open} onClick={() => setOpen(!open)} data-testid="views-button">
        {current ? `View: ${current.name}` : 'Views'} ▾
      </button>
      {open && (
        <div className="menu__popover menu__popover--right" role="menu" aria-label="Saved views">
          {views.length === 0 && <div className="menu__hint">No saved views yet.</div>}
          {views.map((v) => (
            <div key={v.name} className="menu__row">
              <button type="button" role="menuitem" className={`menu__item menu__action${v.query === query ? ' is-current' : ''}`} onClick={() => (navigate('review', new URLSearchParams(v.query)), setOpen(false))}>
                {v.name}
              </button>
              <button type="button" className="menu__delete" aria-label={`Delete view ${v.name}`} onClick={() => setViews(views.filter((x) => x.name !== v.name))}>
                ×
              </button>
            </div>
          ))}
          <div className="menu__sep" />
          <button type="button" role="menuitem" className="menu__item menu__action" onClick={() => (setNaming(current?.name ?? ''), setOpen(false))}>
            Save current view…
          </button>
        </div>
      )}
      {naming !== null && (
        <Dialog title="Save this view" confirmLabel="Save view" confirmDisabled={!naming.trim()} onCancel={() => setNaming(null)} onConfirm={save} testId="save-view-dialog">
          <label className="field">
            <span className="field__label">Name (filters and sort are saved; a view with the same name is replaced)</span>
            <input value={naming} onChange={(e) => setNaming(e.target.value)} maxLength={80} aria-label="View name" />
          </label>
        </Dialog>
      )}
    </div>
  );
}
