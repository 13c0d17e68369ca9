import type { TrainingOverview } from '../../../../shared/training';
import { formatDuration } from '../../model/format';
import { SCHEDULER_TONE } from './training-model';

/**
 * Each training cluster's scheduler as the console last read it — ok, unreachable with why
 * (slurmrestd down, token refused), or not read yet — and the training clusters that have none
 * in the inventory, said so: without one the console knows no job or Slurm state there.
 */
export function SchedulersTable({ overview, now }: { overview: Pick<TrainingOverview, 'schedulers' | 'unscheduled'>; now: number }) {
  const { schedulers, unscheduled } = overview;
  return (
    <section className="panel" aria-labelledby="training-schedulers-title" data-testid="training-schedulers">
      <h2 id="training-schedulers-title">Schedulers</h2>
      <div className="table-wrap">
        <table className="training-schedulers">
          <thead>
            <tr>
              <th scope="col">cluster</th>
              <th scope="col">scheduler</th>
              <th scope="col">state</th>
              <th scope="col">API version</th>
              <th scope="col">last poll</th>
            </tr>
          </thead>
          <tbody>
            {schedulers.map((s) => (
              <tr key={s.cluster} data-testid="training-scheduler" data-cluster={s.cluster} data-state={s.state} className={s.state === 'unreachable' ? 'h-unhealthy' : undefined}>
                <td>
                  <span className="muted">{s.region} / </span>
                  <span className="mono">{s.cluster}</span>
                </td>
                <td>
                  Slurm <span className="mono">{s.url}</span>
                  {s.partitions.length > 0 ? <div className="muted">partitions: {s.partitions.map((p) => `${p.name} (${p.state.toLowerCase()})`).join(', ')}</div> : null}
                </td>
                <td data-testid="training-scheduler-state">
                  <span className={`pill h-${SCHEDULER_TONE[s.state]}`}>{s.state}</span>
                  {s.state === 'pending' ? <span className="muted"> not read yet</span> : null}
                  {s.reason !== null ? (
                    <div className="wrap">
                      {s.reason}
                      {s.code !== null ? <span className="muted mono"> {s.code}</span> : null}
                    </div>
                  ) : null}
                </td>
                <td className="mono">{s.apiVersion ?? '–'}</td>
                <td>{s.polledAt === null ? '–' : `${formatDuration(now - s.polledAt)} ago`}</td>
              </tr>
            ))}
            {unscheduled.map((c) => (
              <tr key={`unscheduled/${c.cluster}`} data-testid="training-unscheduled" data-cluster={c.cluster}>
                <td>
                  <span className="muted">{c.region} / </span>
                  <span className="mono">{c.cluster}</span>
                </td>
                <td colSpan={4}>
                  <span className="pill h-unknown">none</span> no scheduler configured: add{' '}
                  <code>scheduler: {'{ kind: slurm, restd: { url, user, tokenRef }, controlVia: NODE }'}</code> to this cluster in the inventory
                  to see its jobs and Slurm's view of its nodes.
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
