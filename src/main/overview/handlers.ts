import type { OverviewTiles, OverviewTimeline } from '../../shared/ipc/channels/overview';
import type { overviewChannels } from '../../shared/ipc/channels/overview';
import type { AppContext } from '../app/context';
import type { Handlers } from '../ipc/bind';
import { readerPoolFor } from '../jobs/reader';
import { deleteView, listViews, saveView } from './views';

export function createOverviewHandlers(ctx: AppContext): Pick<Handlers, keyof typeof overviewChannels> {
  // Aggregates over the whole table run on the reader thread, never on the window's main thread.
  const reader = readerPoolFor({ db: ctx.db, dbPath: ctx.dbPath, nativeBinding: ctx.nativeBinding });
  return {
    'overview:timeline': (input) => reader.query<OverviewTimeline>({ op: 'overview:timeline', input }),
    'overview:tiles': ({ filter }) => reader.query<OverviewTiles>({ op: 'overview:tiles', filter }),
    'views:list': () => listViews(ctx.db),
    'views:save': (input) => saveView(ctx.db, input),
    'views:delete': ({ id }) => deleteView(ctx.db, id),
  };
}
