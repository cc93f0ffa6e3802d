import { useCallback, useEffect, useRef, useState } from 'react';
import type { ConversionEvent } from '../../../../shared/domain/events';
import type { EventFilter, EventSort } from '../../../../shared/domain/filters';
import { call } from '../../lib/api';

export const PAGE_SIZE = 200;

interface LoadedPage {
  rows: ConversionEvent[];
  nextCursor: string | null;
  /** Generation the page was loaded in; older pages stay on screen until their refetch lands. */
  gen: number;
}

export interface EventPages {
  /** The row at a grid index, or undefined while its page is loading. */
  rowAt(index: number): ConversionEvent | undefined;
  /** Makes sure the pages covering [start, end] are loaded (keyset cursor from the page before, offset only for a jump). */
  ensure(start: number, end: number): void;
  /** Refetch what is on screen, keeping the old rows visible meanwhile. */
  refresh(): void;
  /** True once page 0 has answered for the current filter + sort. */
  ready: boolean;
  /** Rows known to exist when the last page was reached (null until then). */
  knownEnd: number | null;
  error: Error | null;
  loadingPages: number;
  /** Bumped whenever rows change, so memoised consumers re-render. */
  version: number;
  /** Rows of the pages loaded for the current filter + sort, with their grid index. */
  loaded(): { index: number; event: ConversionEvent }[];
}

/**
 * Loads the grid's rows page by page as the user scrolls. Sequential scrolling follows each page's
 * keyset `nextCursor`; a jump (dragging the scrollbar far) asks for that page by offset once and
 * continues with cursors from there. Never loads more than the visible pages (+1).
 */
export function useEventPages(filter: EventFilter, sort: EventSort, key: string): EventPages {
  const pages = useRef(new Map<number, LoadedPage>());
  const inflight = useRef(new Map<number, { gen: number; promise: Promise<void> }>());
  const gen = useRef(0);
  const wanted = useRef<[number, number]>([0, 0]);
  const input = useRef({ filter, sort });
  input.current = { filter, sort };
  const [version, setVersion] = useState(0);
  const [ready, setReady] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [knownEnd, setKnownEnd] = useState<number | null>(null);
  const [loadingPages, setLoadingPages] = useState(0);

  const load = useCallback((page: number): Promise<void> => {
    const current = inflight.current.get(page);
    if (current && current.gen === gen.current) return current.promise;
    const myGen = gen.current;
    const previousInflight = page > 0 ? inflight.current.get(page - 1) : undefined;
    const run = async () => {
      let cursor: string | undefined;
      if (page > 0) {
        if (previousInflight && previousInflight.gen === myGen) await previousInflight.promise.catch(() => undefined);
        const before = pages.current.get(page - 1);
        if (before && before.gen === myGen) {
          if (before.nextCursor === null) {
            // The page before is the last one: nothing here.
            pages.current.set(page, { rows: [], nextCursor: null, gen: myGen });
            return;
          }
          cursor = before.nextCursor;
        }
      }
      const { filter: f, sort: s } = input.current;
      const answer = await call('events:list', {
        filter: f,
        sort: s,
        limit: PAGE_SIZE,
        withTotal: false,
        ...(cursor ? { cursor } : { offset: page * PAGE_SIZE }),
      });
      if (myGen !== gen.current) return;
      pages.current.set(page, { rows: answer.events, nextCursor: answer.nextCursor, gen: myGen });
      if (answer.nextCursor === null) setKnownEnd(page * PAGE_SIZE + answer.events.length);
      if (page === 0) setReady(true);
      setError(null);
      setVersion((v) => v + 1);
    };
    setLoadingPages((n) => n + 1);
    const promise = run()
      .catch((e: Error) => {
        if (myGen === gen.current) setError(e);
      })
      .finally(() => {
        if (inflight.current.get(page)?.promise === promise) inflight.current.delete(page);
        setLoadingPages((n) => Math.max(0, n - 1));
      });
    inflight.current.set(page, { gen: myGen, promise });
    return promise;
  }, []);

  const ensure = useCallback(
    (start: number, end: number) => {
      wanted.current = [start, end];
      const first = Math.max(0, Math.floor(start / PAGE_SIZE));
      const last = Math.max(first, Math.floor(Math.max(start, end) / PAGE_SIZE));
      for (let p = first; p <= last; p++) {
        const page = pages.current.get(p);
        if (!page || page.gen !== gen.current) void load(p);
      }
    },
    [load],
  );

  // A new filter or sort: forget everything and start at the top.
  useEffect(() => {
    gen.current++;
    pages.current = new Map();
    inflight.current = new Map();
    setReady(false);
    setKnownEnd(null);
    setError(null);
    setVersion((v) => v + 1);
    void load(0);
  }, [key, load]);

  const refresh = useCallback(() => {
    gen.current++;
    setKnownEnd(null);
    // Keep only what is near the screen; it is shown until its fresh copy lands.
    const [start, end] = wanted.current;
    const first = Math.floor(start / PAGE_SIZE);
    const last = Math.floor(end / PAGE_SIZE);
    for (const p of [...pages.current.keys()]) if (p < first - 1 || p > last + 1) pages.current.delete(p);
    inflight.current = new Map();
    void load(0).then(() => ensure(start, end));
  }, [ensure, load]);

  const rowAt = useCallback((index: number) => pages.current.get(Math.floor(index / PAGE_SIZE))?.rows[index % PAGE_SIZE], []);

  const loaded = useCallback(() => {
    const out: { index: number; event: ConversionEvent }[] = [];
    for (const [p, page] of [...pages.current.entries()].sort((a, b) => a[0] - b[0])) {
      if (page.gen !== gen.current) continue;
      page.rows.forEach((event, i) => out.push({ index: p * PAGE_SIZE + i, event }));
    }
    return out;
  }, []);

  return { rowAt, ensure, refresh, ready, knownEnd, error, loadingPages, version, loaded };
}
