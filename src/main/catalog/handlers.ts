import type { catalogChannels } from '../../shared/ipc/channels/catalog';
import type { AppContext } from '../app/context';
import type { Handlers } from '../ipc/bind';
import { CatalogService } from './service';

export function createCatalogHandlers(ctx: AppContext): Pick<Handlers, keyof typeof catalogChannels> {
  const catalog = new CatalogService(ctx.db, ctx.kysely);
  const changed = () => ctx.push.emit('events:changed', { reason: 'catalog' });
  return {
    'brands:list': () => catalog.listBrands(),
    'brands:create': ({ name }) => catalog.createBrand(name),
    'brands:rename': ({ id, name }) => catalog.renameBrand(id, name),
    'brands:delete': ({ id }) => {
      const result = catalog.delete('brands', id);
      changed();
      return result;
    },
    'campaigns:list': () => catalog.listCampaigns(),
    'campaigns:create': ({ name, brandId }) => catalog.createCampaign(name, brandId ?? null),
    'campaigns:rename': ({ id, name }) => catalog.renameCampaign(id, name),
    'campaigns:delete': ({ id }) => {
      const result = catalog.delete('campaigns', id);
      changed();
      return result;
    },
  };
}
