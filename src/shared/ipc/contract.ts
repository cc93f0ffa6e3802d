import type { z } from 'zod';
import type { Channel } from './define';
import { appChannels } from './channels/app';
import { backupChannels } from './channels/backup';
import { catalogChannels } from './channels/catalog';
import { eventsChannels } from './channels/events';
import { exportsChannels } from './channels/exports';
import { filesChannels } from './channels/files';
import { googleChannels } from './channels/google';
import { importsChannels } from './channels/imports';
import { overviewChannels } from './channels/overview';
import { privacyChannels } from './channels/privacy';
import { settingsChannels } from './channels/settings';
import { sendChannels } from './channels/send';
import { setupChannels } from './channels/setup';

/** Every IPC channel of the app: the only place channel names live. */
export const contract = {
  ...appChannels,
  ...backupChannels,
  ...eventsChannels,
  ...catalogChannels,
  ...filesChannels,
  ...importsChannels,
  ...exportsChannels,
  ...settingsChannels,
  ...overviewChannels,
  ...privacyChannels,
  ...googleChannels,
  ...sendChannels,
  ...setupChannels,
} as const;

export type Contract = typeof contract;
export type ChannelName = keyof Contract & string;
export const CHANNEL_NAMES = Object.keys(contract) as ChannelName[];

type ChannelOf<K extends ChannelName> = Contract[K];
/** What the caller sends (before zod defaults/transforms). */
export type ChannelInput<K extends ChannelName> = ChannelOf<K> extends Channel<infer I, unknown> ? z.input<I> : never;
/** What the handler receives (after zod parsing). */
export type ChannelParsed<K extends ChannelName> = ChannelOf<K> extends Channel<infer I, unknown> ? z.output<I> : never;
export type ChannelOutput<K extends ChannelName> = ChannelOf<K> extends Channel<z.ZodType, infer O> ? O : never;
