import type { CheckpointStorage } from '../../../../shared/checkpoints';
import type { CheckpointStatus, TrainingJob, TrainingNode } from '../../../../shared/training';
import { useRevealSubject } from '../../hooks';
import { formatDuration, formatWhen } from '../../model/format';
import { nodeHref, viewHref } from '../../model/route';
import { AtRiskNodes } from './AtRiskNodes';
import { CheckpointSummary } from './CheckpointSummary';
import { jobAnchorId, jobSubjectName, jobTimelineHref } from './routes';
import { formatBytes, formatGpuHours, formatInterval, liveWorkAtRisk } from './training-model';

/**
 * One job (`#/job/CLUSTER/ID`), under the table: everything the row abbreviates — all its nodes
 * with the console's verdict, the checkpoint's every detail (where, which layout, the listing
 * node, save time and MTBF behind the suggestion), the nodes at risk, its events on the timeline.
 */
export function JobPage({ name, job, nodes, now }: { name: string; job: TrainingJob | undefined; nodes: ReadonlyMap<string, TrainingNode>; now: number }) {
  useRevealSubject(jobAnchorId(name), job !== undefined);
  if (job === undefined) {
    return (
      <p className="note" role="status" data-testid="subject-missing">
        No job {name} in the training overview: Slurm no longer lists it, or its cluster's scheduler is not answering.
      </p>
    );
  }
  const timeline = jobTimelineHref(job);
  return (
    <section className="panel" id={jobAnchorId(name)} tabIndex={-1} aria-labelledby="training-job-title" data-testid="training-job-page" data-job={job.id} data-cluster={job.cluster}>
      <header className="panel-header">
        <h2 id="training-job-title">
          {job.name} <span className="muted mono">{jobSubjectName(job)}</span>
        </h2>
        <span className="pill">{job.state}</span>
        {timeline !== null ? (
          <a className="button-link" data-testid="job-timeline" href={timeline}>
            Timeline
          </a>
        ) : null}
        <a className="button-link" href={viewHref('training')} aria-label="Close the job's page">
          ×
        </a>
      </header>
      <dl className="facts">
        <dt>user</dt>
        <dd>{job.user ?? '–'}</dd>
        <dt>started</dt>
        <dd>{formatWhen(job.startedAt, now)}</dd>
        <dt>time limit</dt>
        <dd>{job.timeLimitMinutes === null ? '–' : formatInterval(job.timeLimitMinutes * 60_000)}</dd>
        <dt>GPUs</dt>
        <dd>{job.gpus}</dd>
        <dt>work at risk</dt>
        <dd className="mono" data-testid="job-page-work-at-risk">
          {formatGpuHours(liveWorkAtRisk(job, now))}
        </dd>
        <dt>interruptions</dt>
        <dd>{job.interruptions}</dd>
        <dt>restarts</dt>
        <dd>{job.restarts}</dd>
      </dl>
      <h3>Nodes at risk</h3>
      <AtRiskNodes risks={job.atRisk} />
      <h3>Checkpoint</h3>
      {job.checkpoint === null ? (
        <p className="muted">
          Not watched: add the job to the inventory's <code>jobs:</code> (its checkpoint directory, layout and <code>every:</code>), or{' '}
          <code>fleetops:ckpt=PATH</code> to its Slurm comment.
        </p>
      ) : (
        <CheckpointDetail checkpoint={job.checkpoint} now={now} />
      )}
      <h3>Nodes ({job.nodes.length})</h3>
      {job.nodes.length === 0 ? <p className="muted">none allocated</p> : null}
      <ul className="training-node-list">
        {job.nodes.map((n) => {
          const t = nodes.get(n);
          return (
            <li key={n}>
              <a className="mono" href={nodeHref(n)}>
                {n}
              </a>{' '}
              {t ? <span className={`pill h-${t.health}`}>{t.health}</span> : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function CheckpointDetail({ checkpoint: c, now }: { checkpoint: CheckpointStatus; now: number }) {
  return (
    <>
      <CheckpointSummary checkpoint={c} now={now} />
      <dl className="facts">
        <dt>directory</dt>
        <dd className="mono wrap">{c.directory}</dd>
        <dt>layout</dt>
        <dd>{c.layout}</dd>
        <dt>listed on</dt>
        <dd className="mono">{c.node ?? '–'}</dd>
        <dt>newest complete</dt>
        <dd>{c.newestComplete ? `${c.newestComplete.name} · ${formatBytes(c.newestComplete.bytes)} · ${new Date(c.newestComplete.at).toLocaleString()}` : '–'}</dd>
        <dt>storage</dt>
        <dd>{c.storage === null ? '–' : storageText(c.storage)}</dd>
        <dt>checked</dt>
        <dd>{formatWhen(c.checkedAt, now)}</dd>
        <dt>save time</dt>
        <dd>{c.saveSeconds === null ? 'not measured yet' : formatDuration(c.saveSeconds * 1000)}</dd>
        <dt>MTBF (this fleet)</dt>
        <dd>{c.mtbfHours === null ? 'not measured yet' : `${c.mtbfHours.toFixed(1)} h`}</dd>
      </dl>
    </>
  );
}

/** "mounted at /mnt/ckpt (nfs4), 83 % used, read-only", or the system's words when it is not. */
function storageText(s: CheckpointStorage): string {
  if (s.state !== 'mounted') return `${s.state}${s.error ? `: ${s.error}` : ''}`;
  const parts = [`mounted${s.mountPoint ? ` at ${s.mountPoint}` : ''}${s.fsType ? ` (${s.fsType})` : ''}`];
  if (s.usedFraction !== null) parts.push(`${Math.round(s.usedFraction * 100)} % used${s.availableBytes !== null ? `, ${formatBytes(s.availableBytes)} free` : ''}`);
  if (s.readOnly) parts.push('read-only');
  return parts.join(', ');
}
