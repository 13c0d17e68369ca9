import { openedFromFor, parseRoute, screenOf, type RouteTable, type Screen } from './route';

/** The slice of `window` navigation uses (a fake in tests; this file is compiled without DOM types). */
export interface NavigationWindow {
  location: { hash: string; href: string };
  history: { state: unknown; replaceState(data: unknown, unused: string, url?: string): void };
  addEventListener(type: 'hashchange', listener: () => void): void;
  removeEventListener(type: 'hashchange', listener: () => void): void;
}

export interface Navigation {
  /** What the page shows now; the same object until the route changes (a useSyncExternalStore snapshot). */
  current(): Screen;
  subscribe(listener: () => void): () => void;
  /** Opens `href` (a `#/…` link) as a new history entry, like a click on a link. */
  go(href: string): void;
  /** Stops listening (tests). */
  dispose(): void;
}

/** Where the page keeps, in each history entry's state, the view that entry was opened over. */
const STATE_KEY = 'fleetops';

interface EntryState {
  openedFrom: string | null;
}

function entryState(state: unknown): EntryState | null {
  if (state === null || typeof state !== 'object') return null;
  const own = (state as Record<string, unknown>)[STATE_KEY];
  if (own === null || typeof own !== 'object') return null;
  const from = (own as Record<string, unknown>).openedFrom;
  return { openedFrom: typeof from === 'string' ? from : null };
}

/**
 * The route in the address bar's hash, followed through links, typed URLs, back/forward and
 * reload. A history entry the page has not seen before (a link was followed, a URL typed) is
 * stamped, through history.replaceState, with the view it was opened over; an entry it has seen
 * (back, forward, reload) keeps its stamp. So a node drawer opened from the Overview is drawn
 * over the Overview again after a reload, and closing it goes back there.
 */
export function createNavigation(win: NavigationWindow, table: RouteTable): Navigation {
  const listeners = new Set<() => void>();
  let current: Screen | null = null;

  const read = (previous: Screen | null): Screen => {
    const route = parseRoute(win.location.hash, table);
    const stamped = entryState(win.history.state);
    if (stamped) return screenOf(route, stamped.openedFrom, table);
    const openedFrom = openedFromFor(route, previous, table);
    const base = win.history.state !== null && typeof win.history.state === 'object' ? (win.history.state as Record<string, unknown>) : {};
    win.history.replaceState({ ...base, [STATE_KEY]: { openedFrom } satisfies EntryState }, '', win.location.href);
    return screenOf(route, openedFrom, table);
  };

  current = read(null);
  const onChange = () => {
    const next = read(current);
    if (current && sameScreen(current, next)) return;
    current = next;
    for (const l of [...listeners]) l();
  };
  win.addEventListener('hashchange', onChange);

  return {
    current: () => current as Screen,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    go(href) {
      // Assigning the hash adds a history entry and fires hashchange, exactly like a link.
      win.location.hash = href.replace(/^#/, '');
    },
    dispose() {
      win.removeEventListener('hashchange', onChange);
      listeners.clear();
    },
  };
}

function sameScreen(a: Screen, b: Screen): boolean {
  return (
    a.view === b.view &&
    a.route.view === b.route.view &&
    a.route.subject?.kind === b.route.subject?.kind &&
    a.route.subject?.name === b.route.subject?.name
  );
}
