/**
 * The lab's training side (issue 12): when Slurm is installed (and the lab runs as root), each
 * training cluster runs under a real Slurm of its own (lab-slurm.ts: one `slurmd -N NODE` per lab
 * training node, its GPUs as GRES, slurmrestd with JWT), with a few running lab jobs (`sbatch` of
 * a long sleep), and the lab's `lab-pretrain` job writes real DCP-like checkpoints
 * (checkpoints/lab-writer.ts) under DIR/ckpt at a fraction of its policy, with the writer's
 * faults injectable. Otherwise the lab has no scheduler, and says why.
 *
 * Spare nodes (the lab's `spareNodes`) run a slurmd too, in the default partition and in partition
 * `spare`, with the node feature `spare`, drained ("fleetops spare") from the start: no lab job
 * lands there until a runbook resumes one (promote-spare-node). The warm one is then known as a
 * spare from Slurm alone; the cold one is also marked `spare: { mode: cold }` in the inventory.
 * Without Slurm both are marked there (lab-files.ts).
 *
 * What the console needs goes into the lab's inventory (each cluster's `scheduler:` with its
 * controlVia node and SLURM_CONF, the followed job under `jobs:`), except the REST tokens: they
 * stay in this process, handed to the console's secret store in-process (`secret(ref)`).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FleetError } from '../../../shared/errors';
import type { InventoryFile } from '../../../shared/inventory';
import type { LabJobFaultKind, LabTraining } from '../../../shared/status';
import { startLabWriter, type LabWriter } from '../checkpoints/lab-writer';
import type { FakeHost } from './fake-host';
import type { LabNodeEndpoint } from './lab-files';
import { findSlurm, SLURM_INSTALL_HINT, SLURM_SEARCH_DIRS, startLabSlurm, type LabSlurm } from './lab-slurm';
import { listingHandler, scontrolHandler } from './training-commands';

export interface LabTrainingOptions {
  /** false: no Slurm even where it is installed. Default true. */
  slurm?: boolean;
  /** Where Slurm's programs are looked for (a directory without them simulates a machine without Slurm). */
  slurmSearchDirs?: readonly string[];
  /** How many of the training clusters run a Slurm, in inventory order. Default all. */
  clusters?: number;
  /** The followed job's checkpoint policy (`every:`). Default 20 s: staleness shows within a minute. */
  checkpointEverySeconds?: number;
  /** How often the writer saves. Default a quarter of the policy. */
  writerIntervalMs?: number;
}

export interface LabTrainingSide {
  info(): LabTraining;
  /** The inventory with each Slurm cluster's `scheduler:` and the followed job added. */
  addToInventory(inventory: InventoryFile): InventoryFile;
  /** A REST token by its tokenRef; undefined for any other ref. */
  secret(ref: string): string | undefined;
  /** The Slurm of a training cluster (tests ask it directly). */
  slurmOf(cluster: string): LabSlurm | undefined;
  /** Turns a writer fault on or off; whether anything changed. NOT_FOUND for a job the lab does not run. */
  setJobFault(job: string, kind: LabJobFaultKind, active: boolean): Promise<boolean>;
  stop(): Promise<void>;
}

export const LAB_PRETRAIN_JOB = 'lab-pretrain';
/** The Slurm partition and node feature of the lab's spare nodes (the inventory's defaults too). */
export const LAB_SPARE_PARTITION = 'spare';
export const LAB_SPARE_FEATURE = 'spare';
/** Why the lab's spare nodes start drained (what promote-spare-node's rollback drains them with again). */
export const LAB_SPARE_DRAIN_REASON = 'fleetops spare';
const TOKEN_LIFESPAN_S = 7 * 86_400;

interface ClusterSlurm {
  cluster: string;
  controlVia: string;
  slurm: LabSlurm;
  tokenRef: string;
  /** The fewest GPUs a working node of the cluster has: what a job may ask per node. */
  gpusPerNode: number;
  /** Its working nodes (the default partition), where the lab jobs run. */
  workingNodes: number;
  /** Its spare nodes, by name. */
  spares: ReadonlyMap<string, 'warm' | 'cold'>;
}

interface LabJob {
  name: string;
  cluster: string;
  node: string;
  directory: string;
  everySeconds: number;
  writerIntervalMs: number;
  writer: LabWriter;
}

/** Why this lab cannot run Slurm, or null when it can. */
function noSlurmReason(opts: LabTrainingOptions): string | null {
  if (opts.slurm === false) return 'Slurm is disabled for this lab';
  const found = findSlurm(opts.slurmSearchDirs ?? SLURM_SEARCH_DIRS);
  if (!found.binaries) return `Slurm is not installed (missing ${found.missing.join(', ')}; ${SLURM_INSTALL_HINT})`;
  if (process.getuid?.() !== 0) return 'the lab runs Slurm only as root (munged, slurmd and slurmctld need it)';
  return null;
}

