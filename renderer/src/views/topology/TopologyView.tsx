import { memo, useCallback, useDeferredValue, useMemo, useState } from 'react';
import { useSessionState } from '../../preferences';
import { summarize } from '../../model/summary';
import type { ViewProps } from '../types';
import { parseExpansions, serializeExpansions } from './expansion';
import { Topology } from './Topology';
import { TrafficPaths } from './TrafficPaths';

/** sessionStorage key of the clusters' expanded state (per tab, kept across reloads and view switches). */
export const EXPANSIONS_KEY = 'fleetops.topology.clusters';

/**
 * The fleet's shape: regions (failure domains) → clusters → nodes → GPUs, then load balancers →
 * backends → replicas → nodes. One filter (text, problems only) narrows both; `/` focuses it.
 */
export function TopologyView({ snapshot, subject }: ViewProps) {
  const [text, setText] = useState('');
  const [problemsOnly, setProblemsOnly] = useState(false);
  const [choices, setChoices] = useSessionState(EXPANSIONS_KEY, parseExpansions, serializeExpansions);
  // Typing stays instant; the 1,000-tile filter runs at lower priority.
  const deferredText = useDeferredValue(text);
  const filter = useMemo(() => ({ text: deferredText, problemsOnly }), [deferredText, problemsOnly]);
  const selected = subject?.kind === 'node' ? subject.name : null;
  const summary = useMemo(() => summarize(snapshot.nodes), [snapshot.nodes]);
  const problems = summary.nodes - summary.byHealth.healthy;

  const expandAll = useCallback(() => setChoices({ clusters: {}, all: true }), [setChoices]);
  const collapseAll = useCallback(() => setChoices({ clusters: {}, all: false }), [setChoices]);

  return (
    <div className="view-body">
      <header className="view-header">
        <h1>Topology</h1>
        <TopologyControls
          text={text}
          onText={setText}
          problemsOnly={problemsOnly}
          onProblemsOnly={setProblemsOnly}
          onExpandAll={expandAll}
          onCollapseAll={collapseAll}
          nodes={summary.nodes}
          problems={problems}
        />
      </header>
      <section className="panel" aria-labelledby="domains-topology-title">
        <h2 id="domains-topology-title">Failure domains</h2>
        <Topology snapshot={snapshot} selected={selected} filter={filter} choices={choices} onChoices={setChoices} />
      </section>
      <TrafficPaths snapshot={snapshot} filter={filter} />
    </div>
  );
}

interface TopologyControlsProps {
  text: string;
  onText(text: string): void;
  problemsOnly: boolean;
  onProblemsOnly(on: boolean): void;
  onExpandAll(): void;
  onCollapseAll(): void;
  nodes: number;
  problems: number;
}

/**
 * The filter, "problems only", expand/collapse all and the count. Memoized on those: the view
 * renders again with every push, and React writes an input's type and name back to the DOM each
 * time it renders it (a style invalidation for nothing).
 */
const TopologyControls = memo(function TopologyControls(p: TopologyControlsProps) {
  return (
    <div className="view-controls topology-controls">
      <input
        type="search"
        placeholder="Filter by node, replica or load balancer ( / )"
        aria-label="Filter the topology by name"
        aria-keyshortcuts="/"
        data-testid="node-filter"
        data-view-filter=""
        value={p.text}
        onChange={(e) => p.onText(e.target.value)}
      />
      <label>
        <input type="checkbox" data-testid="problems-only" checked={p.problemsOnly} onChange={(e) => p.onProblemsOnly(e.target.checked)} />
        Problems only
      </label>
      <button type="button" data-testid="topology-expand-all" onClick={p.onExpandAll}>
        Expand all
      </button>
      <button type="button" data-testid="topology-collapse-all" onClick={p.onCollapseAll}>
        Collapse all
      </button>
      <span className="muted" data-testid="topology-summary">
        {p.nodes} nodes · {p.problems === 0 ? 'all healthy' : `${p.problems} not healthy`}
      </span>
    </div>
  );
});
