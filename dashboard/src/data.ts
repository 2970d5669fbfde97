import { createContext, type DependencyList, useCallback, useContext, useEffect, useRef, useState } from 'react';
import type { Account } from './api';
import { useLive } from './live';

/** The signed-in user's accounts, loaded once per session (and again on live events). */
export interface Accounts {
  list: Account[];
  name(id: string): string;
}
export const AccountsContext = createContext<Accounts>({ list: [], name: (id) => id });
export const useAccounts = () => useContext(AccountsContext);

export interface Resource<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload(): void;
}

/**
 * Loads data for a page and loads it again when `deps` change or a live event arrives. The last good
 * data stays on screen while a refetch runs (no flicker), and an answer that arrives after a newer
 * request started is dropped.
 */
export function useResource<T>(load: () => Promise<T>, deps: DependencyList, options: { live?: boolean; skip?: boolean } = {}): Resource<T> {
  const { tick } = useLive();
  const [data, setData] = useState<T>();
  const [error, setError] = useState<Error>();
  const [loading, setLoading] = useState(!options.skip);
  const [reloads, setReloads] = useState(0);
  const latest = useRef(0);
  const liveTick = options.live === false ? 0 : tick;

  useEffect(() => {
    if (options.skip) {
      setLoading(false);
      return;
    }
    const request = ++latest.current;
    setLoading(true);
    load().then(
      (value) => {
        if (request !== latest.current) return;
        setData(value);
        setError(undefined);
        setLoading(false);
      },
      (e: unknown) => {
        if (request !== latest.current) return;
        setError(e instanceof Error ? e : new Error(String(e)));
        setLoading(false);
      },
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, liveTick, reloads, options.skip]);

  const reload = useCallback(() => setReloads((r) => r + 1), []);
  return { data, error, loading, reload };
}