export async function startLabTraining(ctx: {
  dir: string;
  endpoints: readonly LabNodeEndpoint[];
  hosts: ReadonlyMap<string, FakeHost>;
  /** slurmrestd is read this often (the inventory's `intervalSeconds`). */
  schedulerIntervalSeconds: number;
  options: LabTrainingOptions;
}): Promise<LabTrainingSide> {
  const { options } = ctx;
  const ckptRoot = join(ctx.dir, 'ckpt');
  await mkdir(ckptRoot, { recursive: true, mode: 0o700 });
  // Every node lists the lab's own checkpoints (a shared filesystem, as a training cluster mounts one).
  for (const host of ctx.hosts.values()) host.setHandler('checkpoint-listing', listingHandler(ckptRoot));

  const clusters = new Map<string, LabNodeEndpoint[]>();
  for (const e of ctx.endpoints) if (e.role === 'training') clusters.set(e.cluster, [...(clusters.get(e.cluster) ?? []), e]);
  const wanted = [...clusters].slice(0, options.clusters ?? clusters.size);

  let reason = wanted.length === 0 ? 'the lab has no training nodes' : noSlurmReason(options);
  const slurms: ClusterSlurm[] = [];
  const jobs: LabJob[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(jobs.map((j) => j.writer.stop()));
    await Promise.all(slurms.map((s) => s.slurm.stop()));
    for (const host of ctx.hosts.values()) {
      host.setHandler('checkpoint-listing', null);
      host.setHandler('scontrol', null);
    }
  };

  if (reason === null) {
    const started = await Promise.allSettled(
      wanted.map(async ([cluster, nodes]) => {
        const working = nodes.filter((n) => !n.spare);
        // A spare is in the default partition too, drained until a runbook resumes it (promote-spare-node).
        const specs = nodes.map((n) => (n.spare ? { name: n.name, gpus: n.gpuCount, alsoPartitions: [LAB_SPARE_PARTITION], features: [LAB_SPARE_FEATURE], drainReason: LAB_SPARE_DRAIN_REASON } : { name: n.name, gpus: n.gpuCount }));
        const slurm = await startLabSlurm({ nodes: specs, clusterName: cluster, tokenLifespanSeconds: TOKEN_LIFESPAN_S });
        slurms.push({
          cluster,
          controlVia: working[0].name,
          slurm,
          tokenRef: `lab-slurm-${cluster}`,
          gpusPerNode: Math.min(...working.map((n) => n.gpuCount)),
          workingNodes: working.length,
          spares: new Map(nodes.flatMap((n) => (n.spare ? [[n.name, n.spare] as const] : []))),
        });
      }),
    );
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      // A lab without a scheduler is still a lab: say why instead of refusing to start.
      await stop();
      slurms.length = 0;
      reason = `Slurm did not start: ${String((failed.reason as Error)?.message ?? failed.reason).split('\n')[0]}`;
    }
  }
  slurms.sort((a, b) => wanted.findIndex(([c]) => c === a.cluster) - wanted.findIndex(([c]) => c === b.cluster));

  try {
    for (const s of slurms) {
      const scontrol = s.slurm.binaries.scontrol;
      ctx.hosts.get(s.controlVia)?.setHandler('scontrol', scontrolHandler({ confFile: s.slurm.confFile, nodeNames: s.slurm.nodeNames, run: (argv) => s.slurm.run(scontrol, argv) }));
    }
    const first = slurms[0];
    if (first) {
      const everySeconds = options.checkpointEverySeconds ?? 20;
      const writerIntervalMs = options.writerIntervalMs ?? Math.max(500, Math.round((everySeconds * 1000) / 4));
      const directory = join(ckptRoot, LAB_PRETRAIN_JOB);
      await mkdir(directory, { recursive: true, mode: 0o700 });
      // Two ranks of 2 MiB: a quarter-size shard is short by more than the probe's 1 MiB slack,
      // and the three kept checkpoints stay around 12 MiB.
      const writer = startLabWriter({ directory, intervalMs: writerIntervalMs, initialDelayMs: 0, shards: 2, saveMs: Math.round(writerIntervalMs / 5) });
      jobs.push({ name: LAB_PRETRAIN_JOB, cluster: first.cluster, node: first.controlVia, directory, everySeconds, writerIntervalMs, writer });
      await submitLabJobs(slurms);
    }
  } catch (err) {
    await stop();
    throw err;
  }

  const jobNamed = (name: string): LabJob => {
    const job = jobs.find((j) => j.name === name);
    if (!job) throw new FleetError('NOT_FOUND', `the lab runs no training job "${name}"${jobs.length ? ` (it runs ${jobs.map((j) => j.name).join(', ')})` : `: ${reason ?? 'no scheduler'}`}`, { subject: name });
    return job;
  };
  let stopping: Promise<void> | null = null;
  return {
    info: () => ({
      schedulers: slurms.map((s) => ({ cluster: s.cluster, url: s.slurm.url, controlVia: s.controlVia, nodes: [...s.slurm.nodeNames] })),
      reason,
      jobs: jobs.map((j) => {
        const st = j.writer.status();
        return { name: j.name, cluster: j.cluster, directory: j.directory, everySeconds: j.everySeconds, writerIntervalSeconds: j.writerIntervalMs / 1000, faults: [...st.faults], lastComplete: st.lastComplete, saves: st.saves, failures: st.failures, lastError: st.lastError?.message ?? null };
      }),
    }),
    addToInventory: (inventory) => addToInventory(inventory, slurms, jobs, ctx.schedulerIntervalSeconds),
    secret: (ref) => slurms.find((s) => s.tokenRef === ref)?.slurm.token,
    slurmOf: (cluster) => slurms.find((s) => s.cluster === cluster)?.slurm,
    async setJobFault(name, kind, active) {
      const job = jobNamed(name);
      const before = job.writer.status().faults.includes(kind);
      await job.writer.setFault(kind, active);
      return before !== active;
    },
    stop: () => (stopping ??= stop()),
  };
}

