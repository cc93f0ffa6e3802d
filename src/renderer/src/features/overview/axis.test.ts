import { describe, expect, it } from 'vitest';
import { axisLabels } from './TimelineChart';

const daysFrom = (start: string, n: number) => Array.from({ length: n }, (_, i) => new Date(Date.parse(`${start}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10));

describe('overview time axis (issue 15 item 11)', () => {
  it('names every year with data when the range spans years', () => {
    const days = daysFrom('2024-06-01', 700); // to 2026-04-30
    const totals = days.map((d) => (d.startsWith('2025-03') || d === '2024-06-10' || d.startsWith('2026-04') ? 3 : 0));
    const labels = [...axisLabels(days, totals, 60).values()];
    const years = labels.filter((l) => l.year).map((l) => l.text.slice(-4));
    expect(years).toEqual(['2024', '2025', '2026']);
    expect(labels.filter((l) => l.year).every((l) => /\d{4}$/.test(l.text))).toBe(true);
  });

  it('within one year, labels every n-th day without years', () => {
    const days = daysFrom('2026-01-01', 30);
    const labels = axisLabels(days, days.map(() => 1), 7);
    expect([...labels.keys()]).toEqual([0, 7, 14, 21, 28]);
    expect([...labels.values()].some((l) => l.year)).toBe(false);
  });
});
