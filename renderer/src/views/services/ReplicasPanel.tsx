import { useDeferredValue, useMemo, useState } from 'react';
import type { ReplicaStatus } from '../../../../shared/services';
import { listClass } from '../../model/long-list';
import { filterReplicas, sortReplicasWorstFirst } from '../../model/replica-health';
import { REPLICA_COLUMNS, ReplicaRow } from './ReplicaRow';

/** Every replica, worst first, filterable like the node topology. */
export function ReplicasPanel({ replicas, selected }: { replicas: readonly ReplicaStatus[]; selected: string | null }) {
  const [text, setText] = useState('');
  const [problemsOnly, setProblemsOnly] = useState(false);
  // Typing stays instant; filtering and sorting hundreds of rows runs at lower priority.
  const deferredText = useDeferredValue(text);
  const sorted = useMemo(() => sortReplicasWorstFirst(replicas), [replicas]);
  const shown = useMemo(() => filterReplicas(sorted, { text: deferredText, problemsOnly }), [sorted, deferredText, problemsOnly]);
  if (replicas.length === 0) return null;

  return (
    <section className="panel" aria-labelledby="replicas-title" data-testid="replicas-panel">
      <div className="panel-header">
        <h2 id="replicas-title">Replicas</h2>
        <input
          type="search"
          placeholder="Filter by name, node or model ( / )"
          aria-label="Filter replicas"
          aria-keyshortcuts="/"
          data-view-filter=""
          data-testid="replica-filter"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <label>
          <input
            type="checkbox"
            data-testid="replica-problems-only"
            checked={problemsOnly}
            onChange={(e) => setProblemsOnly(e.target.checked)}
          />
          Problems only
        </label>
        <span className="muted">
          {shown.length === replicas.length ? `${replicas.length} replicas` : `${shown.length} of ${replicas.length} replicas`}
        </span>
      </div>
      {shown.length === 0 ? (
        <p className="empty">No replica matches the filter.</p>
      ) : (
        <div className={listClass('replica-list', shown.length)} role="table" aria-label="replicas" aria-rowcount={shown.length + 1}>
          <div role="row" className="grid-row replica-row grid-head">
            {REPLICA_COLUMNS.map((c) => (
              <div role="columnheader" key={c.label} title={c.title}>
                {c.label}
              </div>
            ))}
          </div>
          {shown.map((r) => (
            <ReplicaRow key={r.name} replica={r} selected={r.name === selected} />
          ))}
        </div>
      )}
    </section>
  );
}
