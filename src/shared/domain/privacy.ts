import { z } from 'zod';

/** "Forget a person": one email or one phone, typed by the user; used in memory only, never stored. */
export const ForgetRequestSchema = z.union([
  z.object({ email: z.string().trim().min(3).max(320) }).strict(),
  z.object({ phone: z.string().trim().min(3).max(64) }).strict(),
]);
export type ForgetRequest = z.infer<typeof ForgetRequestSchema>;

export interface ErasureOutcome {
  kind: 'forget' | 'retention';
  identifierKind: 'email' | 'phone' | null;
  eventsDeleted: number;
  historyDeleted: number;
  batchLinksDeleted: number;
  deliveriesDeleted: number;
  /** How many platform hashes were looked for (Google's and Meta's rules may give two). */
  hashesSearched: number;
}

export interface ErasureEntry {
  id: string;
  kind: 'forget' | 'retention';
  identifierKind: 'email' | 'phone' | null;
  retentionDays: number | null;
  eventsDeleted: number;
  historyDeleted: number;
  batchLinksDeleted: number;
  deliveriesDeleted: number;
  createdAt: string;
}

/** Delete events sent more than `days` days ago, at start and daily. Off by default. */
export const RetentionSettingSchema = z
  .object({
    enabled: z.boolean().default(false),
    days: z.number().int().min(1).max(36_500).default(395),
  })
  .strict();
export type RetentionSetting = z.infer<typeof RetentionSettingSchema>;
