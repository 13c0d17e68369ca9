import { memo, useDeferredValue, useMemo, useState } from 'react';
import type { FleetSnapshot } from '../../../shared/contract';
import { buildTopologyView, sameClusterContent, type ClusterView } from '../model/topology-view';
import { NodeTile } from './NodeTile';

interface ClusterProps {
  cluster: ClusterView;
  /** The selected node if it is in this cluster, else null: selection elsewhere does not re-render this cluster. */
  selected: string | null;
}

const ClusterSection = memo(
  function ClusterSection({ cluster, selected }: ClusterProps) {
    return (
      <section className="cluster" aria-label={`cluster ${cluster.name}`} data-testid={`cluster-${cluster.key}`}>
        <header className="cluster-header">
          <span className="cluster-name">{cluster.name}</span>
          {cluster.role ? <span className="badge">{cluster.role}</span> : null}
          {cluster.protected ? (
            <span className="badge badge-protected" title="Protected: actions on this cluster ask for confirmation">
              protected
            </span>
          ) : null}
          <span className="cluster-stats">
            {cluster.total} nodes{cluster.problems > 0 ? ` · ${cluster.problems} not healthy` : ''}
          </span>
        </header>
        <div className="tiles">
          {cluster.names.map((name, i) => (
            <NodeTile key={name} name={name} status={cluster.statuses[i]} selected={name === selected} />
          ))}
        </div>
      </section>
    );
  },
  (prev, next) => prev.selected === next.selected && sameClusterContent(prev.cluster, next.cluster),
);

export function Topology({ snapshot, selected }: { snapshot: Pick<FleetSnapshot, 'topology' | 'nodes'>; selected: string | null }) {
  const [text, setText] = useState('');
  const [problemsOnly, setProblemsOnly] = useState(false);
  // Typing stays instant; the 1,000-tile filter runs at lower priority.
  const deferredText = useDeferredValue(text);
  const { topology, nodes } = snapshot;
  const regions = useMemo(
    () => buildTopologyView({ topology, nodes }, { text: deferredText, problemsOnly }),
    [topology, nodes, deferredText, problemsOnly],
  );

  return (
    <div className="topology">
      <div className="topology-controls">
        <input
          type="search"
          placeholder="Filter nodes by name"
          aria-label="Filter nodes by name"
          data-testid="node-filter"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <label>
          <input type="checkbox" data-testid="problems-only" checked={problemsOnly} onChange={(e) => setProblemsOnly(e.target.checked)} />
          Problems only
        </label>
      </div>
      {regions.length === 0 ? <p className="empty">{nodes.length === 0 && !topology ? 'No nodes.' : 'No node matches the filter.'}</p> : null}
      {regions.map((region) => (
        <section key={region.name} className="region" aria-label={`region ${region.name}`}>
          <h2 className="region-name">{region.name}</h2>
          {region.clusters.map((cluster) => (
            <ClusterSection
              key={cluster.key}
              cluster={cluster}
              selected={selected !== null && cluster.names.includes(selected) ? selected : null}
            />
          ))}
        </section>
      ))}
    </div>
  );
}
