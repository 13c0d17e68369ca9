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
