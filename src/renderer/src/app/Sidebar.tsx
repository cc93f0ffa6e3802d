import { formatCount } from '../lib/format';
import { call } from '../lib/api';
import { useQuery } from '../lib/hooks';
import { routeHref, type ScreenId } from './router';

const ITEMS: { id: ScreenId; label: string }[] = [
  { id: 'overview', label: 'Overview' },
  { id: 'import', label: 'Import' },
  { id: 'review', label: 'Review' },
  { id: 'export', label: 'Export & batches' },
  { id: 'send', label: 'Send' },
  { id: 'catalog', label: 'Campaigns & brands' },
  { id: 'settings', label: 'Settings' },
];

export function Sidebar({ current }: { current: ScreenId }) {
  const counts = useQuery(() => call('events:statusCounts', {}), []);
  const badge = (status: 'pending' | 'queued' | 'failed') => (
    <a
      className={`sidebar__count sidebar__count--${status}`}
      href={routeHref('review', { status })}
      data-testid={`sidebar-count-${status}`}
      title={`Show ${status} events`}
    >
      <span className="sidebar__count-label">{status}</span>
      <span className="sidebar__count-value">{counts.data ? formatCount(counts.data[status]) : '…'}</span>
    </a>
  );
  return (
    <nav className="sidebar" aria-label="Main">
      <div className="sidebar__brand">
        <span className="sidebar__logo" aria-hidden="true">◆</span> Conversion Desk
      </div>
      <ul className="sidebar__nav">
        {ITEMS.map((item) => (
          <li key={item.id}>
            <a href={routeHref(item.id)} className={item.id === current ? 'active' : undefined} aria-current={item.id === current ? 'page' : undefined}>
              {item.label}
            </a>
          </li>
        ))}
      </ul>
      <div className="sidebar__counts" aria-label="Events by status">
        {badge('pending')}
        {badge('queued')}
        {badge('failed')}
      </div>
    </nav>
  );
}
