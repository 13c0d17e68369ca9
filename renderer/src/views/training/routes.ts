import type { TrainingJob } from '../../../../shared/training';
import { subjectHref } from '../../model/route';
import { timelineHref } from '../timeline/routes';
import { runbookLinkHref } from '../runbooks/runbook-link';
import { cordonReason } from './training-model';

/** A job's subject name: Slurm ids are per cluster, so the cluster comes with it (`#/job/CLUSTER/ID`). */
export const jobSubjectName = (job: Pick<TrainingJob, 'cluster' | 'id'>): string => `${job.cluster}/${job.id}`;

/** `#/job/CLUSTER/ID`: the Training view with that job's page open under the table. */
export const jobHref = (job: Pick<TrainingJob, 'cluster' | 'id'>): string => subjectHref({ kind: 'job', name: jobSubjectName(job) });

/** The DOM id of a job's page, where `#/job/…` scrolls to. */
export const jobAnchorId = (name: string): string => `subject:job:${name}`;

/**
 * The timeline filtered on the job: its events have the subject `job:CLUSTER/ID` (the engine's
 * jobSubject). Null for a job Slurm does not list (its id is the inventory's key, not Slurm's).
 */
export function jobTimelineHref(job: Pick<TrainingJob, 'cluster' | 'id' | 'state'>): string | null {
  if (job.state === 'unscheduled') return null;
  return timelineHref({ subjects: [`job:${job.cluster}/${job.id}`] });
}

/**
 * "Cordon node…": the Runbooks view with `cordon-gpu-node` chosen, the node as its target, the
 * node's risk reason as the drain reason and its jobs requeued — all in the form, for the
 * operator to change, preview and confirm.
 */
export const cordonHref = (node: string, reason: string): string =>
  runbookLinkHref('cordon-gpu-node', { target: node, params: { reason: cordonReason(reason), jobs: 'requeue' } });
