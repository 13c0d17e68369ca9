import type { DrillRunView } from '../../../../shared/drill-run';
import { useNow } from '../../hooks';
import { drillStatusTone } from '../../model/drill-format';
import { formatWhen } from '../../model/format';
import { drillRunHref } from './routes';

/** Runs, newest first, each a link to its page. */
export function DrillRunList({ runs, selected, title }: { runs: readonly DrillRunView[]; selected: string | null; title: string }) {
  const now = useNow(30_000);
  return (
    <div className="run-history" data-testid="drill-runs">
      <h3>{title}</h3>
      {runs.length === 0 ? <p className="empty">No run yet.</p> : null}
      <ul>
        {runs.map((run) => (
          <li key={run.id}>
            <a
              href={drillRunHref(run.id)}
              className={`run-history-row${run.id === selected ? ' selected' : ''}`}
              data-testid={`drill-run-row-${run.id}`}
              data-status={run.status}
              aria-current={run.id === selected ? 'page' : undefined}
            >
              <span className={`pill h-${drillStatusTone(run.status)}`}>{run.status}</span> <span className="mono">{run.drill}</span>{' '}
              <span className="muted">
                {run.trigger.kind === 'manual' ? `by ${run.trigger.user}@${run.trigger.host}` : `scheduled ${run.trigger.localTime}`} · started {formatWhen(run.startedAt, now)}
                {run.reason ? ` · ${run.reason}` : ''}
              </span>
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}
