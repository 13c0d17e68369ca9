/**
 * The page's routes, kept in the hash so links work from file:// and app:// too, and so the
 * serve token never has to be part of a link:
 *
 *   #/overview, #/topology, #/services, #/runbooks   one per view (#/ and no hash: the first view)
 *   #/node/NAME, #/replica/NAME, #/service/NAME,      one per subject; each subject kind has a
 *   #/lb/NAME, #/run/ID, #/runbook/NAME               home view, where it opens
 *
 * Nothing here knows the views: they come from a route table built from the view registry
 * (renderer/src/views/index.ts), so a new view brings its own routes and subject kinds.
 */

export interface Subject {
  /** "node", "replica", "service", "lb", "run", "runbook", or a later view's own. */
  kind: string;
  /** The subject's name (a run: its id), decoded. */
  name: string;
}

export interface Route {
  /** The view this route belongs to: a view id, or the home view of the route's subject. */
  view: string;
  subject: Subject | null;
}

export interface RouteTable {
  /** View ids in sidebar order; the first is where `#/` and anything unknown lead. */
  views: readonly string[];
  /** Subject kind → the id of the view it belongs to. */
  homeOf: Readonly<Record<string, string>>;
  /** Subject kinds that open as a drawer over whichever view was showing (node, replica). */
  drawers: readonly string[];
}

/** What a view registry entry must say for its routes (see renderer/src/views/types.ts). */
export interface RoutedView {
  id: string;
  subjects: readonly { kind: string; drawer: boolean }[];
}

export function routeTableOf(views: readonly RoutedView[]): RouteTable {
  if (views.length === 0) throw new Error('a route table needs at least one view');
  const homeOf: Record<string, string> = {};
  const drawers: string[] = [];
  const ids = new Set<string>();
  for (const view of views) {
    if (!/^[a-z][a-z0-9-]*$/.test(view.id) || ids.has(view.id)) throw new Error(`bad or repeated view id "${view.id}"`);
    ids.add(view.id);
    for (const s of view.subjects) {
      if (!/^[a-z][a-z0-9-]*$/.test(s.kind) || s.kind in homeOf || ids.has(s.kind)) throw new Error(`bad or repeated subject kind "${s.kind}"`);
      homeOf[s.kind] = view.id;
      if (s.drawer) drawers.push(s.kind);
    }
  }
  for (const kind of Object.keys(homeOf)) if (ids.has(kind)) throw new Error(`subject kind "${kind}" is also a view id`);
  return { views: views.map((v) => v.id), homeOf, drawers };
}

/** Longest name a link may carry; inventory names are far shorter (shared/contract.ts: 200). */
export const MAX_NAME = 1000;

/**
 * The route a hash names. Anything it cannot read (an unknown view or kind, an empty name, a
 * malformed escape such as `%E0%A4%A`) is the first view: a stale or mangled link still opens
 * the console rather than a blank page.
 */
export function parseRoute(hash: string, table: RouteTable): Route {
  const fallback: Route = { view: table.views[0], subject: null };
  const path = hash.replace(/^#/, '').replace(/^\//, '');
  if (path === '') return fallback;
  const slash = path.indexOf('/');
  if (slash < 0) return table.views.includes(path) ? { view: path, subject: null } : fallback;
  const kind = path.slice(0, slash);
  const raw = path.slice(slash + 1);
  const home = Object.hasOwn(table.homeOf, kind) ? table.homeOf[kind] : undefined;
  if (home === undefined || raw === '' || raw.length > MAX_NAME) return fallback;
  let name: string;
  try {
    name = decodeURIComponent(raw);
  } catch {
    return fallback;
  }
  return { view: home, subject: { kind, name } };
}

export function viewHref(view: string): string {
  return `#/${view}`;
}

export function subjectHref(subject: Subject): string {
  return `#/${subject.kind}/${encodeURIComponent(subject.name)}`;
}

/** The one canonical link of a route: its subject's when it has one, else its view's. */
export function formatRoute(route: Route): string {
  return route.subject ? subjectHref(route.subject) : viewHref(route.view);
}

export const nodeHref = (name: string): string => subjectHref({ kind: 'node', name });
export const replicaHref = (name: string): string => subjectHref({ kind: 'replica', name });
export const serviceHref = (name: string): string => subjectHref({ kind: 'service', name });
export const lbHref = (name: string): string => subjectHref({ kind: 'lb', name });
export const runHref = (id: string): string => subjectHref({ kind: 'run', name: id });
export const runbookHref = (name: string): string => subjectHref({ kind: 'runbook', name });

/**
 * What the page shows: the route, and the view drawn under it. A drawer subject (a node, a
 * replica) opens over the view it was opened from, so closing it goes back there; opened from
 * nowhere (a pasted link, a new tab) it opens over its home view.
 */
export interface Screen {
  route: Route;
  view: string;
}

export function screenOf(route: Route, openedFrom: string | null, table: RouteTable): Screen {
  const drawer = route.subject !== null && table.drawers.includes(route.subject.kind);
  const from = drawer && openedFrom !== null && table.views.includes(openedFrom) ? openedFrom : null;
  return { route, view: from ?? route.view };
}

/**
 * The view a new history entry is opened over, recorded with the entry (history.state) when the
 * page first sees it: for a drawer subject, the view the page showed just before; else none.
 * Kept with the entry, it survives back/forward and reload, so the page looks the same again.
 */
export function openedFromFor(route: Route, previous: Screen | null, table: RouteTable): string | null {
  if (route.subject === null || !table.drawers.includes(route.subject.kind) || previous === null) return null;
  return previous.view;
}

/** The names an event's subject may be, to link it to the right page. */
export interface SubjectNames {
  nodes: ReadonlySet<string>;
  replicas: ReadonlySet<string>;
  loadBalancers?: ReadonlySet<string>;
  services?: ReadonlySet<string>;
}

/**
 * Where an event's subject links: its node's or replica's drawer (a load balancer change on a
 * replica's server names the replica), or its load balancer or service. Null for a subject the
 * console has no page for (`lb/backend/server`, a name no longer in the inventory): plain text.
 */
export function eventSubjectHref(subject: string, names: SubjectNames): string | null {
  if (names.nodes.has(subject)) return nodeHref(subject);
  if (names.replicas.has(subject)) return replicaHref(subject);
  if (names.loadBalancers?.has(subject)) return lbHref(subject);
  if (names.services?.has(subject)) return serviceHref(subject);
  return null;
}
