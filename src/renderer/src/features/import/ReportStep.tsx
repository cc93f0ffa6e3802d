import type { ImportReport, ImportRowError } from '../../../../shared/domain/imports';
import { groupProblems, rowsSentence } from '../../../../shared/domain/import-report';
import { navigate, routeHref } from '../../app/router';
import { MatchQualityCard } from './MatchQualityCard';
import { formatCount } from '../../lib/format';

export interface ReportStepProps {
  report: ImportReport;
  onSaveErrors(): void;
  onUndo(): void;
  onDone(): void;
  message: string | null;
  /** Label of the last button (the report reopened from Recent imports says "Back to imports"). */
  doneLabel?: string;
}

const STATUS_TEXT: Record<string, string> = {
  completed: 'Import finished',
  cancelled: 'Import cancelled — nothing from this file was kept',
  failed: 'Import failed — nothing from this file was kept',
  undone: 'Import undone',
  running: 'Import running',
};

export function ReportStep({ report, onSaveErrors, onUndo, onDone, message, doneLabel }: ReportStepProps) {
  const tiles: [string, number, string][] = [
    ['Rows read', report.rowsRead, 'read'],
    ['Imported', report.imported, 'imported'],
    ['Updated', report.updated, 'updated'],
    ['Already imported', report.duplicates, 'duplicates'],
    ['Refused', report.invalid, 'invalid'],
    ['With warnings', report.warned, 'warned'],
    ['Merged rows', report.merged, 'merged'],
  ];
  const problems = (severity: ImportRowError['severity']) => report.errors.filter((e) => (e.severity ?? 'error') === severity);
  const preflight = report.preflight;
  const events = report.imported + report.updated + report.duplicates;
  const orders = report.mapping?.columns.includes('transaction_id') ?? false;
  const noun = orders ? 'orders' : 'events';
  const reviewUnmatchable = () => navigate('review', { import: report.id, problem: 'no_ids:any' });
  return (
    <div className="import-report" data-testid="import-report" data-status={report.status}>
      <div className={`banner ${report.status === 'completed' ? 'banner--ok' : report.status === 'failed' ? 'banner--error' : 'banner--info'}`}>
        <span>
          <strong>{STATUS_TEXT[report.status] ?? report.status}</strong> · {report.fileName}
          {report.error && <> — {report.error}</>}
        </span>
      </div>
      {report.rowsRead > 0 && <div className="report-rows" data-testid="report-rows">{rowsSentence(report)}</div>}
      <div className="tiles">
        {tiles.map(([label, value, key]) => (
          <div className="card tile" key={key} data-testid={`report-${key}`}>
            <div className="tile__label">{label}</div>
            <div className="tile__value">{formatCount(value)}</div>
          </div>
        ))}
      </div>
      {message && <div className="banner banner--info" role="status">{message}</div>}
      <div className="row">
        {report.status === 'completed' && report.imported + report.updated > 0 && (
          <button type="button" className="btn btn--primary" data-testid="review-imported" onClick={() => navigate('review', { import: report.id })}>
            Review these events
          </button>
        )}
        {report.invalid > 0 && (
          <button type="button" data-testid="save-error-rows" onClick={onSaveErrors}>Save error rows…</button>
        )}
        {report.status === 'completed' && report.imported > 0 && (
          <button type="button" className="btn--danger btn" data-testid="undo-import" onClick={onUndo}>Undo import</button>
        )}
        <button type="button" onClick={onDone}>{doneLabel ?? 'Import another file'}</button>
      </div>
      {report.invalid > 0 && (
        <p className="muted" data-testid="save-error-rows-note">
          The error-rows file holds those rows exactly as they are in your file, personal data included, unhashed. It is the only
          place Conversion Desk ever writes raw personal data, and only where you choose to save it.
        </p>
      )}
      {preflight && report.status === 'completed' && (preflight.googleCannot > 0 || preflight.metaCannot > 0 || preflight.prehashed) && (
        <div className="banner banner--warn" data-testid="report-preflight">
          {preflight.unmatchable > 0 && (
            <div data-testid="report-unmatchable">
              <span title="Nor a name with address, an external id, fbc/fbp or IP with user agent">
                {formatCount(preflight.unmatchable)} of {formatCount(events)} {noun} have no email, phone or click id: no platform can match them.
              </span>{' '}
              <a href={routeHref('review', { import: report.id, problem: 'no_ids:any' })} data-testid="review-unmatchable" onClick={(e) => { e.preventDefault(); reviewUnmatchable(); }}>
                See them in Review
              </a>
            </div>
          )}
          {preflight.googleCannot - preflight.unmatchable > 0 && <div>{formatCount(preflight.googleCannot - preflight.unmatchable)} more cannot go to Google (no click id, email, phone or name with address).</div>}
          {preflight.metaCannot - preflight.unmatchable > 0 && <div>{formatCount(preflight.metaCannot - preflight.unmatchable)} more cannot go to Meta (no email, phone, external id, fbc/fbp or name with address).</div>}
          {preflight.prehashed && (
            <div>
              {formatCount(preflight.prehashed.cells)} identifiers were already hashed: they were stored for {preflight.prehashed.platform === 'meta' ? 'Meta' : 'Google'} only ({preflight.prehashed.platform === 'meta' ? 'Google' : 'Meta'} normalizes differently, so its hash stays empty).
            </div>
          )}
        </div>
      )}
      <ProblemGroups testId="error-table" title="Refused rows" rows={problems('error')} truncated={report.errorsTruncated} />
      <ProblemGroups testId="warning-table" title="Warnings (rows kept)" rows={problems('warning')} truncated={report.errorsTruncated} />
      <ProblemGroups testId="duplicate-table" title="Already imported (kept as they were)" rows={problems('duplicate')} truncated={report.errorsTruncated} />
      {preflight?.quality && report.status === 'completed' && preflight.quality.rows > 0 && <MatchQualityCard quality={preflight.quality} testId="report-quality" />}
    </div>
  );
}

