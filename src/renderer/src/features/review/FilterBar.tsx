import { forwardRef, useEffect, useState, type InputHTMLAttributes } from 'react';
import { EVENT_NAMES, SYNC_STATUSES, type ConversionSyncStatus } from '../../../../shared/domain/events';
import { DESTINATIONS, DESTINATION_LABELS, DESTINATION_SHORT } from '../../../../shared/domain/delivery';
import { call } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { useQuery } from '../../lib/hooks';
import type { CatalogData } from '../catalog/useCatalog';
import { DEFAULT_VIEW, isFiltered, PROBLEMS, viewProblems, type Problem, type ReviewView } from './filters';

/** A text input that reports its value after the user pauses typing (or on Enter / blur). */
const DebouncedInput = forwardRef<HTMLInputElement, { value: string; onCommit(value: string): void; delay?: number } & Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'>>(
  function DebouncedInput({ value, onCommit, delay = 300, ...rest }, ref) {
    const [text, setText] = useState(value);
    useEffect(() => setText(value), [value]);
    useEffect(() => {
      if (text === value) return;
      const timer = setTimeout(() => onCommit(text), delay);
      return () => clearTimeout(timer);
      // eslint-disable-next-line react-hooks/exhaustive-deps
    }, [text]);
    return (
      <input
        ref={ref}
        {...rest}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onBlur={() => text !== value && onCommit(text)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && text !== value) onCommit(text);
          if (e.key === 'Escape') (e.target as HTMLInputElement).blur();
        }}
      />
    );
  },
);

export interface FilterBarProps {
  view: ReviewView;
  onChange(patch: Partial<ReviewView>): void;
  catalog: CatalogData;
  searchRef: React.Ref<HTMLInputElement>;
}

