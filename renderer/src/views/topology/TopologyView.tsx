import { useDeferredValue, useMemo, useState } from 'react';
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

  return (
    <div className="view-body">
      <header className="view-header">
        <h1>Topology</h1>
        <div className="view-controls topology-controls">
          <input
            type="search"
            placeholder="Filter by node, replica or load balancer ( / )"
            aria-label="Filter the topology by name"
            aria-keyshortcuts="/"
            data-testid="node-filter"
            data-view-filter=""
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
          <label>
            <input type="checkbox" data-testid="problems-only" checked={problemsOnly} onChange={(e) => setProblemsOnly(e.target.checked)} />
            Problems only
          </label>
          <button type="button" data-testid="topology-expand-all" onClick={() => setChoices({ clusters: {}, all: true })}>
            Expand all
          </button>
          <button type="button" data-testid="topology-collapse-all" onClick={() => setChoices({ clusters: {}, all: false })}>
            Collapse all
          </button>
          <span className="muted" data-testid="topology-summary">
            {summary.nodes} nodes · {problems === 0 ? 'all healthy' : `${problems} not healthy`}
          </span>
        </div>
      </header>
      <section className="panel" aria-labelledby="domains-topology-title">
        <h2 id="domains-topology-title">Failure domains</h2>
        <Topology snapshot={snapshot} selected={selected} filter={filter} choices={choices} onChoices={setChoices} />
      </section>
      <TrafficPaths snapshot={snapshot} filter={filter} />
    </div>
  );
}
