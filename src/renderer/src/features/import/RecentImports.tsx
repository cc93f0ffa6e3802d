import { call } from '../../lib/api';
import { formatCount, formatDateTime } from '../../lib/format';
import { useQuery } from '../../lib/hooks';
import { navigate } from '../../app/router';

export function RecentImports() {
  const imports = useQuery(() => call('imports:list', { limit: 20 }), []);
  if (!imports.data?.length) return null;
  return (
    <div className="card">
      <div className="card__title">Recent imports</div>
      <table className="table" data-testid="recent-imports">
        <thead>
          <tr><th>File</th><th>Started</th><th>Status</th><th className="num">Imported</th><th className="num">Duplicates</th><th className="num">Invalid</th><th /></tr>
        </thead>
        <tbody>
          {imports.data.map((item) => (
            <tr key={item.id} data-testid="recent-import-row">
              <td>{item.fileName}</td>
              <td>{formatDateTime(item.startedAt)}</td>
              <td>{item.status}</td>
              <td className="num">{formatCount(item.imported)}</td>
              <td className="num">{formatCount(item.duplicates)}</td>
              <td className="num">{formatCount(item.invalid)}</td>
              <td>
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
