import { useEffect, useState } from 'react';
import { modalOpen } from './modal';

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
 * whenever the route names another one. Not the focus while a modal dialog is open: the subject
 * may arrive (or the route change, from a notification) while the operator types in the palette
 * or a confirmation, and the rest of what they type must not land on the page.
 */
export function useRevealSubject(elementId: string | null, present: boolean): void {
  useEffect(() => {
    if (elementId === null || !present) return;
    const el = document.getElementById(elementId);
    if (!el) return;
    el.scrollIntoView({ block: 'start' });
    if (!modalOpen()) el.focus({ preventScroll: true });
  }, [elementId, present]);
}

/**
 * False until the task after the first render in which `ready` held, then true for good: for
 * what may come a moment after the rest (the side column's lab controls and recent events,
 * some 2,000 elements and a locale's date formats at 1,000 nodes), so the view the operator
 * opened is in the page first instead of waiting for them.
 */
export function useAfterFirstRender(ready: boolean): boolean {
  const [after, setAfter] = useState(false);
  useEffect(() => {
    if (after || !ready) return;
    const timer = setTimeout(() => setAfter(true), 0);
    return () => clearTimeout(timer);
  }, [after, ready]);
  return after;
}
