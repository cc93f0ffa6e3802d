import { z } from 'zod';
import { channel } from '../define';
import type { FileRef } from '../../domain/imports';
import { TEMPLATE_KINDS, type SetupStatus } from '../../domain/setup';

export const setupChannels = {
  /** The first-run checklist: account time zone, default country, conversion names → Google actions / Meta events, consent defaults. */
  'setup:status': channel(z.object({}).strict()).returns<SetupStatus>(),
  /** Saves an empty upload template (Google click conversions, Google enhanced conversions for leads, Meta offline events) where the user picks; null if cancelled. */
  'setup:saveTemplate': channel(z.object({ kind: z.enum(TEMPLATE_KINDS) }).strict()).returns<{ path: string } | null>(),
  /** A sample CSV (made-up people at example.com, recent dates) registered for import, to try the app. */
  'setup:sampleFile': channel(z.object({}).strict()).returns<FileRef>(),
} as const;
