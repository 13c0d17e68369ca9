/**
 * One training cluster as the operator needs it: Slurm's view of each node beside the console's
 * own verdict — with their disagreement spelt out as something to act on — and each job with the
 * nodes that put it at risk and the GPU-hours it would lose if it died now. Pure: the pollers
 * gather, this joins.
 */
import type { Health } from '../../../shared/health';
import type { SlurmJob, SlurmNode, SlurmPartition } from '../../../shared/slurm';
import type { CheckpointStatus, JobRisk, SchedulerStatus, TrainingJob, TrainingNode } from '../../../shared/training';
import { ACTIVE_JOB_STATES, workAtRisk } from '../../../shared/work-at-risk';

export { ACTIVE_JOB_STATES, workAtRisk };
import type { TrainingCluster } from './training-inventory';

/** What the join reads of a Slurm node and job (shared/slurm.ts, either OpenAPI version); partitions and features when known. */
export type SlurmNodeIn = Pick<SlurmNode, 'name' | 'state' | 'flags' | 'schedulable' | 'reason' | 'reasonBy' | 'reasonAt' | 'gpusTotal' | 'gpusUsed'> &
  Partial<Pick<SlurmNode, 'partitions' | 'features'>>;
export type SlurmJobIn = Pick<SlurmJob, 'id' | 'name' | 'state' | 'user' | 'nodes' | 'gpus' | 'startAt' | 'timeLimitMinutes' | 'restarts' | 'checkpointPath' | 'comment'>;
export type SlurmPartitionIn = Pick<SlurmPartition, 'name' | 'state' | 'nodes'>;

export type SchedulerRead =
  | { state: 'pending' }
  | { state: 'unreachable'; at: number; code: string; reason: string; apiVersion: string | null }
  | { state: 'ok'; at: number; apiVersion: string; nodes: readonly SlurmNodeIn[]; jobs: readonly SlurmJobIn[]; partitions: readonly SlurmPartitionIn[] };

export interface NodeVerdict {
  health: Health;
  reasons: readonly string[];
}

const BAD: ReadonlySet<Health> = new Set(['unhealthy', 'unreachable']);

export function schedulerStatus(c: TrainingCluster, read: SchedulerRead): SchedulerStatus {
  const base = { region: c.region, cluster: c.cluster, kind: 'slurm' as const, url: c.scheduler.restd.url };
  if (read.state === 'pending') return { ...base, state: 'pending', reason: null, code: null, apiVersion: null, polledAt: null, partitions: [] };
  if (read.state === 'unreachable') return { ...base, state: 'unreachable', reason: read.reason, code: read.code, apiVersion: read.apiVersion, polledAt: read.at, partitions: [] };
  const name = (s: string) => c.toInventory.get(s) ?? s;
  return { ...base, state: 'ok', reason: null, code: null, apiVersion: read.apiVersion, polledAt: read.at, partitions: read.partitions.map((p) => ({ name: p.name, state: p.state, nodes: p.nodes.map(name) })) };
}

