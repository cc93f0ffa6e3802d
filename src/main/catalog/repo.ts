import type { Kysely } from 'kysely';
import type { Brand, Campaign } from '../../shared/domain/catalog';
import { allRows, firstRow, runQuery, type Sqlite } from '../db/connection';
import type { DB } from '../db/schema';

export type CatalogTable = 'brands' | 'campaigns';

export function listBrands(db: Sqlite, k: Kysely<DB>): Brand[] {
  return allRows<Brand>(db, k.selectFrom('brands').selectAll().orderBy('name'));
}
export function listCampaigns(db: Sqlite, k: Kysely<DB>): Campaign[] {
  return allRows<Campaign>(db, k.selectFrom('campaigns').select(['id', 'name', 'brand_id', 'created_at']).orderBy('name'));
}
export function findBrand(db: Sqlite, k: Kysely<DB>, id: string): Brand | undefined {
  return firstRow<Brand>(db, k.selectFrom('brands').selectAll().where('id', '=', id));
}
export function findBrandByName(db: Sqlite, k: Kysely<DB>, name: string): Brand | undefined {
  return firstRow<Brand>(db, k.selectFrom('brands').selectAll().where('name', '=', name));
}
export function findCampaign(db: Sqlite, k: Kysely<DB>, id: string): Campaign | undefined {
  return firstRow<Campaign>(db, k.selectFrom('campaigns').select(['id', 'name', 'brand_id', 'created_at']).where('id', '=', id));
}
export function insertBrand(db: Sqlite, k: Kysely<DB>, row: { id: string; name: string; created_at: string }): void {
  runQuery(db, k.insertInto('brands').values(row));
}
export function insertCampaign(db: Sqlite, k: Kysely<DB>, row: { id: string; name: string; brand_id: string | null; created_at: string }): void {
  runQuery(db, k.insertInto('campaigns').values(row));
}
export function renameRow(db: Sqlite, k: Kysely<DB>, table: CatalogTable, id: string, name: string): number {
  return Number(runQuery(db, k.updateTable(table).set({ name }).where('id', '=', id)).changes);
}
export function countLinkedEvents(db: Sqlite, k: Kysely<DB>, column: 'brand_id' | 'campaign_id', id: string): number {
  const row = firstRow<{ n: number }>(
    db,
    k.selectFrom('conversion_events').select((eb) => eb.fn.countAll<number>().as('n')).where(column, '=', id),
  );
  return row?.n ?? 0;
}
export function deleteRow(db: Sqlite, k: Kysely<DB>, table: CatalogTable, id: string): number {
  return Number(runQuery(db, k.deleteFrom(table).where('id', '=', id)).changes);
}
