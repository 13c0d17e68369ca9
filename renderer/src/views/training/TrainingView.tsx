import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { TrainingOverview } from '../../../../shared/training';
import { trainingQueries } from '../../api/queries/training';
import { ErrorNote } from '../../components/ErrorNote';
import { useNow } from '../../hooks';
import type { ViewProps } from '../types';
import { JobPage } from './JobPage';
import { JobsTable } from './JobsTable';
import { NodesPanel } from './NodesPanel';
import { SchedulersTable } from './SchedulersTable';
import { jobSubjectName } from './routes';

/**
 * Training clusters (`#/training`, a job: `#/job/CLUSTER/ID`): the schedulers, the jobs at risk
 * first with their checkpoints and the work they would lose, and each cluster's nodes with
 * Slurm's state beside the console's verdict. Fed by `training.overview`, kept current by the
 * `training.updated` pushes (api/push-sync.ts); the clock only makes ages and work at risk move.
 */
export function TrainingView({ subject }: ViewProps) {
  const q = useQuery(trainingQueries.overview());
  const selected = subject?.kind === 'job' ? subject.name : null;
  return (
    <div className="view-body">
      <header className="view-header">
        <h1>Training</h1>
      </header>
      {q.error ? <ErrorNote error={q.error} context="training.overview" /> : null}
      {q.data ? <TrainingBody overview={q.data} selected={selected} /> : q.error ? null : <p className="empty loading">Loading training clusters…</p>}
    </div>
  );
}

function TrainingBody({ overview, selected }: { overview: TrainingOverview; selected: string | null }) {
  const now = useNow(1_000);
  const nodes = useMemo(() => new Map(overview.nodes.map((n) => [n.node, n])), [overview.nodes]);
  if (overview.schedulers.length === 0 && overview.unscheduled.length === 0) {
    return (
      <p className="empty" data-testid="training-empty">
        No training cluster in the inventory. Give a cluster <code>role: training</code> and a scheduler —{' '}
        <code>scheduler: {'{ kind: slurm, restd: { url, user, tokenRef }, controlVia: NODE }'}</code> — to see its Slurm jobs and nodes here;
        add <code>jobs:</code> to watch their checkpoints.
      </p>
    );
  }
  return (
    <>
      <SchedulersTable overview={overview} now={now} />
      <JobsTable jobs={overview.jobs} selected={selected} now={now} />
      {selected !== null ? <JobPage key={selected} name={selected} job={overview.jobs.find((j) => jobSubjectName(j) === selected)} nodes={nodes} now={now} /> : null}
      <NodesPanel nodes={overview.nodes} />
    </>
  );
}
