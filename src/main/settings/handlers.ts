import type { settingsChannels } from '../../shared/ipc/channels/settings';
import type { AppContext } from '../app/context';
import type { Handlers } from '../ipc/bind';
import { exportSettingsJson, getSettings, importSettingsJson, updateSettings } from './service';

export function createSettingsHandlers(ctx: AppContext): Pick<Handlers, keyof typeof settingsChannels> {
  return {
    'settings:get': () => getSettings(ctx.db),
    'settings:update': ({ patch }) => updateSettings(ctx.db, patch),
    'settings:exportJson': () => exportSettingsJson(ctx.db),
    'settings:importJson': ({ json }) => importSettingsJson(ctx.db, json),
  };
}
