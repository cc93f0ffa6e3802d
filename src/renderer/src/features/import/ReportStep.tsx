import type { ImportReport } from '../../../../shared/domain/imports';
import { navigate } from '../../app/router';
import { formatCount } from '../../lib/format';

export interface ReportStepProps {
  report: ImportReport;
  onSaveErrors(): void;
  onUndo(): void;
  onDone(): void;
  message: string | null;
}

const STATUS_TEXT: Record<string, string> = {
  completed: 'Import finished',
  cancelled: 'Import cancelled — nothing from this file was kept',
  failed: 'Import failed — nothing from this file was kept',
  undone: 'Import undone',
  running: 'Import running',
};

export function ReportStep({ report, onSaveErrors, onUndo, onDone, message }: ReportStepProps) {
  const tiles: [string, number, string][] = [
    ['Rows read', report.rowsRead, 'read'],
    ['Imported', report.imported, 'imported'],
    ['Updated', report.updated, 'updated'],
    ['Duplicates', report.duplicates, 'duplicates'],
    ['Invalid', report.invalid, 'invalid'],
  ];
  return (
    <div className="import-report" data-testid="import-report" data-status={report.status}>
      <div className={`banner ${report.status === 'completed' ? 'banner--ok' : report.status === 'failed' ? 'banner--error' : 'banner--info'}`}>
        <span>
          <strong>{STATUS_TEXT[report.status] ?? report.status}</strong> · {report.fileName}
          {report.error && <> — {report.error}</>}
        </span>
      </div>
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
        <button type="button" onClick={onDone}>Import another file</button>
      </div>
      {report.invalid > 0 && (
        <p className="muted" data-testid="save-error-rows-note">
          The error-rows file holds those rows exactly as they are in your file, personal data included, unhashed. It is the only
          place Conversion Desk ever writes raw personal data, and only where you choose to save it.
        </p>
      )}
      {report.errors.length > 0 && (
        <div className="report-errors">
          <div className="card__title">
            Invalid rows{report.errorsTruncated ? ` (first ${formatCount(report.errors.length)} shown; save the error rows for all)` : ''}
          </div>
          <table className="table" data-testid="error-table">
            <thead>
              <tr><th className="num">Line</th><th>Column</th><th>Value</th><th>Reason</th></tr>
            </thead>
            <tbody>
              {report.errors.slice(0, 500).map((error, i) => (
                <tr key={i} data-testid="error-row" data-row={error.row}>
                  <td className="num">{error.row || 'file'}</td>
                  <td>{error.column ?? '—'}</td>
                  <td className="mono">{error.value ?? ''}</td>
                  <td className="wrap">{error.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
