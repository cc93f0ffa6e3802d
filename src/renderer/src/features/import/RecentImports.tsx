import { call } from '../../lib/api';
import { formatCount, formatDateTime } from '../../lib/format';
import { useQuery } from '../../lib/hooks';
import { navigate } from '../../app/router';

const STATUS_LABELS: Record<string, string> = {
  completed: 'Imported',
  running: 'Running',
  failed: 'Failed',
  cancelled: 'Cancelled',
  undone: 'Undone',
};

/** Import history: every import keeps its report (refused rows, warnings, duplicates), reopened from here. */
export function RecentImports({
  onOpen = (importId) => navigate('import', { report: importId }),
  compact = false,
}: {
  onOpen?(importId: string): void;
  /** The Overview's half-width card: file, time, status, new events, refused and the actions. */
  compact?: boolean;
}) {
  const imports = useQuery(() => call('imports:list', { limit: 20 }), []);
  if (!imports.data?.length) return null;
  return (
    <div className="card">
      <div className="card__title">Recent imports</div>
      <table className="table" data-testid="recent-imports">
        <thead>
          <tr>
            <th>File</th><th>Started</th><th>Status</th>{!compact && <th className="num">Rows</th>}<th className="num">New events</th>
            {!compact && <th className="num">Already imported</th>}<th className="num">Refused</th>{!compact && <th className="num">Warnings</th>}<th />
          </tr>
        </thead>
        <tbody>
          {imports.data.map((item) => (
            <tr key={item.id} data-testid="recent-import-row" data-import={item.id}>
              <td className="recent-imports__file" title={item.fileName}>{item.fileName}</td>
              <td>{formatDateTime(item.startedAt)}</td>
              <td>{STATUS_LABELS[item.status] ?? item.status}</td>
              {!compact && <td className="num">{formatCount(item.rowsRead)}</td>}
              <td className="num">{formatCount(item.imported)}</td>
              {!compact && <td className="num">{formatCount(item.duplicates)}</td>}
              <td className="num">{formatCount(item.invalid)}</td>
              {!compact && <td className="num">{formatCount(item.warned)}</td>}
              <td>
                <div className="recent-imports__actions">
                  <button type="button" data-testid="recent-import-open" onClick={() => onOpen(item.id)}>Report</button>
                  {item.status === 'completed' && item.imported > 0 && (
                    <button type="button" onClick={() => navigate('review', { import: item.id })}>Review</button>
                  )}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
