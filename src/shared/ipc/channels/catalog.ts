import { z } from 'zod';
import { channel } from '../define';
import { CatalogNameSchema, type Brand, type Campaign } from '../../domain/catalog';

export const catalogChannels = {
  'brands:list': channel(z.object({}).strict()).returns<Brand[]>(),
  'brands:create': channel(z.object({ name: CatalogNameSchema })).returns<Brand>(),
  'brands:rename': channel(z.object({ id: z.uuid(), name: CatalogNameSchema })).returns<Brand>(),
  'brands:delete': channel(z.object({ id: z.uuid() })).returns<{ detachedEvents: number }>(),
  'campaigns:list': channel(z.object({}).strict()).returns<Campaign[]>(),
  'campaigns:create': channel(z.object({ name: CatalogNameSchema, brandId: z.uuid().nullable().optional() })).returns<Campaign>(),
  'campaigns:rename': channel(z.object({ id: z.uuid(), name: CatalogNameSchema })).returns<Campaign>(),
  'campaigns:delete': channel(z.object({ id: z.uuid() })).returns<{ detachedEvents: number }>(),
} as const;
