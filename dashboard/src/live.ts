import { createContext, useContext, useEffect, useRef, useState } from 'react';

/**
 * Live updates: one EventSource on /v1/stream (the session cookie goes with it) for the signed-in
 * user's accounts. Each `order` event bumps a counter, a little debounced so a burst of events costs
 * one refetch; pages put the counter in their data dependencies and refetch what they show.
 */

export interface Live {
  /** Bumped after order events arrive. */
  tick: number;
  state: 'connecting' | 'live' | 'offline';
  /** When the last event arrived (ISO), if any. */
  lastEventAt: string | null;
}

export const LiveContext = createContext<Live>({ tick: 0, state: 'offline', lastEventAt: null });
export const useLive = () => useContext(LiveContext);

const debounceMs = 150;
const reconnectMs = 3_000;

export function useLiveStream(enabled: boolean, onClosed: () => void): Live {
  const [live, setLive] = useState<Live>({ tick: 0, state: 'offline', lastEventAt: null });
  const closedRef = useRef(onClosed);
  closedRef.current = onClosed;

  useEffect(() => {
    if (!enabled) return;
    let source: EventSource | null = null;
    let debounce: number | undefined;
    let retry: number | undefined;
    let stopped = false;

    const connect = () => {
      setLive((l) => ({ ...l, state: 'connecting' }));
      source = new EventSource('/v1/stream', { withCredentials: true });
      source.onopen = () => setLive((l) => ({ ...l, state: 'live' }));
      source.addEventListener('order', () => {
        window.clearTimeout(debounce);
        debounce = window.setTimeout(() => setLive((l) => ({ ...l, tick: l.tick + 1, lastEventAt: new Date().toISOString() })), debounceMs);
      });
      source.onerror = () => {
        if (source?.readyState !== EventSource.CLOSED) return; // the browser reconnects by itself
        // Closed for good (e.g. 401 after the session ended): ask whether we are still signed in, then retry.
        setLive((l) => ({ ...l, state: 'offline' }));
        closedRef.current();
        if (!stopped) retry = window.setTimeout(connect, reconnectMs);
      };
    };
    connect();
    return () => {
      stopped = true;
      window.clearTimeout(debounce);
      window.clearTimeout(retry);
      source?.close();
      setLive((l) => ({ ...l, state: 'offline' }));
    };
  }, [enabled]);
  return live;
}
