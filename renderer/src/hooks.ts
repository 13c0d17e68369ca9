import { useEffect, useState, useSyncExternalStore } from 'react';
import { parseRoute, type Route } from './model/route';

function subscribeHash(notify: () => void): () => void {
  window.addEventListener('hashchange', notify);
  return () => window.removeEventListener('hashchange', notify);
}

/** The route in the address bar's hash; changes with links, back/forward and typed URLs. */
export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribeHash, () => window.location.hash);
  return parseRoute(hash);
}

/** Current time, refreshed every `intervalMs`, for "… ago" labels (a display tick, not a data poll). */
export function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