/** One table row per line of the file, with every problem of that line. */
function byLine(rows: ImportRowError[]): { line: number; problems: ImportRowError[] }[] {
  const lines: { line: number; problems: ImportRowError[] }[] = [];
  for (const row of rows) {
    const last = lines[lines.length - 1];
    if (last && last.line === row.row) last.problems.push(row);
    else lines.push({ line: row.row, problems: [row] });
  }
  return lines;
}

/** Problems grouped by reason with their counts; each group opens to its lines. */
function ProblemGroups({ title, rows, truncated, testId }: { title: string; rows: ImportRowError[]; truncated: boolean; testId: string }) {
  if (rows.length === 0) return null;
  const groups = groupProblems(rows);
  // Each line of a group shows every problem of that line, so a line refused for two reasons reads whole in both groups.
  const perLine = new Map(byLine(rows).map(({ line, problems }) => [line, problems]));
  const lines = new Set(rows.map((r) => r.row)).size;
  // A short list is shown open; a long one is a list of reasons to open one by one.
  const open = lines <= 10;
  return (
    <div className="report-errors" data-testid={`${testId}-section`}>
      <div className="card__title">
        {title} ({formatCount(lines)} lines{truncated ? ', the first ones; save the error rows for all refused rows' : ''})
      </div>
      <div className="problem-groups" data-testid={testId}>
        {groups.map((group) => (
           <details key={group.key} open={open} className="problem-group" data-testid="problem-group" data-count={group.lines.length}>
            <summary>
              <span className="problem-group__count">{formatCount(group.lines.length)}</span>
              <span className="problem-group__reason">{group.column ? <><strong>{group.column}</strong> </> : null}{group.reason}</span>
            </summary>
            <table className="table table--compact">
              <thead>
                <tr><th className="num">Line</th><th>Column</th><th>Value</th><th>Reason</th></tr>
              </thead>
              <tbody>
                {group.lines.slice(0, 500).map((line) => ({ line, problems: perLine.get(line) ?? [] })).map(({ line, problems }) => (
                  <tr key={line} data-testid={testId === 'error-table' ? 'error-row' : `${testId}-row`} data-row={line}>
                    <td className="num">{line || 'file'}</td>
                    <td>{problems.map((p, i) => <div key={i}>{p.column ?? '—'}</div>)}</td>
                    <td className="mono">{problems.map((p, i) => <div key={i}>{p.value ?? ''}</div>)}</td>
                    <td className="wrap">{problems.map((p, i) => <div key={i}>{p.reason}</div>)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {group.lines.length > 500 && <div className="muted">The first 500 of {formatCount(group.lines.length)} lines.</div>}
          </details>
        ))}
      </div>
    </div>
  );
}
