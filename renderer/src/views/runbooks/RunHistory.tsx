import { useMemo } from 'react';
import type { RunView } from '../../../../shared/runbook';
import { useNow } from '../../hooks';
import { formatWhen } from '../../model/format';
import { sortRunsNewestFirst } from '../../model/run-format';

/** Every run the engine remembers, newest first; a click opens its live view with the outputs. */
export function RunHistory({ runs, selected, onSelect }: { runs: readonly RunView[]; selected: string | null; onSelect: (id: string) => void }) {
  const sorted = useMemo(() => sortRunsNewestFirst(runs), [runs]);
  const now = useNow(30_000);
  return (
    <div className="run-history" data-testid="run-history">
      <h3>Run history</h3>
      {sorted.length === 0 ? <p className="empty">No run yet.</p> : null}
      <ul>
        {sorted.map((run) => (
          <li key={run.id}>
            <button
              type="button"
              className={`run-history-row${run.id === selected ? ' selected' : ''}`}
              data-testid={`run-history-${run.id}`}
              data-status={run.status}
              aria-pressed={run.id === selected}
              onClick={() => onSelect(run.id)}
            >
              <span className={`pill run-${run.status}`}>{run.status}</span> <span className="mono">{run.runbook}</span> on{' '}
              <span className="mono">{run.target}</span>{' '}
              <span className="muted">
                by {run.operator.user}@{run.operator.host} · started {formatWhen(run.startedAt, now)} · ended {formatWhen(run.endedAt, now)}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
