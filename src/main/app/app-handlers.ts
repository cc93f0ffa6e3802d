import type { appChannels } from '../../shared/ipc/channels/app';
import type { Handlers } from '../ipc/bind';
import type { AppContext } from './context';
import { APP_VERSION } from './version';

export function createAppHandlers(ctx: AppContext): Pick<Handlers, keyof typeof appChannels> {
  return {
    'app:info': () => ({ version: APP_VERSION, databasePath: ctx.dbPath, transport: ctx.transport }),
  };
}
