import type { Kysely } from 'kysely';
import type { Brand, Campaign } from '../../shared/domain/catalog';
import { AppError } from '../../shared/ipc/result';
import type { Sqlite } from '../db/connection';
import type { DB } from '../db/schema';
import { uuidv7 } from '../lib/ids';
import * as repo from './repo';

/** Brands and campaigns: the original plan's foreign-key targets. Deleting one keeps its events, unlinked. */
export class CatalogService {
  constructor(
    private readonly db: Sqlite,
    private readonly k: Kysely<DB>,
  ) {}

  listBrands(): Brand[] {
    return repo.listBrands(this.db, this.k);
  }
  listCampaigns(): Campaign[] {
    return repo.listCampaigns(this.db, this.k);
  }

  createBrand(name: string): Brand {
    if (repo.findBrandByName(this.db, this.k, name)) throw new AppError('duplicate', `A brand named "${name}" already exists`);
    const brand = { id: uuidv7(), name, created_at: new Date().toISOString() };
    repo.insertBrand(this.db, this.k, brand);
    return brand;
  }

  createCampaign(name: string, brandId: string | null = null): Campaign {
    if (brandId && !repo.findBrand(this.db, this.k, brandId)) throw new AppError('not_found', `No brand with id ${brandId}`);
    const campaign = { id: uuidv7(), name, brand_id: brandId, created_at: new Date().toISOString() };
    repo.insertCampaign(this.db, this.k, campaign);
    return campaign;
  }

  renameBrand(id: string, name: string): Brand {
    const other = repo.findBrandByName(this.db, this.k, name);
    if (other && other.id !== id) throw new AppError('duplicate', `A brand named "${name}" already exists`);
    if (!repo.renameRow(this.db, this.k, 'brands', id, name)) throw new AppError('not_found', `No brand with id ${id}`);
    return repo.findBrand(this.db, this.k, id)!;
  }

  renameCampaign(id: string, name: string): Campaign {
    if (!repo.renameRow(this.db, this.k, 'campaigns', id, name)) throw new AppError('not_found', `No campaign with id ${id}`);
    return repo.findCampaign(this.db, this.k, id)!;
  }

  /** Deletes; the foreign keys (ON DELETE SET NULL) clear the link on events and campaigns. */
  delete(table: repo.CatalogTable, id: string): { detachedEvents: number } {
    return this.db.transaction(() => {
      const detachedEvents = repo.countLinkedEvents(this.db, this.k, table === 'brands' ? 'brand_id' : 'campaign_id', id);
      if (!repo.deleteRow(this.db, this.k, table, id)) throw new AppError('not_found', `No ${table === 'brands' ? 'brand' : 'campaign'} with id ${id}`);
      return { detachedEvents };
    })();
  }
}
