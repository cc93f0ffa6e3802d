import { useEffect, useState } from 'react';

export const SCREENS = ['overview', 'import', 'review', 'export', 'send', 'catalog', 'settings'] as const;
export type ScreenId = (typeof SCREENS)[number];

export interface Route {
  screen: ScreenId;
  /** Screen state kept in the URL (e.g. the review filter), so a view can be saved and restored. */
  params: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split('?');
  const screen = (SCREENS as readonly string[]).includes(path) ? (path as ScreenId) : 'overview';
  return { screen, params: new URLSearchParams(query) };
}

export function routeHref(screen: ScreenId, params?: Record<string, string> | URLSearchParams): string {
  const query = params ? new URLSearchParams(params).toString() : '';
  return `#/${screen}${query ? `?${query}` : ''}`;
}

export function navigate(screen: ScreenId, params?: Record<string, string> | URLSearchParams, replace = false): void {
  const href = routeHref(screen, params);
  if (replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseHash(location.hash));
    window.addEventListener('hashchange', update);
    window.addEventListener('popstate', update);
    return () => {
      window.removeEventListener('hashchange', update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return route;
}
