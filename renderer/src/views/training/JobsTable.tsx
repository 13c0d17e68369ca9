import { useMemo } from 'react';
import type { TrainingJob } from '../../../../shared/training';
import { nodeHref } from '../../model/route';
import { AtRiskNodes } from './AtRiskNodes';
import { CheckpointSummary } from './CheckpointSummary';
import { jobHref, jobSubjectName } from './routes';
import { formatGpuHours, isJobAtRisk, jobTone, liveWorkAtRisk, sortJobsByRisk } from './training-model';

/** How many of a job's nodes its row names; the job's page lists them all. */
const NODES_SHOWN = 3;

/**
 * Every job of every training cluster, the ones at risk first (a critically old checkpoint or a
 * bad node), then by the work they would lose; that work grows every second between pushes.
 */
export function JobsTable({ jobs, selected, now }: { jobs: readonly TrainingJob[]; selected: string | null; now: number }) {
  const sorted = useMemo(() => sortJobsByRisk(jobs), [jobs]);
  return (
    <section className="panel" aria-labelledby="training-jobs-title" data-testid="training-jobs">
      <h2 id="training-jobs-title">
        Jobs <span className="heading-count">{jobs.length}</span>
      </h2>
      {jobs.length === 0 ? (
        <p className="empty" data-testid="training-jobs-empty">
          No training job: Slurm lists none on the clusters it answers for, and the inventory follows none. Add <code>jobs:</code> to the
          inventory (name, cluster, <code>checkpoint: {'{ directory, layout, every }'}</code>), or <code>fleetops:ckpt=PATH</code> to a
          Slurm job's comment, to watch its checkpoints.
        </p>
      ) : (
        <div className="table-wrap">
          <table className="training-jobs">
            <thead>
              <tr>
                <th scope="col">job</th>
                <th scope="col">cluster</th>
                <th scope="col">Slurm state</th>
                <th scope="col">nodes</th>
                <th scope="col">GPUs</th>
                <th scope="col">checkpoint</th>
                <th scope="col">work at risk</th>
                <th scope="col">interruptions</th>
                <th scope="col">restarts</th>
                <th scope="col">nodes at risk</th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((j) => (
                <JobRow key={jobSubjectName(j)} job={j} selected={jobSubjectName(j) === selected} now={now} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function JobRow({ job: j, selected, now }: { job: TrainingJob; selected: boolean; now: number }) {
  const tone = jobTone(j);
  const work = liveWorkAtRisk(j, now);
  const classes = [tone ? `h-${tone}` : '', selected ? 'selected' : ''].filter((c) => c !== '').join(' ');
  return (
    <tr
      className={classes || undefined}
      data-testid="training-job"
      data-job={j.id}
      data-cluster={j.cluster}
      data-at-risk={String(isJobAtRisk(j))}
      data-level={j.checkpoint?.level ?? 'none'}
    >
      <td>
        <a href={jobHref(j)} aria-current={selected ? 'page' : undefined}>
          {j.name}
        </a>{' '}
        <span className="muted mono">{j.id}</span>
      </td>
      <td className="mono">{j.cluster}</td>
      <td className="mono">{j.state}</td>
      <td>
        <NodeLinks nodes={j.nodes} more={jobHref(j)} />
      </td>
      <td>{j.gpus}</td>
      <td>
        <CheckpointSummary checkpoint={j.checkpoint} now={now} />
      </td>
      <td className="mono" data-testid="job-work-at-risk" data-value={work ?? ''}>
        {formatGpuHours(work)}
      </td>
      <td>{j.interruptions}</td>
      <td>{j.restarts}</td>
      <td>
        <AtRiskNodes risks={j.atRisk} />
      </td>
    </tr>
  );
}

/** A job's first nodes, each to its page; the rest counted, to the job's page. */
export function NodeLinks({ nodes, more }: { nodes: readonly string[]; more: string }) {
  if (nodes.length === 0) return <span className="muted">–</span>;
  const shown = nodes.slice(0, NODES_SHOWN);
  return (
    <span>
      {shown.map((n, i) => (
        <span key={n}>
          {i > 0 ? ', ' : null}
          <a className="mono" href={nodeHref(n)}>
            {n}
          </a>
        </span>
      ))}
      {nodes.length > shown.length ? (
        <>
          {' '}
          <a href={more}>+{nodes.length - shown.length} more</a>
        </>
      ) : null}
    </span>
  );
}