/**
 * The lab's running jobs: on the first cluster `lab-pretrain` over two nodes (four GPUs each) and
 * `lab-finetune` on one (two GPUs), so a drained node's job has room elsewhere in a cluster of
 * three or more; one `lab-sweep` on each other cluster. A batch script that sleeps is all a job
 * needs to hold its nodes and GPUs.
 */
async function submitLabJobs(slurms: readonly ClusterSlurm[]): Promise<void> {
  const sleep = ['--wrap', 'exec sleep 10000000'];
  const gpus = (want: number, s: ClusterSlurm) => `--gres=gpu:${Math.max(1, Math.min(want, s.gpusPerNode))}`;
  const [first, ...others] = slurms;
  // Counted on the working nodes only: a spare node is drained until it is promoted.
  await first.slurm.sbatch(['-J', LAB_PRETRAIN_JOB, '-N', String(Math.min(2, first.workingNodes)), gpus(4, first), ...sleep]);
  await first.slurm.sbatch(['-J', 'lab-finetune', '-N', '1', gpus(2, first), ...sleep]);
  for (const s of others) await s.slurm.sbatch(['-J', 'lab-sweep', '-N', '1', gpus(2, s), ...sleep]);
}

/** What the inventory needs of one cluster's lab Slurm. */
export type InventorySlurm = Pick<ClusterSlurm, 'cluster' | 'controlVia' | 'tokenRef' | 'spares'> & { slurm: Pick<LabSlurm, 'url' | 'user' | 'confFile'> };
/** What the inventory needs of one followed lab job. */
export type InventoryJob = Pick<LabJob, 'name' | 'cluster' | 'directory' | 'everySeconds' | 'node'>;

/** The inventory with each Slurm cluster's `scheduler:` (and its spares) and the followed jobs; exported for tests. */
export function addToInventory(inventory: InventoryFile, slurms: readonly InventorySlurm[], jobs: readonly InventoryJob[], intervalSeconds: number): InventoryFile {
  const regions = inventory.regions.map((r) => ({
    ...r,
    clusters: r.clusters.map((c) => {
      const s = slurms.find((x) => x.cluster === c.name);
      if (!s) return c;
      return {
        ...c,
        // Slurm's spare partition says which node is a warm spare; a cold one is still said here.
        nodes: c.nodes.map(({ spare, ...n }) => (spare && s.spares.get(n.name) !== 'warm' ? { ...n, spare } : n)),
        scheduler: {
          kind: 'slurm' as const,
          restd: { url: s.slurm.url, user: s.slurm.user, tokenRef: s.tokenRef },
          controlVia: s.controlVia,
          scontrol: { env: { SLURM_CONF: s.slurm.confFile } },
          intervalSeconds,
          ...(s.spares.size ? { spares: { partition: LAB_SPARE_PARTITION, feature: LAB_SPARE_FEATURE } } : {}),
        },
      };
    }),
  }));
  const followed = jobs.map((j) => ({ name: j.name, cluster: j.cluster, checkpoint: { directory: j.directory, layout: 'dcp' as const, every: `${j.everySeconds}s`, node: j.node } }));
  return { ...inventory, regions, ...(followed.length ? { jobs: followed } : {}) };
}
