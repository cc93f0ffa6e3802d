/** Issue 15 item 2: the report's sentence for what happened to every row, and its problems grouped by reason. */
import { describe, expect, it } from 'vitest';
import { groupProblems, rowsSentence } from '../../src/shared/domain/import-report';
import type { ImportRowError } from '../../src/shared/domain/imports';

const base = { rowsRead: 0, imported: 0, updated: 0, duplicates: 0, invalid: 0, merged: 0, mapping: { columns: ['transaction_id' as const] } };

describe('rowsSentence', () => {
  it('orders: line items of one order are merged, not duplicates', () => {
    expect(rowsSentence({ ...base, rowsRead: 40, imported: 19, merged: 21 })).toBe('40 rows → 19 orders (21 line-item rows of the same order merged)');
  });
  it('events without an order id; refused rows and ones already imported are said apart', () => {
    expect(rowsSentence({ ...base, mapping: { columns: ['email'] }, rowsRead: 10, imported: 4, duplicates: 2, invalid: 3, merged: 1 })).toBe(
      '10 rows → 6 events (1 row of the same event merged; 3 rows refused): 4 new, 2 already imported before, kept as they were',
    );
    expect(rowsSentence({ ...base, mapping: null, rowsRead: 1, imported: 1 })).toBe('1 row → 1 event');
  });
});

describe('groupProblems', () => {
  const p = (row: number, reason: string, column: string | null = null, severity: ImportRowError['severity'] = 'error'): ImportRowError => ({ row, reason, column, value: null, severity });
  it('groups by severity, column and reason with a count of lines, biggest first', () => {
    const groups = groupProblems([
      p(5, 'is not a valid email address', 'Email'),
      p(5, 'has no usable identifier left to match on'),
      p(7, 'is not a valid email address', 'Email'),
      p(7, 'is not a valid phone number for country US', 'Phone'),
      p(7, 'has no usable identifier left to match on'),
      p(9, 'is not a valid email address', 'Email'),
      p(9, 'is not a valid email address', 'Email', 'warning'),
    ]);
    expect(groups.map((g) => [g.severity, g.column, g.reason, g.lines])).toEqual([
      ['error', 'Email', 'is not a valid email address', [5, 7, 9]],
      ['error', null, 'has no usable identifier left to match on', [5, 7]],
      ['error', 'Phone', 'is not a valid phone number for country US', [7]],
      ['warning', 'Email', 'is not a valid email address', [9]],
    ]);
  });
  it('reasons that differ only by a number (a line, a length) are one group', () => {
    const groups = groupProblems([p(3, 'matches the event of line 2 of its file', null, 'duplicate'), p(4, 'matches the event of line 2 of its file', null, 'duplicate'), p(8, 'matches the event of line 6 of its file', null, 'duplicate')]);
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ reason: 'matches the event of line … of its file', lines: [3, 4, 8] });
  });
});
