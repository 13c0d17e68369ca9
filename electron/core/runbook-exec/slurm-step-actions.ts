/**
 * The slurm.* runbook steps: a drain, a resume, a requeue sent exactly as planned (REST or
 * scontrol over SSH, the plan says which), and waits on what Slurm reports of a node's jobs.
 */
import { FleetError } from '../../../shared/errors';
import type { PlannedAction } from '../../../shared/runbook';
import { abortedError, pollUntil } from './abortable';

type SlurmChangeAction = Extract<PlannedAction, { type: 'slurm.drain' | 'slurm.resume' | 'slurm.requeue' }>;
type SlurmAction = Extract<PlannedAction, { type: `slurm.${string}` }>;

export interface SlurmJobPlace {
  id: string;
  state: string;
  /** Slurm's node names. */
  nodes: readonly string[];
}

/** What the steps need of a cluster's Slurm (the training feature's connector). */
export interface SlurmActions {
  /** Sends the change as planned (`via`, `request`); for a requeue, for `jobs` (re-rendered when they differ from the plan's). Resolves Slurm's or scontrol's answer. */
  apply(action: SlurmChangeAction, jobs: readonly string[] | null, signal: AbortSignal): Promise<string>;
  /** Reads the cluster's jobs now (not the last poll). */
  jobs(cluster: string, signal: AbortSignal): Promise<readonly SlurmJobPlace[]>;
}

const ACTIVE = new Set(['RUNNING', 'COMPLETING', 'CONFIGURING', 'SUSPENDED', 'STOPPED']);
const onNode = (j: SlurmJobPlace, slurmName: string) => ACTIVE.has(j.state) && j.nodes.includes(slurmName);

export async function runSlurmStep(slurm: SlurmActions | undefined, action: SlurmAction, signal: AbortSignal, opts: { now: () => number; intervalMs: number }): Promise<{ output: string }> {
  if (!slurm) throw new FleetError('BAD_REQUEST', `cannot reach Slurm of ${action.cluster}: no scheduler given to the runbook engine`, { subject: action.node });
  if (signal.aborted) throw abortedError(action.type);
  switch (action.type) {
    case 'slurm.drain':
    case 'slurm.resume':
      return { output: await slurm.apply(action, null, signal) };
    case 'slurm.requeue': {
      const now = (await slurm.jobs(action.cluster, signal)).filter((j) => onNode(j, action.slurmName)).map((j) => j.id);
      if (now.length === 0) return { output: `no job runs on ${action.node}: nothing to requeue` };
      const changed = now.join(',') !== action.jobs.join(',') ? ` (planned: ${action.jobs.join(', ') || 'none'}; running now: ${now.join(', ')})` : '';
      const answer = await slurm.apply(action, now, signal);
      const places = await waitUntilGone(slurm, action, now, signal, opts);
      return { output: `requeued ${now.join(', ')}${changed}${answer ? `: ${answer}` : ''}\n${places}` };
    }
    case 'slurm.wait-jobs': {
      await pollUntil(
        async () => {
          const on = (await slurm.jobs(action.cluster, signal)).filter((j) => onNode(j, action.slurmName));
          return { done: on.length === 0 ? on : undefined, observed: on };
        },
        (on) => (on && on.length ? `still running: ${on.map((j) => j.id).join(', ')}` : 'no answer yet'),
        { timeoutMs: action.timeoutSeconds * 1000, intervalMs: opts.intervalMs, signal, what: `the jobs on ${action.node} to finish`, now: opts.now },
      );
      return { output: `no job runs on ${action.node}` };
    }
    default:
      throw new FleetError('INTERNAL', `not a Slurm step: ${(action as PlannedAction).type}`);
  }
}

/** Waits until every requeued job has left the node; says where each went (running elsewhere, or pending). */
async function waitUntilGone(slurm: SlurmActions, action: Extract<SlurmAction, { type: 'slurm.requeue' }>, ids: readonly string[], signal: AbortSignal, opts: { now: () => number; intervalMs: number }): Promise<string> {
  const places = await pollUntil(
    async () => {
      const jobs = await slurm.jobs(action.cluster, signal);
      const mine = ids.map((id) => jobs.find((j) => j.id === id) ?? { id, state: 'GONE', nodes: [] });
      return { done: mine.every((j) => !onNode(j, action.slurmName)) ? mine : undefined, observed: mine };
    },
    (mine) => (mine ? mine.map(place).join('; ') : 'no answer yet'),
    { timeoutMs: action.timeoutSeconds * 1000, intervalMs: opts.intervalMs, signal, what: `the requeued jobs to leave ${action.node}`, now: opts.now },
  );
  return places.map(place).join('\n');
}

function place(j: SlurmJobPlace): string {
  if (j.state === 'GONE') return `job ${j.id}: no longer listed by Slurm`;
  return `job ${j.id}: ${j.state}${j.nodes.length ? ` on ${j.nodes.join(', ')}` : ''}`;
}
