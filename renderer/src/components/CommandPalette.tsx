import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { createPortal } from 'react-dom';
import type { FleetSnapshot } from '../../../shared/contract';
import { rankPalette, type PaletteItem } from '../model/palette';
import { viewHref } from '../model/route';
import { useNavigation } from '../navigation-context';
import type { ViewDefinition } from '../views/types';

/** Rows shown at most: the best matches; typing more narrows them. */
const MAX_RESULTS = 50;

interface Props {
  views: readonly ViewDefinition[];
  snapshot: FleetSnapshot;
  onClose: () => void;
}

/**
 * Ctrl-K / ⌘K: go to any view, node, replica, service, load balancer, runbook or run by typing
 * part of its name. Before anything is typed it offers what needs attention, worst first, then
 * the views: Ctrl-K, Enter opens the worst problem. ↑/↓ choose, Enter opens, Escape closes
 * (and nothing under it: a drawer stays open); focus goes back where it was.
 */
export function CommandPalette({ views, snapshot, onClose }: Props) {
  const navigation = useNavigation();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const inputRef = useRef<HTMLInputElement>(null);
  const closeRef = useRef(onClose);
  useEffect(() => {
    closeRef.current = onClose;
  }, [onClose]);
  const [opener] = useState(() => (document.activeElement instanceof HTMLElement ? document.activeElement : null));

  // Each view's own entries, asked in registry order (a fixed list: the hooks keep their order).
  const perView = views.map((v) => v.useSearchItems(snapshot));
  const viewItems = useMemo<PaletteItem[]>(() => views.map((v) => ({ kind: 'view', label: v.label, detail: `g then ${v.key}`, href: viewHref(v.id) })), [views]);
  const flat = perView.flat();
  // Ranking a 1,000-node fleet takes about a millisecond: done on each render, no memo to keep right.
  const results = rankPalette([...flat.filter((i) => i.suggested), ...viewItems, ...flat.filter((i) => !i.suggested)], query, MAX_RESULTS);
  const current = Math.min(active, Math.max(0, results.length - 1));

  useEffect(() => {
    inputRef.current?.focus();
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.preventDefault();
      e.stopPropagation();
      closeRef.current();
    };
    window.addEventListener('keydown', onKey, true);
    return () => {
      window.removeEventListener('keydown', onKey, true);
      if (opener?.isConnected) opener.focus({ preventScroll: true });
    };
  }, [opener]);

  useEffect(() => {
    document.getElementById(`palette-option-${current}`)?.scrollIntoView({ block: 'nearest' });
  }, [current, results]);

  const open = (item: PaletteItem | undefined) => {
    if (!item) return;
    onClose();
    navigation.go(item.href);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (results.length === 0) return;
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setActive((current + step + results.length) % results.length);
    } else if (e.key === 'PageDown' || e.key === 'PageUp') {
      e.preventDefault();
      setActive(Math.max(0, Math.min(results.length - 1, current + (e.key === 'PageDown' ? 8 : -8))));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      open(results[current]?.item);
    } else if (e.key === 'Tab') {
      // The field is the only stop in the dialog: Tab stays in it.
      e.preventDefault();
    }
  };

  return createPortal(
    <div
      className="dialog-backdrop palette-backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) onClose();
      }}
    >
      <div className="dialog palette" role="dialog" aria-modal="true" aria-label="Go to" data-testid="palette">
        <input
          ref={inputRef}
          className="palette-input"
          type="text"
          role="combobox"
          aria-expanded="true"
          aria-controls="palette-list"
          aria-autocomplete="list"
          aria-activedescendant={results.length > 0 ? `palette-option-${current}` : undefined}
          aria-label="Go to a view, node, replica, service, load balancer, runbook or run"
          placeholder="Go to… a node, replica, service, runbook, run or view"
          autoComplete="off"
          spellCheck={false}
          data-testid="palette-input"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          onKeyDown={onKeyDown}
        />
        <p className="palette-caption muted">
          {query.trim() === '' ? 'What needs attention, worst first, then the views. Type to search everything.' : `${results.length}${results.length === MAX_RESULTS ? '+' : ''} found`}
        </p>
        <ul className="palette-list" id="palette-list" role="listbox" aria-label="Results" data-testid="palette-results">
          {results.map((r, i) => (
            <li
              key={r.item.href}
              id={`palette-option-${i}`}
              role="option"
              aria-selected={i === current}
              className={`palette-option${i === current ? ' active' : ''}${r.item.suggested ? ' suggested' : ''}`}
              data-testid="palette-option"
              data-href={r.item.href}
              data-kind={r.item.kind}
              onMouseDown={(e) => e.preventDefault()}
              onMouseMove={() => i !== current && setActive(i)}
              onClick={() => open(r.item)}
            >
              <span className="badge">{r.item.kind}</span>
              <span className="mono palette-label">{r.item.label}</span>
              {r.item.detail ? <span className="muted palette-detail">{r.item.detail}</span> : null}
            </li>
          ))}
        </ul>
        {results.length === 0 ? <p className="empty">Nothing matches “{query}”.</p> : null}
        <p className="palette-hint muted">
          <kbd>↑</kbd> <kbd>↓</kbd> choose · <kbd>Enter</kbd> open · <kbd>Esc</kbd> close
        </p>
      </div>
    </div>,
    document.body,
  );
}
