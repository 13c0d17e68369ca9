/**
 * The jobs whose checkpoints the console lists: the inventory's `jobs:` (matched to a Slurm job of
 * their cluster by name), and Slurm jobs whose comment says `fleetops:ckpt=PATH` (optionally
 * `fleetops:layout=…` and `fleetops:every=…`; default layout dcp, every 30m). Each is listed on a
 * node that mounts the storage: the one named, else the job's first node, else the scheduler's
 * control node.
 */
import { parseDurationMs } from '../../../shared/duration';
import type { InventoryJob } from '../../../shared/inventory';
import { ACTIVE_JOB_STATES, type SlurmJobIn } from './join-training';
import type { TrainingCluster, TrainingInventory } from './training-inventory';

export type CheckpointLayout = InventoryJob['checkpoint']['layout'];
const LAYOUTS: readonly CheckpointLayout[] = ['dcp', 'deepspeed', 'megatron', 'nemo', 'files'];

export interface FollowedJob {
  /** Stable across polls: `inventory:<name>` or `comment:<cluster>/<id>`. */
  key: string;
  cluster: TrainingCluster;
  /** The Slurm job it is now, if Slurm lists one. */
  slurm: SlurmJobIn | null;
  /** The inventory's name, or the Slurm job's. */
  name: string;
  directory: string;
  layout: CheckpointLayout;
  /** The policy, as written ("30m"), and in ms. */
  every: string;
  everyMs: number;
  /** Where the listing runs; null when no node is known (nothing to list from). */
  node: string | null;
}

const DEFAULT_EVERY = '30m';
const DEFAULT_EVERY_MS = 30 * 60_000;

export function followedJobs(training: TrainingInventory, jobsOf: (cluster: string) => readonly SlurmJobIn[]): FollowedJob[] {
  const out: FollowedJob[] = [];
  const claimed = new Set<string>();
  for (const j of training.jobs) {
    const cluster = training.clusters.find((c) => c.cluster === j.cluster);
    if (!cluster) continue;
    const wanted = j.slurmJob ?? j.name;
    // The newest active one of that name (a requeued job keeps its id; a resubmitted one does not).
    const candidates = jobsOf(j.cluster).filter((s) => s.name === wanted);
    const slurm = candidates.find((s) => ACTIVE_JOB_STATES.has(s.state)) ?? candidates[candidates.length - 1] ?? null;
    if (slurm) claimed.add(`${j.cluster}/${slurm.id}`);
    out.push({ key: `inventory:${j.name}`, cluster, slurm, name: j.name, directory: j.checkpoint.directory, layout: j.checkpoint.layout, every: j.checkpoint.every, everyMs: parseDurationMs(j.checkpoint.every) ?? DEFAULT_EVERY_MS, node: j.checkpoint.node ?? firstNode(cluster, slurm) });
  }
  for (const cluster of training.clusters) {
    for (const s of jobsOf(cluster.cluster)) {
      if (claimed.has(`${cluster.cluster}/${s.id}`) || !ACTIVE_JOB_STATES.has(s.state)) continue;
      const directory = s.checkpointPath;
      if (directory === null) continue;
      const layout = /fleetops:layout=([a-z]+)/.exec(s.comment ?? '')?.[1] as CheckpointLayout | undefined;
      const given = /fleetops:every=(\d+[smhd])/.exec(s.comment ?? '')?.[1];
      const every = given !== undefined && parseDurationMs(given) !== null ? given : DEFAULT_EVERY;
      out.push({
        key: `comment:${cluster.cluster}/${s.id}`,
        cluster,
        slurm: s,
        name: s.name,
        directory,
        layout: layout && LAYOUTS.includes(layout) ? layout : 'dcp',
        every,
        everyMs: parseDurationMs(every) ?? DEFAULT_EVERY_MS,
        node: firstNode(cluster, s),
      });
    }
  }
  return out;
}

function firstNode(c: TrainingCluster, s: SlurmJobIn | null): string | null {
  const first = s?.nodes[0];
  if (first !== undefined) return c.toInventory.get(first) ?? null;
  return c.scheduler.controlVia;
}
