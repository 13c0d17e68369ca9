/**
 * `fleetops check` for the training side: each scheduler read once (unreachable is its own
 * verdict, with the reason) and each followed job's checkpoints listed once. A stale checkpoint
 * (warn or critical) counts as degraded for the exit status; one that cannot be listed, unknown.
 * The report shape is a public interface: scripts parse it.
 */
import type { Health } from '../../../shared/health';
import type { CheckpointLevel } from '../../../shared/checkpoints';
import type { LoadedInventory } from '../inventory/load-inventory';
import type { SshPool } from '../ssh/pool';
import { mapLimit } from '../util/map-limit';
import { sshCheckpointProber } from './checkpoint-prober';
import { followedJobs } from './followed-jobs';
import type { SchedulerRead } from './join-training';
import { SlurmConnector } from './slurm-connector';
import { jobSubject } from './slurm-changes';
import { trainingInventoryOf } from './training-inventory';

export interface CheckScheduler {
  /** The cluster's name. */
  name: string;
  region: string;
  url: string;
  health: Health;
  reasons: string[];
  apiVersion: string | null;
  nodes: number;
  runningJobs: number;
}

export interface CheckJob {
  /** The inventory's name, or Slurm's for a job its comment names. */
  name: string;
  /** Slurm's id, or null when Slurm does not list it. */
  id: string | null;
  cluster: string;
  state: string;
  health: Health;
  reasons: string[];
  checkpoint: { level: CheckpointLevel; directory: string; layout: string; newestComplete: string | null; newestCompleteAgeSeconds: number | null; policySeconds: number };
  /** The timeline subject of its events. */
  subject: string | null;
}

const LEVEL_HEALTH: Record<CheckpointLevel, Health> = { ok: 'healthy', warn: 'degraded', critical: 'degraded', unknown: 'unknown' };

export async function checkTraining(
  inventory: LoadedInventory,
  pool: SshPool,
  opts: { getSecret: (ref: string) => Promise<string | undefined>; now: () => number },
): Promise<{ schedulers: CheckScheduler[]; jobs: CheckJob[] }> {
  const training = trainingInventoryOf(inventory);
  const nodeFor = (name: string) => inventory.nodes.find((n) => n.name === name);
  const connector = new SlurmConnector({ secret: opts.getSecret, pool, nodeFor, clusters: () => training.clusters, now: opts.now });
  const reads = new Map<string, SchedulerRead>();
  const schedulers = await mapLimit(training.clusters, 8, async (c): Promise<CheckScheduler> => {
    const read = await connector.read(c);
    reads.set(c.cluster, read);
    const base = { name: c.cluster, region: c.region, url: c.scheduler.restd.url };
    if (read.state !== 'ok') return { ...base, health: 'unreachable', reasons: [read.state === 'unreachable' ? read.reason : 'not read'], apiVersion: read.state === 'unreachable' ? read.apiVersion : null, nodes: 0, runningJobs: 0 };
    const reasons = [...c.toSlurm.values()].filter((s) => !read.nodes.some((n) => n.name === s)).map((s) => `Slurm has no node "${s}"`);
    return { ...base, health: reasons.length ? 'degraded' : 'healthy', reasons, apiVersion: read.apiVersion, nodes: read.nodes.length, runningJobs: read.jobs.filter((j) => j.state === 'RUNNING').length };
  });
  const jobsOf = (cluster: string) => {
    const r = reads.get(cluster);
    return r?.state === 'ok' ? r.jobs : [];
  };
  const probe = sshCheckpointProber(pool, nodeFor);
  const signal = new AbortController().signal;
  const jobs = await mapLimit(followedJobs(training, jobsOf), 8, async (job): Promise<CheckJob> => {
    const v = await probe(job, { mtbfHours: null, signal });
    return {
      name: job.name,
      id: job.slurm?.id ?? null,
      cluster: job.cluster.cluster,
      state: job.slurm?.state ?? 'unscheduled',
      health: LEVEL_HEALTH[v.level],
      reasons: v.reasons,
      checkpoint: {
        level: v.level,
        directory: v.directory,
        layout: v.layout,
        newestComplete: v.newestComplete?.name ?? null,
        newestCompleteAgeSeconds: v.newestComplete ? Math.round(v.newestComplete.ageMs / 1000) : null,
        policySeconds: Math.round(v.policyMs / 1000),
      },
      subject: job.slurm ? jobSubject(job.cluster.cluster, job.slurm.id) : null,
    };
  });
  return { schedulers, jobs };
}
