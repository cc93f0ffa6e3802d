import type { privacyChannels } from '../../shared/ipc/channels/privacy';
import type { AppContext } from '../app/context';
import type { Handlers } from '../ipc/bind';
import { applyRetention, forgetPerson, getRetention, listErasures, setRetention } from './service';

export function createPrivacyHandlers(ctx: AppContext): Pick<Handlers, keyof typeof privacyChannels> {
  const changed = () => ctx.push.emit('events:changed', { reason: 'erasure' });
  return {
    'privacy:forget': (request) => {
      const outcome = forgetPerson(ctx.db, request);
      if (outcome.eventsDeleted) changed();
      return outcome;
    },
    'privacy:erasures': ({ limit }) => listErasures(ctx.db, limit),
    'privacy:getRetention': () => getRetention(ctx.db),
    'privacy:setRetention': (input) => {
      const setting = setRetention(ctx.db, input);
      const applied = applyRetention(ctx.db);
      if (applied?.eventsDeleted) changed();
      return { setting, applied };
    },
  };
}
