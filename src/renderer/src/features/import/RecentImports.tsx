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
export function RecentImports({ onOpen = (importId) => navigate('import', { report: importId }) }: { onOpen?(importId: string): void }) {
  const imports = useQuery(() => call('imports:list', { limit: 20 }), []);
  if (!imports.data?.length) return null;
  return (
    <div className="card">
      <div className="card__title">Recent imports</div>
      <table className="table" data-testid="recent-imports">
        <thead>
          <tr>
            <th>File</th><th>Started</th><th>Status</th><th className="num">Rows</th><th className="num">New events</th>
            <th className="num">Already imported</th><th className="num">Refused</th><th className="num">Warnings</th><th />
          </tr>
        </thead>
        <tbody>
          {imports.data.map((item) => (
            <tr key={item.id} data-testid="recent-import-row" data-import={item.id}>
              <td>{item.fileName}</td>
              <td>{formatDateTime(item.startedAt)}</td>
              <td>{STATUS_LABELS[item.status] ?? item.status}</td>
              <td className="num">{formatCount(item.rowsRead)}</td>
              <td className="num">{formatCount(item.imported)}</td>
              <td className="num">{formatCount(item.duplicates)}</td>
              <td className="num">{formatCount(item.invalid)}</td>
              <td className="num">{formatCount(item.warned)}</td>
              <td className="row row--tight">
                <button type="button" data-testid="recent-import-open" onClick={() => onOpen(item.id)}>Report</button>
                {item.status === 'completed' && item.imported > 0 && (
                  <button type="button" onClick={() => navigate('review', { import: item.id })}>Review</button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
