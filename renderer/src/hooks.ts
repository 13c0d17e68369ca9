import { useEffect, useState } from 'react';

/** Current time, refreshed every `intervalMs`, for "… ago" labels (a display tick, not a data poll). */
export function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/**
 * Brings a subject shown in place (a service card, a load balancer, a run) into view and gives
 * it the focus when a route names it: on the first render that has the element, and again
 * whenever the route names another one.
 */
export function useRevealSubject(elementId: string | null, present: boolean): void {
  useEffect(() => {
    if (elementId === null || !present) return;
    const el = document.getElementById(elementId);
    if (!el) return;
    el.scrollIntoView({ block: 'start' });
    el.focus({ preventScroll: true });
  }, [elementId, present]);
}
