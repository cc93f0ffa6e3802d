import type { EventFilterParsed } from '../../shared/domain/filters';
import type { TimelineParsed } from '../../shared/ipc/channels/overview';
import type { Sqlite } from '../db/connection';
import { countByStatus } from '../events/repo';
import { overviewTiles, overviewTimeline } from '../overview/repo';

function countByStatusTotal(db: Sqlite, filter: EventFilterParsed) {
  const byStatus = countByStatus(db, filter);
  return { total: Object.values(byStatus).reduce((sum, n) => sum + n, 0), byStatus };
}

/** Heavy read-only queries the reader worker answers (so aggregates over 1M rows stay off the main thread). */
export type ReaderQuery =
  | { op: 'overview:timeline'; input: TimelineParsed }
  | { op: 'overview:tiles'; filter: EventFilterParsed }
  | { op: 'events:count'; filter: EventFilterParsed };
export type ReaderRequest = ReaderQuery & { id: number };
export type ReaderResponse = { id: number; ok: true; value: unknown } | { id: number; ok: false; code: string; message: string };

export function runReaderQuery(db: Sqlite, query: ReaderQuery): unknown {
  switch (query.op) {
    case 'overview:timeline':
      return overviewTimeline(db, query.input);
    case 'overview:tiles':
      return overviewTiles(db, query.filter);
    case 'events:count':
      return countByStatusTotal(db, query.filter);
  }
}
