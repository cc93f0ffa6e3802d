/** The review filter's compiled WHERE, for callers that splice it (kept for them; the expression is in filter-repo.ts). */
export { filterToWhere, type SqlFragment } from './filter-repo';
