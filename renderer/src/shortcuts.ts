import { useEffect, useRef } from 'react';
import { modalOpen } from './modal';
import { viewHref } from './model/route';
import type { ViewDefinition } from './views/types';

/** A key pressed while typing in a field belongs to the field, not to the console. */
function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes(target.type);
  return false;
}

/** How long after `g` the second key of a view shortcut counts. */
const SEQUENCE_MS = 1500;

/**
 * The console's keys: Ctrl-K / ⌘K toggles the command palette (even from a field); `/` focuses
 * the current view's filter (the element marked `data-view-filter`); `g` then a view's key opens
 * that view. The last two only when not typing in a field and no modal dialog is open.
 */
export function useGlobalShortcuts(opts: { views: readonly ViewDefinition[]; paletteOpen: boolean; togglePalette: () => void; go: (href: string) => void }): void {
  const latest = useRef(opts);
  useEffect(() => {
    latest.current = opts;
  });
  useEffect(() => {
    let gAt = 0;
    const onKey = (e: KeyboardEvent) => {
      const { views, paletteOpen, togglePalette, go } = latest.current;
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'k') {
        if (modalOpen() && !paletteOpen) return;
        e.preventDefault();
        togglePalette();
        return;
      }
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || paletteOpen || typing(e.target) || modalOpen()) return;
      if (e.key === '/') {
        const filter = document.querySelector<HTMLInputElement>('#main [data-view-filter]');
        if (!filter) return;
        e.preventDefault();
        filter.focus();
        filter.select();
        return;
      }
      const pending = Date.now() - gAt < SEQUENCE_MS;
      gAt = 0;
      if (pending) {
        const view = views.find((v) => v.key === e.key);
        if (view) {
          e.preventDefault();
          go(viewHref(view.id));
        }
        return;
      }
      if (e.key === 'g' && !e.shiftKey) gAt = Date.now();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
