/** The delivery filter compiled to a WHERE fragment, for callers that splice it (the expression is in filter-repo.ts). */
import { sql, type SqlBool } from 'kysely';
import type { DeliveryFilter, Destination } from '../../shared/domain/delivery';
import { k } from '../db/query';
import { deliveryFilterExpression, destinationStatus } from './filter-repo';

export { formatsOfDestination } from './filter-repo';

export function deliveryFilterSql(filter: DeliveryFilter): { sql: string; params: unknown[] } {
  const compiled = sql<SqlBool>`${deliveryFilterExpression(filter)}`.compile(k);
  return { sql: compiled.sql, params: [...compiled.parameters] };
}

/** destinationStatus() compiled, for statements that splice it (its destination is a literal: no parameters). */
export function destinationStatusSql(destination: Destination): string {
  return sql`${destinationStatus(destination)}`.compile(k).sql;
}
