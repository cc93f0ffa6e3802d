import { getCoreRowModel, useReactTable, type ColumnDef, type ColumnSizingState, type VisibilityState } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState, type MouseEvent, type ReactNode } from 'react';
import type { ConversionEvent } from '../../../../shared/domain/events';
import { useStoredState } from '../../lib/hooks';
import { useDisplayZone } from '../../lib/time-zone';
import type { CatalogData } from '../catalog/useCatalog';
import { cannotUpload, GRID_COLUMNS, type GridColumn } from './columns';
import type { ReviewView } from './filters';
import type { EventPages } from './useEventPages';

const ROW_HEIGHT = 30;
const CHECK_WIDTH = 34;
const NO_DATA: ConversionEvent[] = [];

export interface EventGridProps {
  pages: EventPages;
  rowCount: number;
  catalog: CatalogData;
  sort: Pick<ReviewView, 'sort' | 'dir'>;
  onSort(field: ReviewView['sort']): void;
  isSelected(id: string): boolean;
  activeIndex: number;
  onRowClick(index: number, event: ConversionEvent, mouse: MouseEvent): void;
  onCheck(index: number, event: ConversionEvent, shift: boolean): void;
  onOpen(index: number, event: ConversionEvent): void;
  /** Whole-page check box in the header: checked/indeterminate/none + toggle. */
  headerCheck: { state: 'all' | 'some' | 'none'; toggle(): void };
  /** Shown instead of rows (loading, empty, error). */
  overlay?: ReactNode;
  columns: GridColumnsState;
  /** Changes with the filter + sort: the grid scrolls back to the top. */
  resetKey: string;
}

const defaultVisibility: VisibilityState = Object.fromEntries(GRID_COLUMNS.map((c) => [c.id, c.visible !== false]));

/** Column choice (sizes, visibility) remembered across sessions. */
export type GridColumnsState = ReturnType<typeof useGridColumns>;
export function useGridColumns() {
  const [sizing, setSizing] = useStoredState<ColumnSizingState>('review.columnSizing.v1', {});
  const [visibility, setVisibility] = useStoredState<VisibilityState>('review.columnVisibility.v1', defaultVisibility);
  return { sizing, setSizing, visibility: { ...defaultVisibility, ...visibility }, setVisibility };
}

