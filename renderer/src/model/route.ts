/** The page's only routes: the fleet, or one node (`#/node/NAME`), kept in the hash so links work from file:// too. */
export type Route = { view: 'fleet' } | { view: 'node'; name: string };

export function parseRoute(hash: string): Route {
  const match = /^#\/node\/(.+)$/.exec(hash);
  if (!match) return { view: 'fleet' };
  try {
    return { view: 'node', name: decodeURIComponent(match[1]) };
  } catch {
    // A malformed escape (`%E0%A4%A`) is not a node anyone could have linked to.
    return { view: 'fleet' };
  }
}

export function nodeHref(name: string): string {
  return `#/node/${encodeURIComponent(name)}`;
}
