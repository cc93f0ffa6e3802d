import type { eventsChannels } from '../../shared/ipc/channels/events';
import type { AppContext } from '../app/context';
import type { Handlers } from '../ipc/bind';
import * as events from './service';

export function createEventsHandlers(ctx: AppContext): Pick<Handlers, keyof typeof eventsChannels> {
  const changed = (reason: string) => ctx.push.emit('events:changed', { reason });
  return {
    'events:create': (input) => {
      const event = events.createEvent(ctx.db, input);
      changed('create');
      return event;
    },
    'events:get': ({ id }) => events.getEventDetail(ctx.db, id),
    'events:delete': ({ target }) => {
      const result = events.deleteEvents(ctx.db, target);
      changed('delete');
      return result;
    },
    'events:list': (input) => events.listEvents(ctx.db, input),
    'events:count': ({ filter }) => events.countEvents(ctx.db, filter),
    'events:statusCounts': () => events.countEvents(ctx.db, {}).byStatus,
    'events:updateSync': ({ id, patch }) => {
      const event = events.updateSyncFields(ctx.db, id, patch);
      changed('sync');
      return event;
    },
    'events:transition': ({ action, target, reason }) => {
      const outcome = events.transitionEvents(ctx.db, action, target, reason);
      changed('transition');
      return outcome;
    },
    'events:undoTransition': ({ undoToken }) => {
      const result = events.undoTransition(ctx.db, undoToken);
      changed('undo');
      return result;
    },
    'events:assign': ({ target, campaignId, brandId }) => {
      const result = events.assignEvents(ctx.db, target, { campaignId, brandId });
      changed('assign');
      return result;
    },
  };
}
