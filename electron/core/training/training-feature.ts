/**
 * Training clusters (issue 12) as a feature: each scheduler read on its own cadence (slurmrestd;
 * down or refusing → "unreachable" with the reason, nothing else breaks), each followed job's
 * checkpoints listed by one SSH command per cycle, and the two joined with the console's own
 * node verdicts into `training.overview`, pushed as `training.updated` when it changes.
 */
import type Database from 'better-sqlite3';
import type { PushEvent } from '../../../shared/contract';
import { toErrorData } from '../../../shared/errors';
import type { CheckpointStatus, TrainingJob, TrainingNode, TrainingOverview } from '../../../shared/training';
import type { CoreFeature, FeatureDefinition, Push } from '../feature';
import type { LoadedInventory } from '../inventory/load-inventory';
import { ProbeScheduler, realTimers, type Timers } from '../probe/scheduler';
import type { AppendEventInput } from '../store/open-store';
import { FleetFailures } from './fleet-failures';
import { SharedObservations } from './shared-observations';
import { followedJobs, type FollowedJob } from './followed-jobs';
import { joinJob, joinNodes, schedulerStatus, type NodeVerdict, type SchedulerRead, type SlurmJobIn } from './join-training';
import { jobSubject, schedulerChanges } from './slurm-changes';
import { trainingInventoryOf, type TrainingCluster, type TrainingInventory } from './training-inventory';

export const TRAINING: FeatureDefinition = { name: 'training', migrations: [] };

/** Reads one cluster's scheduler; resolves `unreachable` rather than throwing for a server that will not answer. */
export type SchedulerReader = (cluster: TrainingCluster, signal: AbortSignal) => Promise<SchedulerRead>;

/** Lists one job's checkpoints and judges them; `mtbfHours` is the job's own (the fleet's per node ÷ its nodes). */
export type CheckpointProber = (job: FollowedJob, ctx: { mtbfHours: number | null; signal: AbortSignal }) => Promise<CheckpointStatus>;

export interface TrainingNeeds {
  db: Database.Database;
  inventory: () => LoadedInventory | null;
  verdict: (node: string) => NodeVerdict | undefined;
  readScheduler: SchedulerReader;
  probeCheckpoint: CheckpointProber;
  subscribe: (listener: (e: PushEvent) => void) => () => void;
  record: (e: AppendEventInput) => void;
  push: Push;
  now: () => number;
  timers?: Timers;
  /** How often each job's checkpoints are listed at most (default 60 s; a quarter of its policy when shorter) and the overview republished (default 1 s). */
  checkpointEveryMs?: number;
  publishEveryMs?: number;
}

const DEFAULT_SCHEDULER_INTERVAL_S = 15;

export interface TrainingFeature extends CoreFeature<'training.overview'> {
  overview(): TrainingOverview;
  /** Reads every scheduler and lists every job's checkpoints now (tests, `fleetops check`). */
  refreshNow(): Promise<void>;
  /** Reads every scheduler now (a plan with Slurm steps is made against Slurm as it is). */
  readSchedulersNow(): Promise<void>;
}

