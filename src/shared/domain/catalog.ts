import { z } from 'zod';

export const BrandSchema = z.object({ id: z.uuid(), name: z.string(), created_at: z.string() });
export type Brand = z.infer<typeof BrandSchema>;
export const CampaignSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  brand_id: z.uuid().nullable(),
  created_at: z.string(),
});
export type Campaign = z.infer<typeof CampaignSchema>;
export const CatalogNameSchema = z.string().trim().min(1, 'must not be empty').max(200);
