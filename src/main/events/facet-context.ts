import type { AppContext } from '../app/context';
import { facetLoaderFor } from '../jobs/reader';
import { attachFacetCache, type FacetCache } from './facet-cache';
import type { FacetColumns } from './facets';

/** The window connection's facet cache, loaded on a reader thread of its own (jobs/reader.ts). */
export function facetCacheForContext(ctx: AppContext): FacetCache {
  const loader = facetLoaderFor({ db: ctx.db, dbPath: ctx.dbPath, nativeBinding: ctx.nativeBinding });
  return attachFacetCache(ctx.db, () => loader.query<FacetColumns>({ op: 'facets:load' }));
}
