import { z } from 'zod';
import { channel } from '../define';

export interface AppInfo {
  version: string;
  databasePath: string;
  /** 'electron' or 'loopback' — for display only; nothing branches on it. */
  transport: string;
}

export const appChannels = {
  'app:info': channel(z.object({}).strict()).returns<AppInfo>(),
} as const;
