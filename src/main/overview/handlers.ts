import type { OverviewTiles, OverviewTimeline } from '../../shared/ipc/channels/overview';
import type { overviewChannels } from '../../shared/ipc/channels/overview';
import type { AppContext } from '../app/context';
import type { Handlers } from '../ipc/bind';
import { readerPoolFor } from '../jobs/reader';
import { facetCacheForContext } from '../events/facet-context';
import { overviewGroups } from '../events/facets-overview';
import { assembleTiles, assembleTimeline, timelineScope } from './repo';
import { deleteView, listViews, saveView } from './views';

export function createOverviewHandlers(ctx: AppContext): Pick<Handlers, keyof typeof overviewChannels> {
  // Aggregates over the whole table run on the reader thread, never on the window's main thread.
  const reader = readerPoolFor({ db: ctx.db, dbPath: ctx.dbPath, nativeBinding: ctx.nativeBinding });
  // …unless the grid's facet index is current: then they are a pass over typed arrays (~10–30 ms for 1M).
  const facets = facetCacheForContext(ctx);
  return {
    'overview:timeline': (input) => {
      const index = facets.current();
      const scope = timelineScope(input);
      const groups = index?.supports(scope.filter) ? overviewGroups(index, scope.filter, input.utcOffsetMinutes) : null;
      return groups ? assembleTimeline(groups, input, scope) : reader.query<OverviewTimeline>({ op: 'overview:timeline', input });
    },
    'overview:tiles': ({ filter }) => {
      const index = facets.current();
      const groups = index?.supports(filter) ? overviewGroups(index, filter, null) : null;
      return groups ? assembleTiles(groups) : reader.query<OverviewTiles>({ op: 'overview:tiles', filter });
    },
    'views:list': () => listViews(ctx.db),
    'views:save': (input) => saveView(ctx.db, input),
    'views:delete': ({ id }) => deleteView(ctx.db, id),
  };
}
