/**
 * How each cluster of the topology shows its nodes: not at all (collapsed: a count and a health
 * summary), only the nodes that are not healthy (and the selected one), or all of them. By
 * default a healthy cluster is collapsed and one with a problem shows its problems: with 1,000
 * nodes, one bad node of 167 is in sight without scrolling past 166 good ones, and tiles keep
 * their inventory order (nothing jumps). "Expand all" / "Collapse all" replace that default for
 * every cluster; the operator's own toggle of one cluster overrides both. Kept per tab as JSON;
 * a value that does not parse is no choice at all.
 */

export interface Expansions {
  /** Cluster key (region/cluster) → expanded, as the operator toggled it. */
  clusters: Record<string, boolean>;
  /** The last "Expand all" (true) or "Collapse all" (false); none: by problems. */
  all?: boolean;
}

export const NO_EXPANSIONS: Expansions = { clusters: {} };

export function parseExpansions(text: string | null): Expansions {
  if (text === null) return NO_EXPANSIONS;
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== 'object') return NO_EXPANSIONS;
    const { clusters, all } = value as Record<string, unknown>;
    if (clusters === null || typeof clusters !== 'object') return NO_EXPANSIONS;
    const out: Record<string, boolean> = {};
    for (const [k, v] of Object.entries(clusters as Record<string, unknown>)) if (typeof v === 'boolean') out[k] = v;
    return typeof all === 'boolean' ? { clusters: out, all } : { clusters: out };
  } catch {
    return NO_EXPANSIONS;
  }
}

export function serializeExpansions(e: Expansions): string {
  return JSON.stringify(e);
}

export type ClusterDisplay = 'collapsed' | 'problems' | 'all';

/**
 * How a cluster shows its nodes: while a filter is on, every match (a filter is a question, its
 * answer must show); else as the operator toggled this cluster; else as the last "Expand all" /
 * "Collapse all" said (a cluster holding the selected node still shows it); else its problems
 * (and the selected node) when it has any, collapsed when it has none.
 */
export function clusterDisplay(
  cluster: { key: string; problems: number },
  choices: Expansions,
  context: { filtering: boolean; hasSelected: boolean },
): ClusterDisplay {
  if (context.filtering) return 'all';
  const own = choices.clusters[cluster.key];
  if (own !== undefined) return own ? 'all' : 'collapsed';
  if (choices.all === true) return 'all';
  if (choices.all === false) return context.hasSelected ? 'problems' : 'collapsed';
  return cluster.problems > 0 || context.hasSelected ? 'problems' : 'collapsed';
}
