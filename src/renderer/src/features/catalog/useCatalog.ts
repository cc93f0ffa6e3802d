import { useMemo } from 'react';
import type { Brand, Campaign } from '../../../../shared/domain/catalog';
import { call } from '../../lib/api';
import { useQuery } from '../../lib/hooks';

export interface CatalogData {
  brands: Brand[];
  campaigns: Campaign[];
  brandName(id: string | null): string | null;
  campaignName(id: string | null): string | null;
  reload(): void;
  error: Error | undefined;
  loading: boolean;
}

/** Brands and campaigns, sorted by name, with id → name lookups. */
export function useCatalog(): CatalogData {
  const brands = useQuery(() => call('brands:list', {}), [], ['events:changed']);
  const campaigns = useQuery(() => call('campaigns:list', {}), [], ['events:changed']);
  return useMemo(() => {
    const byName = <T extends { name: string }>(list: T[] | undefined) => [...(list ?? [])].sort((a, b) => a.name.localeCompare(b.name));
    const brandMap = new Map((brands.data ?? []).map((b) => [b.id, b.name]));
    const campaignMap = new Map((campaigns.data ?? []).map((c) => [c.id, c.name]));
    return {
      brands: byName(brands.data),
      campaigns: byName(campaigns.data),
      brandName: (id) => (id ? (brandMap.get(id) ?? null) : null),
      campaignName: (id) => (id ? (campaignMap.get(id) ?? null) : null),
      reload: () => {
        brands.reload();
        campaigns.reload();
      },
      error: brands.error ?? campaigns.error,
      loading: brands.loading || campaigns.loading,
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [brands.data, campaigns.data, brands.error, campaigns.error, brands.loading, campaigns.loading]);
}
