/**
 * What changed in a scheduler between two reads, as events for the timeline: the scheduler lost
 * or found again, a node's Slurm state (a drain, who set it and why), a job's state — and the
 * job's interruptions (a requeue, a node failure under it, a restart), which the Training view
 * counts and the MTBF estimate does not double count (it uses node verdicts).
 */
import type { AppendEventInput } from '../store/open-store';
import { ACTIVE_JOB_STATES, type SchedulerRead, type SlurmJobIn, type SlurmNodeIn } from './join-training';
import type { TrainingCluster } from './training-inventory';

/** The timeline subject of a job: its cluster and Slurm id (ids are per cluster). */
export const jobSubject = (cluster: string, id: string): string => `job:${cluster}/${id}`;

export const JOB_INTERRUPTED = 'training.job.interrupted';

/** A job leaving RUNNING for one of these was interrupted, not finished. */
const INTERRUPTING_STATES = new Set(['REQUEUED', 'REQUEUE_FED', 'REQUEUE_HOLD', 'NODE_FAIL', 'PREEMPTED', 'FAILED', 'BOOT_FAIL', 'DEADLINE', 'OUT_OF_MEMORY', 'TIMEOUT']);

export function schedulerChanges(c: TrainingCluster, prev: SchedulerRead | undefined, next: SchedulerRead, now: number): AppendEventInput[] {
  const out: AppendEventInput[] = [];
  const was = prev?.state ?? 'pending';
  if (next.state === 'unreachable' && (was !== 'unreachable' || (prev?.state === 'unreachable' && prev.code !== next.code))) {
    out.push({ ts: now, kind: 'slurm.unreachable', subject: c.cluster, severity: 'warning', message: `Slurm of ${c.cluster} unreachable: ${next.reason}`, data: { code: next.code, url: c.scheduler.restd.url } });
  }
  if (next.state === 'ok' && was === 'unreachable') {
    out.push({ ts: now, kind: 'slurm.reachable', subject: c.cluster, severity: 'info', message: `Slurm of ${c.cluster} answers again (${next.apiVersion})` });
  }
  if (next.state !== 'ok' || prev?.state !== 'ok') return out;
  out.push(...nodeChanges(c, prev.nodes, next.nodes, now), ...jobChanges(c, prev.jobs, next.jobs, now));
  return out;
}

function nodeChanges(c: TrainingCluster, prev: readonly SlurmNodeIn[], next: readonly SlurmNodeIn[], now: number): AppendEventInput[] {
  const before = new Map(prev.map((n) => [n.name, n]));
  const out: AppendEventInput[] = [];
  for (const n of next) {
    const p = before.get(n.name);
    const text = (x: SlurmNodeIn) => [x.state, ...x.flags].join('+');
    if (!p || text(p) === text(n)) continue;
    const node = c.toInventory.get(n.name) ?? n.name;
    const bad = n.state === 'DOWN' || n.flags.some((f) => f.startsWith('DRAIN') || f === 'NOT_RESPONDING');
    const why = n.reason ? ` (reason: ${n.reason}${n.reasonBy ? `, by ${n.reasonBy}` : ''})` : '';
    out.push({ ts: now, kind: 'slurm.node.state', subject: node, severity: bad ? 'warning' : 'info', message: `${node}: Slurm ${text(p)} → ${text(n)}${why}`, data: { cluster: c.cluster, slurmName: n.name, from: text(p), to: text(n), reason: n.reason, reasonBy: n.reasonBy } });
  }
  return out;
}

function jobChanges(c: TrainingCluster, prev: readonly SlurmJobIn[], next: readonly SlurmJobIn[], now: number): AppendEventInput[] {
  const before = new Map(prev.map((j) => [j.id, j]));
  const out: AppendEventInput[] = [];
  const name = (j: SlurmJobIn) => `job ${j.id} (${j.name})`;
  for (const j of next) {
    const p = before.get(j.id);
    const subject = jobSubject(c.cluster, j.id);
    if (!p) {
      if (ACTIVE_JOB_STATES.has(j.state)) out.push({ ts: now, kind: 'slurm.job.state', subject, severity: 'info', message: `${name(j)} ${j.state} on ${j.nodes.join(', ')}`, data: { cluster: c.cluster, to: j.state, nodes: j.nodes } });
      continue;
    }
    const restarted = j.restarts > p.restarts;
    if (p.state !== j.state) {
      const interrupted = ACTIVE_JOB_STATES.has(p.state) && INTERRUPTING_STATES.has(j.state);
      out.push({ ts: now, kind: 'slurm.job.state', subject, severity: interrupted ? 'warning' : 'info', message: `${name(j)}: ${p.state} → ${j.state}${j.nodes.length ? ` (${j.nodes.join(', ')})` : ''}`, data: { cluster: c.cluster, from: p.state, to: j.state, nodes: j.nodes } });
      if (interrupted && !restarted) out.push(interruption(c, j, `${p.state} → ${j.state} on ${p.nodes.join(', ')}`, now));
    }
    if (restarted) out.push(interruption(c, j, `requeued (restart ${j.restarts}), was on ${p.nodes.join(', ') || 'no node'}`, now));
  }
  return out;
}

function interruption(c: TrainingCluster, j: SlurmJobIn, what: string, now: number): AppendEventInput {
  return { ts: now, kind: JOB_INTERRUPTED, subject: jobSubject(c.cluster, j.id), severity: 'warning', message: `job ${j.id} (${j.name}) interrupted: ${what}`, data: { cluster: c.cluster, job: j.id, restarts: j.restarts } };
}
