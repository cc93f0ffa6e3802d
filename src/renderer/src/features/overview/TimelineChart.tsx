import { useEffect, useRef, useState } from 'react';
import { SYNC_STATUSES, type ConversionSyncStatus } from '../../../../shared/domain/events';
import { microsToDecimal } from '../../../../shared/domain/money';
import type { OverviewTimeline, TimelineDay } from '../../../../shared/ipc/channels/overview';
import { formatCount, formatMoney } from '../../lib/format';

const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });

export type Measure = { kind: 'count' } | { kind: 'value'; currency: string };

const HEIGHT = 240;
const PAD = { top: 12, right: 12, bottom: 26, left: 56 };

/** A "nice" axis maximum and step (1, 2, 5 × 10^n). */
function niceScale(max: number, ticks = 4): { top: number; step: number } {
  if (max <= 0) return { top: 1, step: 1 };
  const raw = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  return { top: Math.ceil(max / step) * step, step };
}

function valueOf(day: TimelineDay, status: ConversionSyncStatus, measure: Measure): number {
  if (measure.kind === 'count') return day.count[status] ?? 0;
  return day.valueMicros[measure.currency]?.[status] ?? 0;
}

const shortDay = (day: string) => {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d).toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
};

/**
 * The time axis's labels (issue 15 item 11): every `every`-th day, and — when the range spans years —
 * the first day with data of each year, labelled with its year (regular labels too close to it are
 * dropped), so every year with data is named.
 */
export function axisLabels(days: readonly string[], totals: readonly number[], every: number): Map<number, { text: string; year: boolean }> {
  const labels = new Map<number, { text: string; year: boolean }>();
  const spansYears = days.length > 0 && days[0]!.slice(0, 4) !== days[days.length - 1]!.slice(0, 4);
  for (let i = 0; i < days.length; i += every) labels.set(i, { text: shortDay(days[i]!), year: false });
  if (!spansYears) return labels;
  const seen = new Set<string>();
  days.forEach((day, i) => {
    const year = day.slice(0, 4);
    if (seen.has(year) || !(totals[i]! > 0)) return;
    seen.add(year);
    for (let j = Math.max(0, i - Math.ceil(every * 0.75)); j <= Math.min(days.length - 1, i + Math.ceil(every * 0.75)); j++) if (!labels.get(j)?.year) labels.delete(j);
    labels.set(i, { text: `${shortDay(day)} ${year}`, year: true });
  });
  return labels;
}

/** Conversions (or value) per day, stacked by status, as plain SVG. Clicking a day opens it in Review. */
export function TimelineChart({ timeline, measure, onDay }: { timeline: OverviewTimeline; measure: Measure; onDay(day: string, status?: ConversionSyncStatus): void }) {
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(800);
  const [hover, setHover] = useState<number | null>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const observer = new ResizeObserver(([entry]) => entry && setWidth(Math.max(320, Math.floor(entry.contentRect.width))));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const days = timeline.days;
  const totals = days.map((d) => SYNC_STATUSES.reduce((n, s) => n + valueOf(d, s, measure), 0));
  const { top, step } = niceScale(Math.max(0, ...totals));
  const plotW = width - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const slot = days.length ? plotW / days.length : plotW;
  const barW = Math.max(1, Math.min(28, slot * 0.78));
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;
  const fmt = (v: number) => (measure.kind === 'count' ? formatCount(v) : formatMoney(microsToDecimal(v), measure.currency));
  const tick = (v: number) => (measure.kind === 'count' ? compact.format(v) : compact.format(v / 1_000_000));
  const labelEvery = Math.max(1, Math.ceil(days.length / Math.max(1, Math.floor(plotW / 64))));
  const labels = axisLabels(days.map((d) => d.day), totals, labelEvery);
  const ticks: number[] = [];
  for (let v = 0; v <= top + step / 2; v += step) ticks.push(v);
  const hovered = hover !== null ? days[hover] : undefined;

  return (
    <div className="chart" ref={box} data-testid="timeline-chart">
      <svg width={width} height={HEIGHT} role="img" aria-label={`${measure.kind === 'count' ? 'Conversions' : `Value (${measure.currency})`} per day by status`} onMouseLeave={() => setHover(null)}>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={PAD.left} x2={width - PAD.right} y1={y(t)} y2={y(t)} className="chart__grid" />
            <text x={PAD.left - 6} y={y(t)} className="chart__tick" textAnchor="end" dominantBaseline="middle">{tick(t)}</text>
          </g>
        ))}
        {days.map((day, i) => {
          const x = PAD.left + i * slot + (slot - barW) / 2;
          let acc = 0;
          return (
            <g key={day.day} className={hover === i ? 'chart__day is-hover' : 'chart__day'} onMouseEnter={() => setHover(i)} onClick={() => onDay(day.day)} data-day={day.day}>
              <rect x={PAD.left + i * slot} y={PAD.top} width={slot} height={plotH} className="chart__hit" />
              {SYNC_STATUSES.map((status) => {
                const v = valueOf(day, status, measure);
                if (!v) return null;
                const y0 = y(acc);
                acc += v;
                const y1 = y(acc);
                return (
                  <rect
                    key={status}
                    x={x}
                    y={y1}
                    width={barW}
                    height={Math.max(0.5, y0 - y1)}
                    className={`chart__bar chart__bar--${status}`}
                    onClick={(e) => (e.stopPropagation(), onDay(day.day, status))}
                  />
                );
              })}
              {labels.has(i) && (
                <text x={PAD.left + i * slot + slot / 2} y={HEIGHT - 8} className={`chart__tick${labels.get(i)!.year ? ' chart__tick--year' : ''}`} textAnchor="middle" data-testid="axis-label">
                  {labels.get(i)!.text}
                </text>
              )}
            </g>
          );
        })}
        <line x1={PAD.left} x2={width - PAD.right} y1={y(0)} y2={y(0)} className="chart__axis" />
      </svg>
      {hovered && hover !== null && (
        <div
          className="chart__tooltip"
          role="status"
          style={{ left: (() => {
            const x = PAD.left + hover * slot + slot / 2;
            return x < width / 2 ? Math.min(width - 184, x + 14) : Math.max(0, x - 194);
          })() }}
        >
          <div className="chart__tooltip-title">{new Date(`${hovered.day}T12:00:00`).toLocaleDateString(undefined, { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric' })}</div>
          {SYNC_STATUSES.map((s) => (
            <div key={s} className="chart__tooltip-row">
              <span className={`legend__swatch legend__swatch--${s}`} />
              <span>{s}</span>
              <span className="num">{fmt(valueOf(hovered, s, measure))}</span>
            </div>
          ))}
          <div className="chart__tooltip-row chart__tooltip-total">
            <span />
            <span>total</span>
            <span className="num">{fmt(totals[hover] ?? 0)}</span>
          </div>
        </div>
      )}
      <div className="legend" aria-hidden="true">
        {SYNC_STATUSES.map((s) => (
          <span key={s} className="legend__item">
            <span className={`legend__swatch legend__swatch--${s}`} /> {s}
          </span>
        ))}
      </div>
    </div>
  );
}
