import type { filesChannels } from '../../shared/ipc/channels/files';
import type { AppContext } from '../app/context';
import type { Handlers } from '../ipc/bind';

export function createFilesHandlers(_ctx: AppContext): Pick<Handlers, keyof typeof filesChannels> {
  return {};
}
