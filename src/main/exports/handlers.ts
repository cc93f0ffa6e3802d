import type { exportsChannels } from '../../shared/ipc/channels/exports';
import type { AppContext } from '../app/context';
import type { Handlers } from '../ipc/bind';

export function createExportsHandlers(_ctx: AppContext): Pick<Handlers, keyof typeof exportsChannels> {
  return {};
}
