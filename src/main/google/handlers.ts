import type { googleChannels } from '../../shared/ipc/channels/google';
import { AppError } from '../../shared/ipc/result';
import type { AppContext } from '../app/context';
import type { Handlers } from '../ipc/bind';
import { sendServiceForContext } from '../send/handlers';
import type { PendingConnect } from './connection';

export function createGoogleHandlers(ctx: AppContext): Pick<Handlers, keyof typeof googleChannels> {
  const send = sendServiceForContext(ctx);
  let pending: PendingConnect | null = null;
  return {
    'google:connection': () => send.google.view(),
    'google:beginConnect': async (input) => {
      pending?.cancel();
      pending = await send.google.beginConnect(input);
      // The system browser (Electron: shell.openExternal behind the allow-list); the harness records it.
      ctx.openExternal?.(pending.consentUrl);
      return { consentUrl: pending.consentUrl };
    },
    'google:finishConnect': async () => {
      if (!pending) throw new AppError('not_found', 'No Google sign-in is in progress; start it again');
      try {
        return await pending.done;
      } finally {
        pending = null;
      }
    },
    'google:cancelConnect': () => {
      const had = pending !== null;
      pending?.cancel();
      return { cancelled: had };
    },
    'google:test': () => send.google.test(),
    'google:remove': () => send.google.remove(),
    'google:conversionActions': ({ refresh }) => (refresh ? send.google.refreshActions() : send.google.storedActions()),
    'google:diagnostics': async ({ runId, poll }) => {
      if (poll) await send.googleDiagnostics.poll({ runId, force: true });
      return send.googleDiagnostics.forRun(runId);
    },
  };
}
