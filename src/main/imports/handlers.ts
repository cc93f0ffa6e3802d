import type { importsChannels } from '../../shared/ipc/channels/imports';
import type { AppContext } from '../app/context';
import type { Handlers } from '../ipc/bind';

export function createImportsHandlers(_ctx: AppContext): Pick<Handlers, keyof typeof importsChannels> {
  return {};
}
