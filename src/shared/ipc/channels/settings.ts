import { z } from 'zod';
import { channel } from '../define';
import { AppSettingsPatchSchema, type AppSettings } from '../../domain/settings';

export const settingsChannels = {
  /** Current settings (defaults filled in). */
  'settings:get': channel(z.object({}).strict()).returns<AppSettings>(),
  /** Merges a partial update, validates the whole, stores it; returns the new settings. */
  'settings:update': channel(z.object({ patch: AppSettingsPatchSchema }).strict()).returns<AppSettings>(),
  /** The settings as a pretty-printed JSON document (for backup / another machine). */
  'settings:exportJson': channel(z.object({}).strict()).returns<{ json: string }>(),
  /** Replaces the settings with a JSON document produced by settings:exportJson (validated; nothing changes when it is invalid). */
  'settings:importJson': channel(z.object({ json: z.string().max(1_000_000) }).strict()).returns<AppSettings>(),
} as const;
