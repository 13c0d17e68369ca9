import type { CheckpointLevel } from '../../../../shared/checkpoints';
import type { CheckpointStatus, SchedulerStatus, TrainingJob, TrainingNode, TrainingOverview } from '../../../../shared/training';
import { ACTIVE_JOB_STATES, workAtRisk } from '../../../../shared/work-at-risk';
import type { ViewBadge } from '../types';

/**
 * The Training view's pure logic: live work at risk, the order of the jobs, tones and words.
 * Tested in test/unit/renderer/training-model.test.ts.
 */

export const isJobActive = (job: Pick<TrainingJob, 'state'>): boolean => ACTIVE_JOB_STATES.has(job.state);

/** Work at risk at `now`: the engine's own formula (shared/training.ts), ticking between pushes. */
export const liveWorkAtRisk = (job: Pick<TrainingJob, 'state' | 'gpus' | 'startedAt' | 'checkpoint'>, now: number): number | null => workAtRisk(job, job.checkpoint, now);

export function formatGpuHours(hours: number | null): string {
  if (hours === null) return '–';
  if (hours < 100) return `${hours.toFixed(2)} GPU·h`;
  return `${Math.round(hours).toLocaleString('en-US')} GPU·h`;
}

/** A checkpoint's size as a person reads it: "512 B", "1.5 GiB". */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}

/** A job an operator must look at first: its checkpoint is critically old, or one of its nodes is bad. */
export const isJobAtRisk = (job: Pick<TrainingJob, 'checkpoint' | 'atRisk'>): boolean => job.checkpoint?.level === 'critical' || job.atRisk.length > 0;

/**
 * At-risk jobs first, then by work at risk, most first (then cluster, name, id: a stable order).
 * By the pushed figure, not the live one: rows do not swap places under the pointer between two
 * pushes when jobs of different sizes grow at different rates.
 */
export function sortJobsByRisk(jobs: readonly TrainingJob[]): TrainingJob[] {
  const work = (j: TrainingJob) => j.workAtRiskGpuHours ?? -1;
  return [...jobs].sort(
    (a, b) =>
      Number(isJobAtRisk(b)) - Number(isJobAtRisk(a)) ||
      work(b) - work(a) ||
      a.cluster.localeCompare(b.cluster) ||
      a.name.localeCompare(b.name) ||
      a.id.localeCompare(b.id),
  );
}

type Tone = 'healthy' | 'degraded' | 'unhealthy' | 'unknown';

export const CHECKPOINT_TONE: Readonly<Record<CheckpointLevel, Tone>> = { ok: 'healthy', warn: 'degraded', critical: 'unhealthy', unknown: 'unknown' };
export const SCHEDULER_TONE: Readonly<Record<SchedulerStatus['state'], Tone>> = { ok: 'healthy', unreachable: 'unhealthy', pending: 'unknown' };

/** A job row's mark: red when at risk, amber when its checkpoint is late, none otherwise. */
export function jobTone(job: TrainingJob): Tone | null {
  if (isJobAtRisk(job)) return 'unhealthy';
  return job.checkpoint?.level === 'warn' ? 'degraded' : null;
}

/** A checkpoint interval in words: "45 s", "30 min", "1 h 30 min", "2 d 3 h". */
export function formatInterval(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 120) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 === 0 ? `${h} h` : `${h} h ${m % 60} min`;
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? `${d} d` : `${d} d ${h % 24} h`;
}

/** The policy beside what Young's formula suggests, √(2 · save time · MTBF), or what it still needs. */
export function intervalAdvice(c: Pick<CheckpointStatus, 'policyMs' | 'suggestedIntervalMs' | 'saveSeconds' | 'mtbfHours'>): string {
  const policy = `every ${formatInterval(c.policyMs)}`;
  if (c.suggestedIntervalMs === null) {
    const missing = [c.saveSeconds === null ? 'save time' : null, c.mtbfHours === null ? 'MTBF' : null].filter((x) => x !== null);
    return `${policy} · suggested: not yet known${missing.length > 0 ? ` (no ${missing.join(' or ')} measured)` : ''}`;
  }
  return `${policy} · suggested ${formatInterval(c.suggestedIntervalMs)} (Young)`;
}

/** Slurm's state as the engine writes it in its sentences: "MIXED+DRAIN". */
export const slurmStateText = (n: Pick<TrainingNode, 'state' | 'flags'>): string => [n.state, ...n.flags].join('+');

/** The cordon runbook's `reason`: the node's risk reason on one line, at most 200 characters. */
export function cordonReason(reason: string): string {
  const line = reason.replace(/\s+/g, ' ').trim();
  return line.length <= 200 ? line : `${line.slice(0, 199).trimEnd()}…`;
}

/**
 * Nodes grouped by cluster (in the order the overview lists them), each cluster's needing a look
 * first — a disagreement between Slurm and the console, then a bad verdict, then out of
 * scheduling — then by name.
 */
export function nodesByCluster(nodes: readonly TrainingNode[]): Array<{ region: string; cluster: string; nodes: TrainingNode[] }> {
  const groups = new Map<string, { region: string; cluster: string; nodes: TrainingNode[] }>();
  for (const n of nodes) {
    const key = `${n.region}/${n.cluster}`;
    const g = groups.get(key) ?? { region: n.region, cluster: n.cluster, nodes: [] };
    g.nodes.push(n);
    groups.set(key, g);
  }
  const rank = (n: TrainingNode) => (n.disagreement !== null ? 0 : n.health !== 'healthy' && n.health !== 'unknown' ? 1 : !n.schedulable ? 2 : 3);
  return [...groups.values()].map((g) => ({ ...g, nodes: g.nodes.sort((a, b) => rank(a) - rank(b) || a.node.localeCompare(b.node)) }));
}

/** The sidebar's count: jobs at risk, nodes Slurm and the console disagree on, schedulers not read. */
export function trainingBadge(o: TrainingOverview): ViewBadge | null {
  const jobs = o.jobs.filter(isJobAtRisk).length;
  const nodes = o.nodes.filter((n) => n.disagreement !== null).length;
  const schedulers = o.schedulers.filter((s) => s.state === 'unreachable').length;
  const count = jobs + nodes + schedulers;
  if (count === 0) return null;
  const parts = [
    jobs > 0 ? `${jobs} job${jobs === 1 ? '' : 's'} at risk` : null,
    nodes > 0 ? `${nodes} node${nodes === 1 ? '' : 's'} where Slurm and the console disagree` : null,
    schedulers > 0 ? `${schedulers} scheduler${schedulers === 1 ? '' : 's'} unreachable` : null,
  ].filter((p) => p !== null);
  return { count, tone: jobs > 0 ? 'unhealthy' : 'degraded', title: parts.join(', ') };
}
