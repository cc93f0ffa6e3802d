import type { ImportProblemSeverity, ImportReport, ImportRowError } from './imports';

/** Problems of one kind: the same severity, column and reason (numbers in the reason aside), with every line. */
export interface ProblemGroup {
  key: string;
  severity: ImportProblemSeverity;
  column: string | null;
  reason: string;
  /** Distinct lines, in file order. */
  lines: number[];
  problems: ImportRowError[];
}

/** Groups problems by reason, biggest group first (ties: the earliest line first). */
export function groupProblems(problems: readonly ImportRowError[]): ProblemGroup[] {
  const groups = new Map<string, ProblemGroup>();
  for (const problem of problems) {
    const severity = problem.severity ?? 'error';
    const shape = problem.reason.replace(/\d+/g, 'N');
    const key = `${severity}\u0000${problem.column ?? ''}\u0000${shape}`;
    let group = groups.get(key);
    if (!group) {
      group = { key, severity, column: problem.column, reason: problem.reason, lines: [], problems: [] };
      groups.set(key, group);
    } else if (group.reason !== problem.reason) group.reason = shape.replace(/N/g, '…');
    group.problems.push(problem);
    if (group.lines[group.lines.length - 1] !== problem.row) group.lines.push(problem.row);
  }
  return [...groups.values()].sort((a, b) => b.lines.length - a.lines.length || (a.lines[0] ?? 0) - (b.lines[0] ?? 0));
}

/**
 * What happened to every row, in one sentence: "40 rows → 19 orders (21 line-item rows of the same order
 * merged)". `orders` when the import mapped an order id (merged rows are then line items of one order).
 */
export function rowsSentence(report: Pick<ImportReport, 'rowsRead' | 'imported' | 'updated' | 'duplicates' | 'invalid' | 'merged' | 'mapping'>): string {
  const orders = report.mapping?.columns.includes('transaction_id') ?? false;
  const events = report.imported + report.updated + report.duplicates;
  const noun = (n: number, one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
  const parts: string[] = [];
  if (report.merged > 0) parts.push(`${noun(report.merged, orders ? 'line-item row' : 'row', orders ? 'line-item rows' : 'rows')} of the same ${orders ? 'order' : 'event'} merged`);
  if (report.invalid > 0) parts.push(`${noun(report.invalid, 'row', 'rows')} refused`);
  const head = `${noun(report.rowsRead, 'row', 'rows')} → ${noun(events, orders ? 'order' : 'event', orders ? 'orders' : 'events')}`;
  const fate: string[] = [];
  if (report.imported > 0 && (report.updated > 0 || report.duplicates > 0)) fate.push(`${report.imported.toLocaleString('en-US')} new`);
  if (report.updated > 0) fate.push(`${report.updated.toLocaleString('en-US')} updated`);
  if (report.duplicates > 0) fate.push(`${report.duplicates.toLocaleString('en-US')} already imported before, kept as they were`);
  return `${head}${parts.length ? ` (${parts.join('; ')})` : ''}${fate.length ? `: ${fate.join(', ')}` : ''}`;
}
