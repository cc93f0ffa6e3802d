import type { settingsChannels } from '../../shared/ipc/channels/settings';
import type { AppContext } from '../app/context';
import type { Handlers } from '../ipc/bind';

export function createSettingsHandlers(_ctx: AppContext): Pick<Handlers, keyof typeof settingsChannels> {
  return {};
}
