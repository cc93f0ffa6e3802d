import { z } from 'zod';
import { channel } from '../define';
import { ForgetRequestSchema, RetentionSettingSchema, type ErasureEntry, type ErasureOutcome, type RetentionSetting } from '../../domain/privacy';

export const privacyChannels = {
  /** Deletes every event of one person (email or phone, hashed with every platform's rules); the value is never stored. */
  'privacy:forget': channel(ForgetRequestSchema).returns<ErasureOutcome>(),
  /** The audit of erasures (forget / retention): kinds and counts, never identifiers. */
  'privacy:erasures': channel(z.object({ limit: z.number().int().min(1).max(1000).default(50) }).strict()).returns<ErasureEntry[]>(),
  'privacy:getRetention': channel(z.object({}).strict()).returns<RetentionSetting>(),
  /** Stores the retention rule and applies it at once when enabled. */
  'privacy:setRetention': channel(RetentionSettingSchema).returns<{ setting: RetentionSetting; applied: ErasureOutcome | null }>(),
} as const;
