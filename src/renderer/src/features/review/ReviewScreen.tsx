import { useCallback, useEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import { type ConversionEvent, type ConversionSyncStatus } from '../../../../shared/domain/events';
import type { SyncAction } from '../../../../shared/domain/sync';
import type { StatusCounts } from '../../../../shared/ipc/channels/events';
import { navigate, routeHref } from '../../app/router';
import type { ScreenProps } from '../../app/screens';
import { EmptyState, ErrorBanner } from '../../components/Page';
import { call, errorMessage, onPush } from '../../lib/api';
import { formatCount } from '../../lib/format';
import { useQuery } from '../../lib/hooks';
import { useCatalog } from '../catalog/useCatalog';
import { BulkBar, runJob, runTransition, type BulkOutcome, type BulkTarget } from './BulkBar';
import { DetailPanel } from './DetailPanel';
import { FilterBar } from './FilterBar';
import { ColumnMenu, EventGrid, useGridColumns } from './EventGrid';
import { DEFAULT_VIEW, isFiltered, viewFromParams, viewToFilter, viewToParams, type ReviewView } from './filters';
import { SavedViews } from './SavedViews';
import { ZoneSwitch } from './ZoneSwitch';
import { StatusBar } from './StatusBar';
import { PAGE_SIZE, useEventPages } from './useEventPages';

type Selection = { mode: 'ids'; ids: Map<string, ConversionSyncStatus> } | { mode: 'filter' };
const NO_SELECTION: Selection = { mode: 'ids', ids: new Map() };
const MAX_IDS = 100_000;

const emptyCounts = (): StatusCounts => ({ pending: 0, queued: 0, sent: 0, failed: 0, skipped: 0 });

const isTyping = (target: EventTarget | null) =>
  target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

/** Review: filter bar, virtualized events grid, bulk actions, detail panel, counts by status. */
export function ReviewScreen({ route }: ScreenProps) {
  const view = useMemo(() => viewFromParams(route.params), [route.params]);
  const filter = useMemo(() => viewToFilter(view), [view]);
  const sort = useMemo(() => ({ field: view.sort, direction: view.dir }), [view.sort, view.dir]);
  const filterKey = JSON.stringify(filter);
  const key = `${filterKey}|${view.sort}|${view.dir}`;

  const catalog = useCatalog();
  const columns = useGridColumns();
  const pages = useEventPages(filter, sort, key);
  const counts = useQuery(async () => ({ key: filterKey, ...(await call('events:count', { filter })) }), [filterKey], []);
  const countsNow = counts.data?.key === filterKey ? counts.data : undefined;

  const [selection, setSelection] = useState<Selection>(NO_SELECTION);
  const [active, setActive] = useState(-1);
  const anchor = useRef(-1);
  const [detailId, setDetailId] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<(BulkOutcome & { id: number }) | null>(null);
  const [bulkRequest, setBulkRequest] = useState<{ action: SyncAction; nonce: number } | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);

  // Live data: refetch on screen and recount when anything changes the events table.
  useEffect(
    () =>
      onPush('events:changed', () => {
        pages.refresh();
        counts.reload();
      }),
    [pages.refresh, counts.reload], // eslint-disable-line react-hooks/exhaustive-deps
  );

  // A new filter or sort starts a new selection.
  useEffect(() => {
    setSelection(NO_SELECTION);
    setActive(-1);
    anchor.current = -1;
  }, [key]);

  const setView = useCallback(
    (patch: Partial<ReviewView>) => {
      const typed = Object.keys(patch).every((k) => k === 'q' || k === 'min' || k === 'max');
      navigate('review', viewToParams({ ...view, ...patch }), typed);
    },
    [view],
  );

  const rowCount = pages.knownEnd ?? countsNow?.total ?? (pages.ready ? PAGE_SIZE : 0);

  const isSelected = useCallback((id: string) => selection.mode === 'filter' || selection.ids.has(id), [selection]);
  const selectedCount = selection.mode === 'filter' ? (countsNow?.total ?? 0) : selection.ids.size;

  const withRange = (base: Map<string, ConversionSyncStatus>, from: number, to: number) => {
    const next = new Map(base);
    const [a, b] = from < to ? [from, to] : [to, from];
    for (let i = a; i <= b && next.size < MAX_IDS; i++) {
      const row = pages.rowAt(i);
      if (row) next.set(row.id, row.sync_status);
    }
    return next;
  };
  const currentIds = () => (selection.mode === 'ids' ? selection.ids : new Map<string, ConversionSyncStatus>());

  const onRowClick = (index: number, event: ConversionEvent, mouse: MouseEvent) => {
    if (mouse.shiftKey && anchor.current >= 0) {
      window.getSelection()?.removeAllRanges();
      setSelection({ mode: 'ids', ids: withRange(mouse.ctrlKey || mouse.metaKey ? currentIds() : new Map(), anchor.current, index) });
    } else if (mouse.ctrlKey || mouse.metaKey) {
      const next = new Map(currentIds());
      if (next.has(event.id)) next.delete(event.id);
      else next.set(event.id, event.sync_status);
      setSelection({ mode: 'ids', ids: next });
      anchor.current = index;
    } else {
      setSelection({ mode: 'ids', ids: new Map([[event.id, event.sync_status]]) });
      anchor.current = index;
      setDetailId(event.id);
    }
    setActive(index);
  };

  const onCheck = (index: number, event: ConversionEvent, shift: boolean) => {
    if (shift && anchor.current >= 0) {
      setSelection({ mode: 'ids', ids: withRange(currentIds(), anchor.current, index) });
    } else {
      const next = new Map(currentIds());
      if (selection.mode === 'filter' || !next.has(event.id)) next.set(event.id, event.sync_status);
      else next.delete(event.id);
      setSelection({ mode: 'ids', ids: next });
      anchor.current = index;
    }
    setActive(index);
  };

  const loadedRows = useMemo(() => pages.loaded(), [pages.version]); // eslint-disable-line react-hooks/exhaustive-deps
  const currentStatus = useMemo(() => new Map(loadedRows.map((r) => [r.event.id, r.event.sync_status])), [loadedRows]);
  const loadedSelected = selection.mode === 'filter' ? loadedRows.length : loadedRows.filter((r) => selection.ids.has(r.event.id)).length;
  const headerCheck = {
    state: (loadedSelected === 0 ? 'none' : loadedSelected === rowCount ? 'all' : 'some') as 'all' | 'some' | 'none',
    toggle: () => {
      if (selectedCount > 0) setSelection(NO_SELECTION);
      else setSelection({ mode: 'ids', ids: new Map(loadedRows.slice(0, MAX_IDS).map((r) => [r.event.id, r.event.sync_status])) });
    },
  };

  const target: BulkTarget | null = useMemo(() => {
    if (selection.mode === 'filter') {
      return countsNow ? { kind: 'filter', filter, total: countsNow.total, byStatus: countsNow.byStatus } : null;
    }
    if (selection.ids.size === 0) return null;
    // Prefer each row's current status (the grid refetches after every change) over the one seen when it was picked.
    const byStatus = emptyCounts();
    for (const [id, status] of selection.ids) byStatus[currentStatus.get(id) ?? status]++;
    return { kind: 'ids', ids: [...selection.ids.keys()], byStatus };
  }, [selection, countsNow, filter, currentStatus]);

  const showOutcome = useCallback((o: BulkOutcome) => {
    setOutcome({ ...o, id: Date.now() });
    if (o.tone !== 'error') setSelection(NO_SELECTION);
  }, []);

  const [undoing, setUndoing] = useState<{ done: number; total: number } | null>(null);
  const undoJob = useRef<string | null>(null);
  useEffect(
    () => onPush('job:progress', (p) => p.jobId === undoJob.current && setUndoing({ done: p.done, total: p.total })),
    [],
  );
  const undo = async (token: string) => {
    setUndoing({ done: 0, total: 0 });
    try {
      const job = await runJob({ op: 'undo', undoToken: token }, (id) => (undoJob.current = id));
      if (job.state === 'done' && job.result?.op === 'undo') {
        const n = job.result.restored;
        setOutcome({ text: `Undone: ${formatCount(n)} event${n === 1 ? '' : 's'} back to their previous status`, tone: 'ok', undoToken: null, id: Date.now() });
      } else {
        setOutcome({ text: `Could not undo: ${job.error?.message ?? job.state}`, tone: 'error', undoToken: job.state === 'cancelled' ? token : null, id: Date.now() });
      }
    } catch (error) {
      setOutcome({ text: `Could not undo: ${errorMessage(error)}`, tone: 'error', undoToken: null, id: Date.now() });
    } finally {
      undoJob.current = null;
      setUndoing(null);
    }
  };

  // Keyboard: j/k ↑/↓ move, space selects, q queue, s skip, / search, Enter detail, Esc clears.
  const extendTo = (index: number) => {
    if (anchor.current < 0) anchor.current = Math.max(0, active);
    setSelection({ mode: 'ids', ids: withRange(new Map(), anchor.current, index) });
  };
  const keyState = useRef({ active, rowCount, selection, target, detailId, onCheck, extendTo });
  keyState.current = { active, rowCount, selection, target, detailId, onCheck, extendTo };
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      if (document.querySelector('.modal')) return;
      if (isTyping(event.target)) return;
      const s = keyState.current;
      const move = (delta: number) => {
        event.preventDefault();
        if (s.rowCount === 0) return;
        const next = Math.min(s.rowCount - 1, Math.max(0, (s.active < 0 ? (delta > 0 ? -1 : 0) : s.active) + delta));
        setActive(next);
        if (event.shiftKey) s.extendTo(next);
        if (s.detailId) {
          const row = pages.rowAt(next);
          if (row) setDetailId(row.id);
        }
      };
      const activeRow = s.active >= 0 ? pages.rowAt(s.active) : undefined;
      const act = (action: SyncAction) => {
        event.preventDefault();
        // One row (nothing ticked: the focused row; or the one row picked) changes at once, Undo in the outcome;
        // several rows go through the confirmation.
        const single = !s.target ? activeRow?.id : s.target.kind === 'ids' && s.target.ids.length === 1 ? s.target.ids[0] : undefined;
        if (single) {
          void runTransition(action, { kind: 'ids', ids: [single], byStatus: emptyCounts() }).then(showOutcome);
          return;
        }
        if (!s.target) return;
        setBulkRequest({ action, nonce: Date.now() });
      };
      switch (event.key) {
        case 'j':
        case 'J':
        case 'ArrowDown':
          return move(1);
        case 'k':
        case 'K':
        case 'ArrowUp':
          return move(-1);
        case ' ':
          event.preventDefault();
          if (activeRow) s.onCheck(s.active, activeRow, event.shiftKey);
          return;
        case 'q':
          return act('queue');
        case 's':
          return act('skip');
        case '/':
          event.preventDefault();
          searchRef.current?.focus();
          searchRef.current?.select();
          return;
        case 'Enter':
          if (activeRow) {
            event.preventDefault();
            setDetailId(activeRow.id);
          }
          return;
        case 'Escape':
          if (s.selection.mode === 'filter' || s.selection.ids.size > 0) setSelection(NO_SELECTION);
          else if (s.detailId) setDetailId(null);
          return;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [pages.rowAt, showOutcome]);

  const filtered = isFiltered(view);
  let overlay = null;
  if (pages.error && !pages.ready) {
    overlay = (
      <div className="grid-state grid-state--error" data-testid="grid-error">
        <ErrorBanner error={pages.error} onRetry={pages.refresh} />
      </div>
    );
  } else if (!pages.ready) {
    overlay = (
      <div className="grid-state" data-testid="grid-loading" aria-busy="true">
        <span className="spinner" aria-hidden="true" /> Loading events…
      </div>
    );
  } else if (rowCount === 0) {
    overlay = filtered ? (
      <EmptyState title="No events match this filter">
        <p>Widen the dates or clear a filter to see more.</p>
        <button type="button" onClick={() => setView({ ...DEFAULT_VIEW, sort: view.sort, dir: view.dir })}>Clear filters</button>
      </EmptyState>
    ) : (
      <EmptyState title="No events yet">
        <p>Drop a CSV anywhere on this window, or <a href={routeHref('import')}>open one on the Import screen</a>, to bring in conversions.</p>
      </EmptyState>
    );
  }

  return (
    <section className="page page--fill review" data-testid="review-screen">
      <header className="page__header">
        <h1>Review</h1>
        <div className="page__actions">
          <ZoneSwitch />
          <SavedViews view={view} columns={columns} />
          <ColumnMenu columns={columns} />
        </div>
      </header>
      <div className="review__filters">
        <FilterBar view={view} onChange={setView} catalog={catalog} searchRef={searchRef} />
      </div>
      <div className="review__split">
        <div className="review__main">
          <div className="review__toolbar">
            {target ? (
              <BulkBar target={target} catalog={catalog} onOutcome={showOutcome} onClear={() => setSelection(NO_SELECTION)} request={bulkRequest} onRequestHandled={() => setBulkRequest(null)} />
            ) : (
              <div className="bulk-bar bulk-bar--idle">
                <span className="muted">
                  {selection.mode === 'filter' ? 'Counting…' : 'Click a row to see its detail; shift-click or tick boxes to select several. Keys: j/k move (shift extends) · space select · q queue · s skip · Enter detail · / search'}
                </span>
              </div>
            )}
            {selection.mode === 'ids' && selection.ids.size > 0 && countsNow && countsNow.total > selection.ids.size && (
              <button type="button" className="link-btn" onClick={() => setSelection({ mode: 'filter' })} data-testid="select-all-matching">
                Select all {formatCount(countsNow.total)} matching the filter
              </button>
            )}
          </div>
          {outcome && (
            <div className={`banner banner--${outcome.tone === 'warn' ? 'warn' : outcome.tone} outcome`} role="status" data-testid="bulk-outcome" key={outcome.id}>
              <span>{outcome.text}</span>
              <span className="row">
                {undoing && (
                  <span className="muted" data-testid="undo-progress">
                    Undoing…{undoing.total > 0 ? ` ${formatCount(undoing.done)} / ${formatCount(undoing.total)}` : ''}
                  </span>
                )}
                {outcome.undoToken && !undoing && (
                  <button type="button" onClick={() => void undo(outcome.undoToken!)} data-testid="undo-button">
                    Undo
                  </button>
                )}
                <button type="button" className="link-btn" aria-label="Dismiss" onClick={() => setOutcome(null)}>
                  ×
                </button>
              </span>
            </div>
          )}
          {pages.error && pages.ready && <ErrorBanner error={pages.error} onRetry={pages.refresh} />}
          <EventGrid
            pages={pages}
            rowCount={rowCount}
            catalog={catalog}
            sort={view}
            onSort={(field) => setView({ sort: field, dir: view.sort === field && view.dir === 'desc' ? 'asc' : 'desc' })}
            isSelected={isSelected}
            activeIndex={active}
            onRowClick={onRowClick}
            onCheck={onCheck}
            onOpen={(_i, e) => setDetailId(e.id)}
            headerCheck={headerCheck}
            overlay={overlay}
            columns={columns}
            resetKey={key}
          />
          <StatusBar
            counts={countsNow}
            loading={counts.loading || pages.loadingPages > 0}
            error={counts.error}
            selected={selectedCount}
            statuses={view.statuses}
            onToggleStatus={(status) => setView({ statuses: view.statuses.length === 1 && view.statuses[0] === status ? [] : [status] })}
          />
        </div>
        {detailId && <DetailPanel id={detailId} onClose={() => setDetailId(null)} catalog={catalog} />}
      </div>
    </section>
  );
}