export function trainingFeature(needs: TrainingNeeds): TrainingFeature {
  const timers = needs.timers ?? realTimers;
  const failures = new FleetFailures(needs.db);
  const observed = new SharedObservations(needs.db);
  const reads = new Map<string, SchedulerRead>();
  const checkpoints = new Map<string, CheckpointStatus>();
  const stopping = new AbortController();
  let training: TrainingInventory = trainingInventoryOf(null);
  let inventoryKey = '';
  let dirty = true;
  let lastPushed = '';
  let publishTimer: unknown = null;
  let unsubscribe: (() => void) | null = null;
  let listed = new Set<string>();

  const jobsOf = (cluster: string): readonly SlurmJobIn[] => {
    const r = reads.get(cluster);
    return r?.state === 'ok' ? r.jobs : [];
  };
  const followed = () => followedJobs(training, jobsOf);

  const pollScheduler = async (key: string): Promise<void> => {
    const c = training.clusters.find((x) => x.cluster === key);
    if (!c) return;
    let next: SchedulerRead;
    try {
      next = await needs.readScheduler(c, stopping.signal);
    } catch (err) {
      const e = toErrorData(err);
      next = { state: 'unreachable', at: needs.now(), code: e.code, reason: e.message, apiVersion: null };
    }
    if (stopping.signal.aborted || !training.clusters.includes(c)) return;
    const windowMs = 1.5 * (c.scheduler.intervalSeconds ?? DEFAULT_SCHEDULER_INTERVAL_S) * 1000;
    for (const e of schedulerChanges(c, reads.get(key), next, needs.now())) observed.recordOnce(e, windowMs, needs.record);
    reads.set(key, next);
    dirty = true;
    syncCheckpointSubjects();
  };

  const probeJob = async (key: string): Promise<void> => {
    const job = followed().find((j) => j.key === key);
    if (!job) return;
    const mtbfHours = failures.jobMtbfHours(allTrainingNodes(), Math.max(1, job.slurm?.nodes.length ?? 1), needs.now());
    let status: CheckpointStatus;
    try {
      status = await needs.probeCheckpoint(job, { mtbfHours, signal: stopping.signal });
    } catch (err) {
      status = unknownCheckpoint(job, `cannot list ${job.directory}${job.node ? ` on ${job.node}` : ''}: ${toErrorData(err).message}`);
    }
    if (stopping.signal.aborted) return;
    checkpoints.set(key, status);
    dirty = true;
  };

  const schedulers = new ProbeScheduler({ concurrency: 4, run: pollScheduler, timers });
  const listings = new ProbeScheduler({ concurrency: 2, run: probeJob, timers });

  function allTrainingNodes(): string[] {
    return training.clusters.flatMap((c) => [...c.toSlurm.keys()]);
  }

  function syncCheckpointSubjects(): void {
    const jobs = followed();
    const known = new Set(jobs.map((j) => j.key));
    for (const k of [...checkpoints.keys()]) if (!known.has(k)) checkpoints.delete(k);
    // A job seen for the first time is listed at once; the others keep their cadence.
    const fresh = jobs.filter((j) => !listed.has(j.key));
    listed = known;
    listings.setSubjects(jobs.map((j) => ({ key: j.key, intervalMs: listingIntervalMs(j.everyMs, needs.checkpointEveryMs) })));
    for (const j of fresh) listings.runSoon(j.key);
  }

  function applyInventory(): void {
    const inv = needs.inventory();
    const key = JSON.stringify([inv?.file.regions.map((r) => r.clusters.map((c) => [c.name, c.role, c.scheduler, c.nodes.map((n) => [n.name, n.slurmName])])), inv?.file.jobs]);
    if (key === inventoryKey) return;
    inventoryKey = key;
    training = trainingInventoryOf(inv);
    const clusters = new Set(training.clusters.map((c) => c.cluster));
    for (const k of [...reads.keys()]) if (!clusters.has(k)) reads.delete(k);
    schedulers.setSubjects(training.clusters.map((c) => ({ key: c.cluster, intervalMs: (c.scheduler.intervalSeconds ?? DEFAULT_SCHEDULER_INTERVAL_S) * 1000 })));
    for (const c of training.clusters) if (!reads.has(c.cluster)) schedulers.runSoon(c.cluster);
    syncCheckpointSubjects();
    dirty = true;
  }

  function overview(): TrainingOverview {
    const now = needs.now();
    const nodes: TrainingNode[] = [];
    const jobs: TrainingJob[] = [];
    const statusOf = new Map<string, CheckpointStatus>();
    const byJob = new Map<string, FollowedJob>();
    for (const f of followed()) {
      const s = checkpoints.get(f.key);
      if (s) statusOf.set(f.key, s);
      if (f.slurm) byJob.set(`${f.cluster.cluster}/${f.slurm.id}`, f);
    }
    for (const c of training.clusters) {
      const read = reads.get(c.cluster);
      if (read?.state !== 'ok') continue;
      const joined = joinNodes(c, read, needs.verdict);
      nodes.push(...joined);
      const byName = new Map(joined.map((n) => [n.node, n]));
      for (const j of read.jobs) {
        const f = byJob.get(`${c.cluster}/${j.id}`);
        const job = joinJob(c, j, byName, { checkpoint: f ? (statusOf.get(f.key) ?? null) : null, interruptions: failures.interruptionsOf(jobSubject(c.cluster, j.id)), now });
        jobs.push(f && f.name !== j.name ? { ...job, name: `${f.name} (${j.name})` } : job);
      }
    }
    // Jobs the inventory follows that Slurm does not list (finished, not yet submitted, or the scheduler is unreachable).
    for (const f of followed()) {
      if (f.slurm) continue;
      jobs.push({ id: f.key, name: f.name, region: f.cluster.region, cluster: f.cluster.cluster, state: 'unscheduled', user: null, nodes: [], gpus: 0, startedAt: null, timeLimitMinutes: null, restarts: 0, checkpoint: statusOf.get(f.key) ?? null, workAtRiskGpuHours: null, interruptions: 0, atRisk: [] });
    }
    return { schedulers: training.clusters.map((c) => schedulerStatus(c, reads.get(c.cluster) ?? { state: 'pending' })), nodes, jobs, unscheduled: training.unscheduled };
  }

  function publish(): void {
    publishTimer = timers.setTimeout(publish, needs.publishEveryMs ?? 1000);
    if (!dirty) return;
    dirty = false;
    const next = overview();
    // Work at risk grows every second: compare without it, or every tick would push.
    const key = JSON.stringify({ ...next, jobs: next.jobs.map((j) => ({ ...j, workAtRiskGpuHours: null })) });
    if (key === lastPushed) return;
    lastPushed = key;
    needs.push('training.updated', next);
  }

  return {
    ...TRAINING,
    handlers: { 'training.overview': async () => overview() },
    services: [
      {
        name: 'training schedulers',
        start() {
          applyInventory();
          unsubscribe = needs.subscribe((e) => {
            if (e.event === 'inventory.changed') applyInventory();
            // A node's verdict changes the join (disagreements, jobs at risk).
            if (e.event === 'nodes.updated') dirty = true;
          });
          schedulers.start();
          listings.start();
          publish();
        },
        stop() {
          stopping.abort();
          unsubscribe?.();
          schedulers.stop();
          listings.stop();
          if (publishTimer !== null) timers.clearTimeout(publishTimer);
        },
      },
    ],
    overview,
    async refreshNow() {
      applyInventory();
      await Promise.all(training.clusters.map((c) => pollScheduler(c.cluster)));
      await Promise.all(followed().map((j) => probeJob(j.key)));
    },
    async readSchedulersNow() {
      applyInventory();
      await Promise.all(training.clusters.map((c) => pollScheduler(c.cluster)));
    },
  };
}

/**
 * How often a job's checkpoints are listed: a quarter of its policy, so a stale checkpoint shows
 * well before the next save is due; at most every `ceilingMs` (default a minute) and at least
 * every 2 s (a listing is one SSH exec, but one per job).
 */
export function listingIntervalMs(policyMs: number, ceilingMs = 60_000): number {
  return Math.max(Math.min(2_000, ceilingMs), Math.min(ceilingMs, Math.round(policyMs / 4)));
}

function unknownCheckpoint(job: FollowedJob, reason: string): CheckpointStatus {
  return {
    job: job.name, directory: job.directory, layout: job.layout, node: job.node, level: 'unknown', reasons: [reason], findings: [{ code: 'listing-failed', level: 'unknown', message: reason }],
    checkedAt: null, policyMs: job.everyMs, newestComplete: null, saving: null, saveSeconds: null, storage: null, checkpoints: [], recent: [], entryCount: null, mtbfHours: null, suggestedIntervalMs: null,
  };
}
