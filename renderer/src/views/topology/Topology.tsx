import { memo, useCallback, useMemo } from 'react';
import type { FleetSnapshot } from '../../../../shared/contract';
import { HealthBar } from '../../components/HealthBar';
import { buildTopologyView, isProblem, sameClusterContent, type ClusterView, type TopologyFilter } from '../../model/topology-view';
import { clusterDisplay, type ClusterDisplay, type Expansions } from './expansion';
import { NodeTile } from './NodeTile';

interface ClusterProps {
  cluster: ClusterView;
  /** The selected node if it is in this cluster, else null: selection elsewhere does not re-render this cluster. */
  selected: string | null;
  display: ClusterDisplay;
  onToggle: (key: string, expanded: boolean) => void;
}

/**
 * One cluster: a header that always shows (name, role, protection, how many nodes and how they
 * are, GPUs) and, unless collapsed, its tiles: all of them, or only those that are not healthy
 * (and the selected node) with a button for the rest. Collapsed, it costs one line whatever its size.
 */
const ClusterSection = memo(
  function ClusterSection({ cluster, selected, display, onToggle }: ClusterProps) {
    const tilesId = `tiles-${cluster.key}`;
    const expanded = display !== 'collapsed';
    const shown =
      display === 'problems'
        ? cluster.names.flatMap((name, i) => (isProblem(cluster.statuses[i]) || name === selected ? [i] : []))
        : cluster.names.map((_, i) => i);
    const hidden = cluster.names.length - shown.length;
    return (
      <section
        className={`cluster${expanded ? '' : ' collapsed'}${cluster.problems > 0 ? ' has-problems' : ''}`}
        aria-label={`cluster ${cluster.name}`}
        data-testid={`cluster-${cluster.key}`}
        data-expanded={String(expanded)}
        data-display={display}
        data-problems={cluster.problems}
      >
        <header className="cluster-header">
          <button
            type="button"
            className="cluster-toggle"
            aria-expanded={expanded}
            aria-controls={expanded ? tilesId : undefined}
            data-testid={`cluster-toggle-${cluster.key}`}
            onClick={() => onToggle(cluster.key, !expanded)}
          >
            <span aria-hidden="true" className="cluster-caret">
              {expanded ? '▾' : '▸'}
            </span>{' '}
            <span className="cluster-name">{cluster.name}</span>
          </button>
          {cluster.role ? <span className="badge">{cluster.role}</span> : null}
          {cluster.protected ? (
            <span className="badge badge-protected" title="Protected: actions on this cluster ask for confirmation">
              protected
            </span>
          ) : null}
          <span className="cluster-count">
            {cluster.total} node{cluster.total === 1 ? '' : 's'}
          </span>
          <HealthBar counts={cluster.counts} total={cluster.total} testid={`cluster-health-${cluster.key}`} />
          <span className="cluster-stats">
            GPUs {cluster.gpusHealthy} / {cluster.gpusTotal} healthy
          </span>
        </header>
        {expanded ? (
          <div className="tiles" id={tilesId}>
            {shown.map((i) => (
              <NodeTile key={cluster.names[i]} name={cluster.names[i]} status={cluster.statuses[i]} selected={cluster.names[i] === selected} />
            ))}
            {hidden > 0 ? (
              <button type="button" className="tiles-more" data-testid={`cluster-show-all-${cluster.key}`} onClick={() => onToggle(cluster.key, true)}>
                + {hidden} healthy node{hidden === 1 ? '' : 's'}: show all
              </button>
            ) : null}
          </div>
        ) : null}
      </section>
    );
  },
  (prev, next) => prev.selected === next.selected && prev.display === next.display && prev.onToggle === next.onToggle && sameClusterContent(prev.cluster, next.cluster),
);

/**
 * Regions (failure domains) → clusters → nodes → GPUs. Healthy clusters start collapsed (a count
 * and a health summary), the others show their problems; see expansion.ts.
 */
export function Topology({
  snapshot,
  selected,
  filter,
  choices,
  onChoices,
}: {
  snapshot: Pick<FleetSnapshot, 'topology' | 'nodes'>;
  selected: string | null;
  filter: TopologyFilter;
  choices: Expansions;
  onChoices: (next: Expansions) => void;
}) {
  const { topology, nodes } = snapshot;
  const regions = useMemo(() => buildTopologyView({ topology, nodes }, filter), [topology, nodes, filter]);
  const onToggle = useCallback(
    (key: string, expanded: boolean) => onChoices({ ...choices, clusters: { ...choices.clusters, [key]: expanded } }),
    [choices, onChoices],
  );
  const filtering = filter.text.trim() !== '' || filter.problemsOnly;

  return (
    <div className="topology" data-testid="topology" data-filter={filter.text} data-problems-only={String(filter.problemsOnly)}>
      {regions.length === 0 ? <p className="empty">{nodes.length === 0 && !topology ? 'No nodes.' : 'No node matches the filter.'}</p> : null}
      {regions.map((region) => (
        <section key={region.name} className="region" aria-labelledby={`region-${region.name}`} data-testid={`region-${region.name}`}>
          <header className="region-header">
            <h3 className="region-name" id={`region-${region.name}`}>
              {region.name}
            </h3>
            <span className="muted">
              failure domain · {region.total} node{region.total === 1 ? '' : 's'}
            </span>
            <HealthBar counts={region.counts} total={region.total} />
          </header>
          {region.clusters.map((cluster) => {
            const hasSelected = selected !== null && cluster.names.includes(selected);
            return (
              <ClusterSection
                key={cluster.key}
                cluster={cluster}
                selected={hasSelected ? selected : null}
                display={clusterDisplay(cluster, choices, { filtering, hasSelected })}
                onToggle={onToggle}
              />
            );
          })}
        </section>
      ))}
    </div>
  );
}