export function FilterBar({ view, onChange, catalog, searchRef }: FilterBarProps) {
  const imports = useQuery(() => call('imports:list', { limit: 200 }), [], ['events:changed']);
  const names = useQuery(() => call('events:conversionNames', {}), [], ['events:changed']);
  const nameKnown = !view.conversionName || names.data?.names.includes(view.conversionName);
  const problems = viewProblems(view);
  const toggleStatus = (status: ConversionSyncStatus, on: boolean) =>
    onChange({ statuses: on ? SYNC_STATUSES.filter((s) => s === status || view.statuses.includes(s)) : view.statuses.filter((s) => s !== status) });
  const importKnown = !view.importId || imports.data?.some((i) => i.id === view.importId);

  return (
    <div className="filter-bar" role="search" aria-label="Filter events" data-testid="filter-bar">
      <div className="filter-bar__row">
        <div className="filter" role="group" aria-label="Status">
          <span className="filter__label" aria-hidden="true">Status</span>
          <div className="chip-group">
            {SYNC_STATUSES.map((status) => (
              <label key={status} className={`chip chip--${status}${view.statuses.includes(status) ? ' is-on' : ''}`}>
                <input type="checkbox" aria-label={status} checked={view.statuses.includes(status)} onChange={(e) => toggleStatus(status, e.target.checked)} />
                {status[0]!.toUpperCase() + status.slice(1)}
              </label>
            ))}
          </div>
        </div>
        <label className="filter">
          <span className="filter__label">Category</span>
          <select value={view.eventName} onChange={(e) => onChange({ eventName: e.target.value as ReviewView['eventName'] })}>
            <option value="">All events</option>
            {EVENT_NAMES.map((name) => (
              <option key={name} value={name}>{name}</option>
            ))}
          </select>
        </label>
        <label className="filter">
          <span className="filter__label">Conversion name</span>
          <select value={view.conversionName} onChange={(e) => onChange({ conversionName: e.target.value })} data-testid="filter-conversion-name" className="filter__import">
            <option value="">Any name</option>
            {names.data?.names.map((name) => (
              <option key={name} value={name}>{name}</option>
            ))}
            {!nameKnown && <option value={view.conversionName}>{view.conversionName}</option>}
          </select>
        </label>
        <label className="filter">
          <span className="filter__label">Delivery</span>
          <select value={view.delivery} onChange={(e) => onChange({ delivery: e.target.value })} data-testid="filter-delivery">
            <option value="">Any destination</option>
            {DESTINATIONS.map((destination) => (
              <optgroup key={destination} label={DESTINATION_LABELS[destination]}>
                {SYNC_STATUSES.map((status) => (
                  <option key={status} value={`${destination}:${status}`}>
                    {DESTINATION_SHORT[destination]}: {status}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </label>
        <label className="filter">
          <span className="filter__label">Campaign</span>
          <select value={view.campaign} onChange={(e) => onChange({ campaign: e.target.value })}>
            <option value="">Any campaign</option>
            <option value="none">No campaign</option>
            {catalog.campaigns.map((c) => (
              <option key={c.id} value={c.id}>{c.name}</option>
            ))}
            {view.campaign && view.campaign !== 'none' && !catalog.campaignName(view.campaign) && <option value={view.campaign}>(deleted campaign)</option>}
          </select>
        </label>
        <label className="filter">
          <span className="filter__label">Brand</span>
          <select value={view.brand} onChange={(e) => onChange({ brand: e.target.value })}>
            <option value="">Any brand</option>
            <option value="none">No brand</option>
            {catalog.brands.map((b) => (
              <option key={b.id} value={b.id}>{b.name}</option>
            ))}
            {view.brand && view.brand !== 'none' && !catalog.brandName(view.brand) && <option value={view.brand}>(deleted brand)</option>}
          </select>
        </label>
        <label className="filter">
          <span className="filter__label">Import</span>
          <select value={view.importId} onChange={(e) => onChange({ importId: e.target.value })} className="filter__import">
            <option value="">Any file</option>
            {imports.data?.map((i) => (
              <option key={i.id} value={i.id}>
                {i.fileName} · {formatDateTime(i.startedAt)}
              </option>
            ))}
            {!importKnown && <option value={view.importId}>{view.importId}</option>}
          </select>
        </label>
      </div>
      <div className="filter-bar__row">
        <label className="filter">
          <span className="filter__label">From</span>
          <input type="date" value={view.from} onChange={(e) => onChange({ from: e.target.value })} max={view.to || undefined} />
        </label>
        <label className="filter">
          <span className="filter__label">To</span>
          <input type="date" value={view.to} onChange={(e) => onChange({ to: e.target.value })} min={view.from || undefined} />
        </label>
        <label className="filter">
          <span className="filter__label">Min value</span>
          <DebouncedInput className="filter__num" inputMode="decimal" value={view.min} onCommit={(min) => onChange({ min })} placeholder="0" />
        </label>
        <label className="filter">
          <span className="filter__label">Max value</span>
          <DebouncedInput className="filter__num" inputMode="decimal" value={view.max} onCommit={(max) => onChange({ max })} placeholder="any" />
        </label>
        <label className="filter">
          <span className="filter__label">Click id</span>
          <select value={view.click} onChange={(e) => onChange({ click: e.target.value as ReviewView['click'] })}>
            <option value="">Any</option>
            <option value="yes">Has click id</option>
            <option value="no">No click id</option>
          </select>
        </label>
        <label className="filter">
          <span className="filter__label">Identifiers</span>
          <select value={view.ids} onChange={(e) => onChange({ ids: e.target.value as ReviewView['ids'] })}>
            <option value="">Any</option>
            <option value="yes">Can be uploaded</option>
            <option value="no">Cannot be uploaded</option>
            <option value="none">No platform can match</option>
          </select>
        </label>
        <label className="filter">
          <span className="filter__label">Upload problem</span>
          <select data-testid="filter-problem" value={view.problem} onChange={(e) => onChange({ problem: e.target.value as ReviewView['problem'] })}>
            <option value="">Any</option>
            {(Object.keys(PROBLEMS) as Problem[]).map((key) => (
              <option key={key} value={key}>{PROBLEMS[key].label}</option>
            ))}
          </select>
        </label>
        {view.batchId && (
          <span className="filter filter--token">
            <span className="filter__label">Batch</span>
            <span className="token">
              <span className="mono">{view.batchId.slice(0, 8)}…</span>
              <button type="button" aria-label="Remove batch filter" onClick={() => onChange({ batchId: '' })}>×</button>
            </span>
          </span>
        )}
        <label className="filter filter--grow">
          <span className="filter__label">Search</span>
          <DebouncedInput
            ref={searchRef}
            type="search"
            value={view.q}
            onCommit={(q) => onChange({ q })}
            placeholder="Event ID or transaction ID   ( / )"
            maxLength={200}
            data-testid="filter-search"
          />
        </label>
        {isFiltered(view) && (
          <button type="button" className="filter-bar__clear" onClick={() => onChange({ ...DEFAULT_VIEW, sort: view.sort, dir: view.dir })} data-testid="clear-filters">
            Clear filters
          </button>
        )}
      </div>
      {problems.length > 0 && (
        <div className="filter-bar__problems" role="alert">
          {problems.join(' · ')} — this part of the filter is ignored until fixed.
        </div>
      )}
    </div>
  );
}
