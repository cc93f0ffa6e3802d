import type { EventFilterParsed } from '../../shared/domain/filters';
import type { TimelineParsed } from '../../shared/ipc/channels/overview';
import type { Sqlite } from '../db/connection';
import type { EventListInput } from '../../shared/domain/filters';
import { loadFacetColumns } from '../events/facets-repo';
import { countsFrom, listEvents } from '../events/service';
import { countByStatus } from '../events/repo';
import { resolveSearch } from '../events/search-repo';
import { overviewTiles, overviewTimeline } from '../overview/repo';


/** Heavy read-only queries the reader worker answers (so aggregates over 1M rows stay off the main thread). */
export type ReaderQuery =
  | { op: 'overview:timeline'; input: TimelineParsed }
  | { op: 'overview:tiles'; filter: EventFilterParsed }
  | { op: 'events:count'; filter: EventFilterParsed }
  /** A grid page through SQL (when the window's facet index is reloading, or cannot answer the query). */
  | { op: 'events:list'; input: EventListInput }
  /** The facet index's columns (events/facets.ts); their buffers are transferred, not copied. */
  | { op: 'facets:load' };
export type ReaderRequest = ReaderQuery & { id: number };
export type ReaderResponse = { id: number; ok: true; value: unknown } | { id: number; ok: false; code: string; message: string };

/** The typed-array buffers in a reader answer, to transfer with it instead of copying ~50 MB per 1M events. */
export function transferablesOf(value: unknown): ArrayBuffer[] {
  const found = new Set<ArrayBuffer>();
  const visit = (v: unknown) => {
    if (ArrayBuffer.isView(v) && v.buffer instanceof ArrayBuffer) found.add(v.buffer);
    else if (v && typeof v === 'object' && !Array.isArray(v)) Object.values(v).forEach(visit);
  };
  visit(value);
  return [...found];
}

export function runReaderQuery(db: Sqlite, query: ReaderQuery): unknown {
  switch (query.op) {
    case 'overview:timeline':
      return overviewTimeline(db, query.input);
    case 'overview:tiles':
      return overviewTiles(db, query.filter);
    case 'events:count':
      return countsFrom(countByStatus(db, resolveSearch(db, query.filter)));
    case 'events:list':
      return listEvents(db, query.input);
    case 'facets:load':
      return loadFacetColumns(db);
  }
}
