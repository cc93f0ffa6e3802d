import { useCallback, useEffect, useRef, useState } from 'react';
import type { PushEventName } from '../../../shared/ipc/events';
import { onPush } from './api';

export interface QueryState<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
}

/**
 * Runs an async loader when its deps change and whenever one of `refreshOn` push events arrives.
 * Stale answers (from an older request) are dropped.
 */
export function useQuery<T>(loader: () => Promise<T>, deps: unknown[], refreshOn: PushEventName[] = ['events:changed']): QueryState<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const request = useRef(0);
  const reload = useCallback(() => setTick((n) => n + 1), []);

  useEffect(() => {
    const id = ++request.current;
    setState((previous) => ({ ...previous, loading: true }));
    loader().then(
      (data) => id === request.current && setState({ data, loading: false }),
      (error: Error) => id === request.current && setState((previous) => ({ data: previous.data, error, loading: false })),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);

  useEffect(() => {
    const unsubscribers = refreshOn.map((event) => onPush(event, reload));
    return () => unsubscribers.forEach((unsubscribe) => unsubscribe());
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [reload, refreshOn.join(',')]);

  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/** A value persisted in localStorage (column widths, hidden columns, saved views). */
export function useStoredState<T>(key: string, initial: T): [T, (value: T) => void] {
  const [value, setValue] = useState<T>(() => {
    try {
      const stored = localStorage.getItem(key);
      return stored === null ? initial : (JSON.parse(stored) as T);
    } catch {
      return initial;
    }
  });
  const store = useCallback(
    (next: T) => {
      setValue(next);
      try {
        localStorage.setItem(key, JSON.stringify(next));
      } catch {
        /* storage full or unavailable: keep the in-memory value */
      }
    },
    [key],
  );
  return [value, store];
}
