import { EventListInputSchema, type EventFilterParsed } from '../../shared/domain/filters';
import type { EventPage, eventsChannels, StatusCounts } from '../../shared/ipc/channels/events';
import type { AppContext } from '../app/context';
import type { Handlers } from '../ipc/bind';
import type { BulkTarget } from '../jobs/bulk';
import { readerPoolFor } from '../jobs/reader';
import { jobServiceForContext, targetSizeAtMost, toBulkSpec, type BulkRequest } from '../jobs/specs';
import { facetCacheForContext } from './facet-context';
import { resolveSearch } from './search-repo';
import { resolveFilter } from './resolve-filter';
import { uploadCheck } from './upload-check';
import * as events from './service';
import { hasDeliveryRows } from '../delivery/patch-repo';
import { changeSize, statusesOfChange, statusOfEvent } from './transitions-repo';

export function createEventsHandlers(ctx: AppContext): Pick<Handlers, keyof typeof eventsChannels> {
  const changed = (reason: string) => ctx.push.emit('events:changed', { reason });
  const jobs = jobServiceForContext(ctx);
  const reader = readerPoolFor({ db: ctx.db, dbPath: ctx.dbPath, nativeBinding: ctx.nativeBinding });
  // The grid's lists and counts come from the in-memory facet index while it is current; after a
  // change it is reloaded on a thread of its own while SQL answers.
  const facets = facetCacheForContext(ctx);
  /** How many events a target names (capped for filters): counted in the facet index when it is current. */
  const sizeOf = (target: BulkTarget) => {
    const index = 'filter' in target ? facets.current() : null;
    if (index && 'filter' in target && index.supports(target.filter)) return events.countsFrom(index.countByStatus(target.filter)).total;
    return targetSizeAtMost(ctx.db, target, jobs.bulkThreshold);
  };
  /** Exact counts: the facet index (a few ms) when current, else SQL on the reader thread. */
  /** A bulk target's search: its email or phone is hashed here (Settings → Default country), before a worker runs it. */
  // "Too old" and "no conversion action" depend on Settings and the clock: rewritten into plain filters first (resolve-filter.ts).
  const resolveTarget = <T extends BulkTarget>(target: T): T =>
    'filter' in target ? { ...target, filter: resolveSearch(ctx.db, resolveFilter(ctx.db, target.filter)) } : target;
  const count = async (filter: EventFilterParsed) => {
    const index = facets.current();
    if (index?.supports(filter)) return events.countsFrom(index.countByStatus(filter));
    return reader.query<{ total: number; byStatus: StatusCounts }>({ op: 'events:count', filter });
  };
  /**
   * Big targets (over the bulk threshold) and anything asked while a job holds the write lock run in
   * the jobs worker; the answer comes when it has finished, in the same shape as the in-thread path.
   */
  const viaWorker = (size: number) => jobs.hasRunning() || size > jobs.bulkThreshold;
  const resolved = (filter: EventFilterParsed) => resolveFilter(ctx.db, filter);
  const runJob = async (request: BulkRequest) => {
    const { spec, label } = toBulkSpec(ctx.db, request);
    return jobs.run(spec, label);
  };
  return {
    'events:create': (input) => {
      const event = events.createEvent(ctx.db, input);
      changed('create');
      return event;
    },
    'events:get': ({ id }) => events.getEventDetail(ctx.db, id),
    'events:conversionNames': () => events.listConversionNames(ctx.db),
    'events:delete': async ({ target: unresolved }) => {
      const target = resolveTarget(unresolved);
      if (viaWorker(sizeOf(target))) {
        const result = await runJob({ op: 'delete', target });
        if (result.op === 'delete') return { deleted: result.deleted, refused: result.refused, reason: result.reason };
      }
      const result = events.deleteEvents(ctx.db, target);
      changed('delete');
      return result;
    },
    // A page from the facet index costs ~1–3 ms here; through SQL it can take a few hundred ms on 1M
    // events (a filter correlated with the sort, OFFSET paging), so that runs on the reader thread.
    'events:list': (input) => {
      const parsed = EventListInputSchema.parse(input);
      const query = { ...parsed, filter: resolved(parsed.filter) };
      const index = facets.current();
      if (index?.supports(query.filter) && !query.offset) return events.listEvents(ctx.db, query);
      return reader.query<EventPage>({ op: 'events:list', input: query });
    },
    // Exact counts over a big filter in SQL can take longer than a frame (a table lookup per matching
    // row when the filter's index has no status): without the facet index they run on the reader thread.
    'events:count': ({ filter }) => count(resolved(filter)),
    'events:uploadCheck': ({ target }) => uploadCheck(ctx.db, resolveTarget(target)),
    'events:statusCounts': async () => (await count({})).byStatus,
    'events:updateSync': ({ id, patch }) => {
      const before = facets.currentToken();
      // Deliveries written per destination move too: the facet index reloads instead of being patched.
      const split = hasDeliveryRows(ctx.db, id);
      const event = events.updateSyncFields(ctx.db, id, patch);
      if (!split) facets.patch(before, () => statusOfEvent(ctx.db, id));
      changed('sync');
      return event;
    },
    'events:transition': async ({ action, target: unresolved, reason }) => {
      const target = resolveTarget(unresolved);
      if (viaWorker(sizeOf(target))) {
        const result = await runJob({ op: 'transition', action, target, reason });
        if (result.op === 'transition') return result.outcome;
      }
      const before = facets.currentToken();
      const outcome = events.transitionEvents(ctx.db, action, target, reason);
      // Small changes on this thread keep the facet index current (the keyboard's q / s on a few rows).
      facets.patch(before, () => (outcome.undoToken ? statusesOfChange(ctx.db, outcome.undoToken) : []));
      changed('transition');
      return outcome;
    },
    'events:undoTransition': async ({ undoToken }) => {
      if (viaWorker(changeSize(ctx.db, undoToken, jobs.bulkThreshold))) {
        const result = await runJob({ op: 'undo', undoToken });
        if (result.op === 'undo') return { restored: result.restored };
      }
      const before = facets.currentToken();
      const result = events.undoTransition(ctx.db, undoToken);
      facets.patch(before, () => statusesOfChange(ctx.db, undoToken));
      changed('undo');
      return result;
    },
    'events:assign': async ({ target: unresolved, campaignId, brandId }) => {
      const target = resolveTarget(unresolved);
      if (viaWorker(sizeOf(target))) {
        const result = await runJob({ op: 'assign', target, campaignId, brandId });
        if (result.op === 'assign') return { changed: result.changed };
      }
      const result = events.assignEvents(ctx.db, target, { campaignId, brandId });
      changed('assign');
      return result;
    },
    'events:bulkJob': (input) => {
      const { spec, label } = toBulkSpec(ctx.db, 'target' in input ? { ...input, target: resolveTarget(input.target) } : input);
      return jobs.start(spec, label);
    },
    'jobs:get': ({ jobId }) => jobs.get(jobId),
    'jobs:wait': ({ jobId }) => jobs.wait(jobId),
    'jobs:cancel': ({ jobId }) => jobs.cancel(jobId),
    'jobs:list': () => jobs.list(),
  };
}
