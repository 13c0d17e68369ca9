/**
 * The page's routes: the fleet, one node (`#/node/NAME`) or one replica (`#/replica/NAME`),
 * kept in the hash so links work from file:// too.
 */
export type Route = { view: 'fleet' } | { view: 'node'; name: string } | { view: 'replica'; name: string };

export function parseRoute(hash: string): Route {
  const match = /^#\/(node|replica)\/(.+)$/.exec(hash);
  if (!match) return { view: 'fleet' };
  try {
    return { view: match[1] as 'node' | 'replica', name: decodeURIComponent(match[2]) };
  } catch {
    // A malformed escape (`%E0%A4%A`) is not a name anyone could have linked to.
    return { view: 'fleet' };
  }
}

export function nodeHref(name: string): string {
  return `#/node/${encodeURIComponent(name)}`;
}

export function replicaHref(name: string): string {
  return `#/replica/${encodeURIComponent(name)}`;
}

/** The names an event's subject may be, to link it to the right drawer. */
export interface SubjectNames {
  nodes: ReadonlySet<string>;
  replicas: ReadonlySet<string>;
}

/**
 * Where an event's subject links: its node's or replica's drawer (a load balancer change on a
 * replica's server names the replica). Null for a subject the console has no drawer for (a load
 * balancer, `lb/backend/server`, a name no longer in the inventory): shown as plain text.
 */
export function subjectHref(subject: string, names: SubjectNames): string | null {
  if (names.nodes.has(subject)) return nodeHref(subject);
  if (names.replicas.has(subject)) return replicaHref(subject);
  return null;
}