/** The cluster's nodes: every inventory node Slurm knows, plus the ones it does not (said so). */
export function joinNodes(c: TrainingCluster, read: Extract<SchedulerRead, { state: 'ok' }>, verdict: (node: string) => NodeVerdict | undefined): TrainingNode[] {
  const bySlurm = new Map(read.nodes.map((n) => [n.name, n]));
  const jobsOn = new Map<string, string[]>();
  for (const j of read.jobs) {
    if (!ACTIVE_JOB_STATES.has(j.state)) continue;
    for (const n of j.nodes) jobsOn.set(n, [...(jobsOn.get(n) ?? []), j.id]);
  }
  const out: TrainingNode[] = [];
  for (const [node, slurmName] of c.toSlurm) {
    const s = bySlurm.get(slurmName);
    const v = verdict(node) ?? { health: 'unknown' as Health, reasons: [] };
    const jobs = jobsOn.get(slurmName) ?? [];
    if (!s) {
      out.push({ node, slurmName, region: c.region, cluster: c.cluster, state: 'MISSING', flags: [], schedulable: false, reason: null, reasonBy: null, reasonAt: null, gpusTotal: 0, gpusUsed: 0, jobs, health: v.health, healthReasons: [...v.reasons],
        disagreement: `Slurm has no node "${slurmName}": the inventory lists it in cluster ${c.cluster}, but jobs cannot run there` });
      continue;
    }
    out.push({ node, slurmName, region: c.region, cluster: c.cluster, state: s.state, flags: [...s.flags], schedulable: s.schedulable, reason: s.reason, reasonBy: s.reasonBy, reasonAt: s.reasonAt, gpusTotal: s.gpusTotal, gpusUsed: s.gpusUsed, jobs, health: v.health, healthReasons: [...v.reasons], disagreement: disagreement(s, v, jobs),
      ...(s.partitions ? { partitions: [...s.partitions] } : {}),
      ...(s.features ? { features: [...s.features] } : {}) });
  }
  return out;
}

/**
 * Where the console's verdict and Slurm's state part ways, as a sentence with what to do next;
 * null when they agree (a bad node drained, a healthy node in service, nothing known yet).
 */
export function disagreement(s: SlurmNodeIn, v: NodeVerdict, jobs: readonly string[]): string | null {
  const stateText = [s.state, ...s.flags].join('+');
  if (BAD.has(v.health) && s.schedulable) {
    const why = v.reasons[0] ?? v.health;
    const running = jobs.length === 0 ? 'no job running' : `job${jobs.length > 1 ? 's' : ''} ${jobs.join(', ')} running`;
    return `${why}, but Slurm still schedules here (state ${stateText}, ${running}): drain it (cordon-gpu-node)`;
  }
  if (v.health === 'healthy' && (s.state === 'DOWN' || s.flags.includes('NOT_RESPONDING'))) {
    return `healthy to the console, but Slurm has it ${stateText}${s.reason ? ` (${s.reason})` : ''}: slurmd or munge on the node, not its GPUs`;
  }
  if (v.health === 'healthy' && !s.schedulable && s.flags.some((f) => f.startsWith('DRAIN'))) {
    const by = s.reasonBy ? ` by ${s.reasonBy}` : '';
    return `drained${by}${s.reason ? ` (${s.reason})` : ''}, yet healthy to the console: resume it once the cause is fixed`;
  }
  return null;
}

export interface JobInputs {
  checkpoint: CheckpointStatus | null;
  interruptions: number;
  now: number;
}

/** A Slurm job with its risk: its bad nodes and its work since the last complete checkpoint. */
export function joinJob(c: TrainingCluster, j: SlurmJobIn, nodes: ReadonlyMap<string, TrainingNode>, inputs: JobInputs): TrainingJob {
  const names = j.nodes.map((n) => c.toInventory.get(n) ?? n);
  const atRisk: JobRisk[] = [];
  for (const n of names) {
    const t = nodes.get(n);
    if (!t) continue;
    if (BAD.has(t.health) || t.health === 'degraded') atRisk.push({ node: n, reason: t.healthReasons[0] ?? t.health });
    else if (t.state === 'DOWN' || t.flags.includes('NOT_RESPONDING')) atRisk.push({ node: n, reason: `Slurm: ${[t.state, ...t.flags].join('+')}${t.reason ? ` (${t.reason})` : ''}` });
  }
  return {
    id: j.id,
    name: j.name,
    region: c.region,
    cluster: c.cluster,
    state: j.state,
    user: j.user,
    nodes: names,
    gpus: j.gpus,
    startedAt: j.startAt,
    timeLimitMinutes: j.timeLimitMinutes,
    restarts: j.restarts,
    checkpoint: inputs.checkpoint,
    workAtRiskGpuHours: workAtRisk({ state: j.state, gpus: j.gpus, startedAt: j.startAt }, inputs.checkpoint, inputs.now),
    interruptions: inputs.interruptions,
    atRisk,
  };
}
