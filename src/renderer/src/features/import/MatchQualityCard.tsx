import { MATCH_KEY_LABELS, MATCH_KEY_RULES, percent, type MatchQuality } from '../../../../shared/domain/match-quality';
import { formatCount } from '../../lib/format';

export interface MatchQualityCardProps {
  quality: MatchQuality;
  /** Mapping time: the sample stands for a file of this many rows (estimated unless wholeFile). */
  file?: { rows: number; wholeFile: boolean };
  testId: string;
}

const PLATFORMS = [
  ['google', 'Google'],
  ['meta', 'Meta'],
] as const;

/**
 * Fill rate per match key and platform, and how many events each platform can match (the rule is in
 * src/shared/domain/match-quality.ts): at mapping time on a sample of the file, in the report on the events.
 */
export function MatchQualityCard({ quality, file, testId }: MatchQualityCardProps) {
  const { rows } = quality;
  const scale = (n: number) => (file && !file.wholeFile && rows > 0 ? Math.round((n * file.rows) / rows) : n);
  const total = file ? file.rows : rows;
  const approx = file && !file.wholeFile ? '≈ ' : '';
  // Meta-only keys are listed when some rows carry them.
  const shown = quality.keys.filter((k) => (k.key !== 'external_id' && k.key !== 'ip_agent') || (k.meta ?? 0) > 0);
  return (
    <div className="card match-quality" data-testid={testId}>
      <div className="card__title">
        Match quality {file ? (file.wholeFile ? `(all ${formatCount(rows)} rows)` : `(a sample of ${formatCount(rows)} rows spread through the file)`) : `(${formatCount(rows)} events)`}
      </div>
      <div className="match-quality__estimate">
        {PLATFORMS.map(([platform, name]) => {
          const p = quality[platform];
          return (
            <div key={platform} className="match-quality__platform" data-testid={`${testId}-${platform}`}>
              <div className="tile__label">{name} can match</div>
              <div className="tile__value">
                {approx}{formatCount(scale(p.canMatch))} <span className="muted">of {formatCount(total)}</span>
              </div>
              <div className="muted">
                {percent(p.canMatch, rows)}% · {percent(p.strong, rows)}% on email, phone or click id{platform === 'meta' ? ' or external id' : ''}
              </div>
            </div>
          );
        })}
      </div>
      <table className="table table--compact" data-testid={`${testId}-keys`}>
        <thead>
          <tr>
            <th>Match key</th>
            {PLATFORMS.map(([platform, name]) => <th key={platform} className="num">{name}</th>)}
          </tr>
        </thead>
        <tbody>
          {shown.map((k) => (
            <tr key={k.key} data-testid={`${testId}-key`} data-key={k.key}>
              <td>{MATCH_KEY_LABELS[k.key]}</td>
              {PLATFORMS.map(([platform]) => {
                const n = k[platform];
                return (
                  <td key={platform} className="num" data-platform={platform} title={MATCH_KEY_RULES[k.key][platform] ?? 'not used by this platform'}>
                    {n === null ? <span className="muted">—</span> : <FillBar value={percent(n, rows)} />}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <div className="muted match-quality__rule">
        Valid values only, normalized with each platform’s rules as the import stores them. An event can be matched when it has at least one key the platform matches on; email, phone and click ids match best.
      </div>
    </div>
  );
}

function FillBar({ value }: { value: number }) {
  return (
    <span className="fill-bar" data-value={value}>
      <span className="fill-bar__track"><span className="fill-bar__fill" style={{ width: `${value}%` }} /></span>
      <span className="fill-bar__text">{value}%</span>
    </span>
  );
}
