import { useEffect } from 'react';
import { call } from '../lib/api';
import { formatCount } from '../lib/format';
import { useQuery } from '../lib/hooks';
import { DropOverlay } from './DropOverlay';
import { useRoute } from './router';
import { SCREEN_COMPONENTS } from './screens';
import { Sidebar } from './Sidebar';

export function App() {
  const route = useRoute();
  const Screen = SCREEN_COMPONENTS[route.screen];
  useWindowTitle();
  return (
    <div className="shell">
      <Sidebar current={route.screen} />
      <main className="shell__main" data-screen={route.screen}>
        <Screen route={route} />
      </main>
      <DropOverlay />
    </div>
  );
}

/** The window title shows the database and the live counts. */
function useWindowTitle() {
  const info = useQuery(() => call('app:info', {}), [], []);
  const counts = useQuery(() => call('events:statusCounts', {}), []);
  useEffect(() => {
    const file = info.data?.databasePath.split(/[\\/]/).pop() ?? '';
    const c = counts.data;
    const summary = c
      ? ` — ${formatCount(c.pending)} pending · ${formatCount(c.queued)} queued${c.failed ? ` · ${formatCount(c.failed)} failed` : ''}`
      : '';
    document.title = `Conversion Desk${file ? ` · ${file}` : ''}${summary}`;
  }, [info.data, counts.data]);
}
