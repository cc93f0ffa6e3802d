import type { sendChannels } from '../../shared/ipc/channels/send';
import type { AppContext } from '../app/context';
import type { Handlers } from '../ipc/bind';
import { sendServiceFor, type SendService } from './service';

export function sendServiceForContext(ctx: AppContext): SendService {
  return sendServiceFor({
    db: ctx.db,
    k: ctx.kysely,
    dbPath: ctx.dbPath,
    nativeBinding: ctx.nativeBinding,
    secrets: ctx.secrets,
    emitProgress: (progress) => ctx.push.emit('send:progress', progress),
    emitChanged: (reason) => ctx.push.emit('events:changed', { reason }),
  });
}

export function createSendHandlers(ctx: AppContext): Pick<Handlers, keyof typeof sendChannels> {
  const send = sendServiceForContext(ctx);
  return {
    'connections:metaGet': () => send.meta.view(),
    'connections:metaSet': (input) => send.meta.set(input),
    'connections:metaTest': () => send.meta.test(),
    'connections:metaRemove': () => send.meta.remove(),
    'send:start': async (request) => ({ runId: (await send.start(request)).runId }),
    'send:cancel': ({ runId }) => send.cancel(runId),
    'send:status': ({ runId }) => {
      const result = send.status(runId);
      return { ...result, running: send.isRunning(result.runId) };
    },
    'send:runs': ({ limit }) => send.listRuns(limit),
    'send:failures': ({ runId }) => send.failureGroups(runId),
    'send:retry': ({ to, eventIds }) => send.retry(to, eventIds),
    'send:failureEvents': ({ runId, outcome, code, reason }) => send.failureEvents(runId, { outcome, code, reason }),
  };
}