export function EventGrid(props: EventGridProps) {
  const { pages, rowCount, catalog, sort, onSort, isSelected, activeIndex, onRowClick, onCheck, onOpen, headerCheck, overlay, columns, resetKey } = props;
  const { sizing, setSizing, visibility } = columns;
  const scroller = useRef<HTMLDivElement>(null);
  useDisplayZone(); // the rows' times follow the zone switch

  const columnDefs = useMemo<ColumnDef<ConversionEvent>[]>(
    () => GRID_COLUMNS.map((c) => ({ id: c.id, header: c.header, size: c.size, minSize: 50, maxSize: 800, enableHiding: !c.fixed, meta: c })),
    [],
  );
  const [liveSizing, setLiveSizing] = useState<ColumnSizingState>(sizing);
  const table = useReactTable({
    data: NO_DATA,
    columns: columnDefs,
    state: { columnSizing: liveSizing, columnVisibility: visibility },
    onColumnSizingChange: (updater) => setLiveSizing((old) => (typeof updater === 'function' ? updater(old) : updater)),
    columnResizeMode: 'onChange',
    enableColumnResizing: true,
    getCoreRowModel: getCoreRowModel(),
  });
  const resizing = table.getState().columnSizingInfo.isResizingColumn;
  // Persist the widths once a drag ends (not on every mouse move).
  const wasResizing = useRef(false);
  useEffect(() => {
    if (wasResizing.current && !resizing) setSizing(liveSizing);
    wasResizing.current = !!resizing;
  }, [resizing]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    if (!wasResizing.current) setLiveSizing(sizing);
  }, [sizing]);

  const headers = table.getFlatHeaders();
  const totalWidth = CHECK_WIDTH + table.getTotalSize();

  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;

  // Load the visible pages, after the scrolling settles for a moment (a fast drag skips pages it flies over).
  useEffect(() => {
    if (rowCount === 0) return;
    const timer = setTimeout(() => pages.ensure(first, last), 40);
    return () => clearTimeout(timer);
  }, [first, last, rowCount, pages.ensure, pages.version]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    if (activeIndex >= 0 && activeIndex < rowCount) virtualizer.scrollToIndex(activeIndex, { align: 'auto' });
  }, [activeIndex]); // eslint-disable-line react-hooks/exhaustive-deps

  // Back to the top when the filter or sort changes.
  useEffect(() => {
    scroller.current?.scrollTo({ top: 0 });
  }, [resetKey]);

  const cell = (col: GridColumn, width: number, content: ReactNode, key: string) => (
    <div key={key} role="gridcell" className={`grid__cell${col.align === 'right' ? ' num' : ''}`} style={{ width }} data-col={col.id}>
      {content}
    </div>
  );

  return (
    <div className="grid" role="grid" aria-label="Events" aria-rowcount={rowCount + 1} aria-multiselectable="true" data-testid="event-grid">
      <div className={`grid__scroll${overlay ? ' grid__scroll--head-only' : ''}`} ref={scroller}>
        <div className="grid__head" role="row" aria-rowindex={1} style={{ width: totalWidth }}>
          <div role="columnheader" className="grid__check" style={{ width: CHECK_WIDTH }}>
            <input
              type="checkbox"
              aria-label="Select all loaded rows"
              checked={headerCheck.state === 'all'}
              ref={(el) => {
                if (el) el.indeterminate = headerCheck.state === 'some';
              }}
              onChange={headerCheck.toggle}
              disabled={rowCount === 0}
            />
          </div>
          {headers.map((header) => {
            const col = header.column.columnDef.meta as GridColumn;
            const sorted = col.sort && sort.sort === col.sort ? sort.dir : null;
            return (
              <div
                key={header.id}
                role="columnheader"
                className={`grid__th${col.sort ? ' grid__th--sortable' : ''}${col.align === 'right' ? ' num' : ''}`}
                style={{ width: header.getSize() }}
                aria-sort={sorted ? (sorted === 'asc' ? 'ascending' : 'descending') : col.sort ? 'none' : undefined}
                data-col={col.id}
              >
                {col.sort ? (
                  <button type="button" className="grid__sort" onClick={() => onSort(col.sort!)} title={`Sort by ${col.header.toLowerCase()}`}>
                    {col.header}
                    {col.id === 'event_time' && <ZoneTag />}
                    <span className="grid__sort-arrow" aria-hidden="true">{sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : ''}</span>
                  </button>
                ) : (
                  <span className="grid__th-label">{col.header}</span>
                )}
                <div
                  className={`grid__resizer${header.column.getIsResizing() ? ' is-resizing' : ''}`}
                  onMouseDown={header.getResizeHandler()}
                  onTouchStart={header.getResizeHandler()}
                  onDoubleClick={() => header.column.resetSize()}
                  role="separator"
                  aria-orientation="vertical"
                  aria-label={`Resize ${col.header}`}
                />
              </div>
            );
          })}
        </div>
        {overlay ? null : (
          <div className="grid__body" style={{ height: virtualizer.getTotalSize(), width: totalWidth }}>
            {items.map((item) => {
              const event = pages.rowAt(item.index);
              const style = { transform: `translateY(${item.start}px)`, height: ROW_HEIGHT, width: totalWidth };
              if (!event) {
                return (
                  <div key={`p${item.index}`} role="row" aria-rowindex={item.index + 2} className="grid__row grid__row--placeholder" style={style} aria-busy="true">
                    <div className="grid__check" style={{ width: CHECK_WIDTH }} />
                    {headers.map((h) => (
                      <div key={h.id} className="grid__cell" style={{ width: h.getSize() }}>
                        <span className="skeleton" />
                      </div>
                    ))}
                  </div>
                );
              }
              const selected = isSelected(event.id);
              const flagged = cannotUpload(event);
              return (
                <div
                  key={event.id}
                  role="row"
                  aria-rowindex={item.index + 2}
                  aria-selected={selected}
                  data-testid="event-row"
                  data-event-id={event.id}
                  data-status={event.sync_status}
                  data-index={item.index}
                  data-active={item.index === activeIndex || undefined}
                  className={`grid__row${selected ? ' is-selected' : ''}${item.index === activeIndex ? ' is-active' : ''}${flagged ? ' is-flagged' : ''}${item.index % 2 ? ' is-odd' : ''}`}
                  style={style}
                  onClick={(mouse) => onRowClick(item.index, event, mouse)}
                  onDoubleClick={() => onOpen(item.index, event)}
                >
                  <div role="gridcell" className="grid__check" style={{ width: CHECK_WIDTH }} onClick={(m) => m.stopPropagation()}>
                    <input
                      type="checkbox"
                      aria-label={`Select event ${event.event_id}`}
                      checked={selected}
                      onChange={(change) => onCheck(item.index, event, (change.nativeEvent as MouseEvent['nativeEvent']).shiftKey === true)}
                      data-testid="row-checkbox"
                    />
                  </div>
                  {headers.map((h) => {
                    const col = h.column.columnDef.meta as GridColumn;
                    return cell(col, h.getSize(), col.render(event, catalog), h.id);
                  })}
                </div>
              );
            })}
          </div>
        )}
      </div>
      {overlay && <div className="grid__overlay">{overlay}</div>}
    </div>
  );
}

/** The "Columns" menu: show/hide columns, reset widths. */
export function ColumnMenu({ columns }: { columns: GridColumnsState }) {
  const { visibility, setVisibility, setSizing } = columns;
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (event: globalThis.MouseEvent) => {
      if (!box.current?.contains(event.target as Node)) setOpen(false);
    };
    window.addEventListener('mousedown', close);
    return () => window.removeEventListener('mousedown', close);
  }, [open]);
  return (
    <div className="menu" ref={box}>
      <button type="button" aria-haspopup="true" aria-expanded={open} onClick={() => setOpen(!open)} data-testid="columns-button">
        Columns ▾
      </button>
      {open && (
        <div className="menu__popover" role="group" aria-label="Visible columns">
          {GRID_COLUMNS.map((c) => (
            <label key={c.id} className="menu__item">
              <input
                type="checkbox"
                checked={visibility[c.id] !== false}
                disabled={c.fixed}
                onChange={(e) => setVisibility({ ...visibility, [c.id]: e.target.checked })}
              />
              {c.header}
            </label>
          ))}
          <div className="menu__sep" />
          <button type="button" className="menu__item menu__action" onClick={() => (setSizing({}), setVisibility(defaultVisibility), setOpen(false))}>
            Reset columns
          </button>
        </div>
      )}
    </div>
  );
}

/** The zone the grid's times are in, named beside the time column's title. */
function ZoneTag() {
  const { zone, choice } = useDisplayZone();
  return (
    <span className="grid__zone" data-testid="grid-zone" title={`Times in ${zone} (${choice === 'account' ? 'the account’s zone, Settings' : 'this computer’s zone'})`}>
      {zone === 'UTC' || zone === 'Etc/UTC' ? 'UTC' : zone.split('/').pop()!.replace(/_/g, ' ')}
    </span>
  );
}
