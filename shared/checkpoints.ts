/**
 * Training checkpoints (issue 12): what an inventory job declares about its checkpoints, and the
 * verdict the console reaches from one listing of them (electron/core/checkpoints/).
 *
 * Times in a verdict are epoch milliseconds on the clock of the node that listed the directory:
 * the age of a checkpoint is judged there, so the console's own clock skew does not count.
 */
import { z } from 'zod';
import { InventoryName } from './inventory-name';
import { Duration } from './duration';

const name = InventoryName;

/**
 * Each training stack writes a checkpoint its own way, and each has its own proof of "complete":
 * - `dcp`: PyTorch DCP / torchtitan, `step-N/` with `__R_I.distcp` shards; complete once `.metadata`
 *   exists (written last, by rename).
 * - `deepspeed`: `global_stepN/` plus the `latest` tag file naming the newest complete one (written in
 *   place, without a rename, so the tagged directory's files are checked too).
 * - `megatron`: Megatron-LM `iter_NNNNNNN/` plus `latest_checkpointed_iteration.txt`; a torch_dist
 *   save has `metadata.json` only once complete.
 * - `nemo`: NeMo checkpoints named `…step=N…` (directory or `.ckpt`); a sibling `<name>-unfinished`
 *   marker means the save did not finish.
 * - `files`: plain `step_N.pt` files.
 */
export const CheckpointLayout = z.enum(['dcp', 'deepspeed', 'megatron', 'nemo', 'files']);
export type CheckpointLayout = z.infer<typeof CheckpointLayout>;

/**
 * An absolute path. Any other byte may appear (spaces, quotes, `$(…)`): the listing command takes
 * the directory as one literal word. NUL cannot travel in a command line at all.
 */
export const CheckpointDirectory = z
  .string()
  .min(2)
  .max(4096)
  .regex(/^\//, 'expected an absolute path')
  .refine((path) => !path.includes('\0'), { message: 'a path cannot hold a NUL byte' });

/** One job's checkpoints, as an inventory `jobs:` entry declares them. */
export const CheckpointSpec = z.strictObject({
  /** The job's name in the inventory. */
  name,
  directory: CheckpointDirectory,
  layout: CheckpointLayout,
  /** The policy: a complete checkpoint at least this often ("30m"). */
  every: Duration,
  /** The inventory node that mounts the storage and runs the listing; the lead picks one when absent. */
  node: name.optional(),
});
export type CheckpointSpec = z.infer<typeof CheckpointSpec>;

/** Worse last: ok < unknown < warn < critical (as Health ranks unknown under degraded). */
export const CheckpointLevel = z.enum(['ok', 'warn', 'critical', 'unknown']);
export type CheckpointLevel = z.infer<typeof CheckpointLevel>;

const LEVEL_RANK: Record<CheckpointLevel, number> = { ok: 0, unknown: 1, warn: 2, critical: 3 };

export function checkpointLevelRank(level: CheckpointLevel): number {
  return LEVEL_RANK[level];
}

export function worstCheckpointLevel(levels: readonly CheckpointLevel[]): CheckpointLevel {
  let worst: CheckpointLevel = 'ok';
  for (const level of levels) if (LEVEL_RANK[level] > LEVEL_RANK[worst]) worst = level;
  return worst;
}

/**
 * One checkpoint's state: `complete` (its layout's proof is there and nothing is short), `saving`
 * (not complete, written to recently or growing), `incomplete` (not complete and abandoned),
 * `truncated` (looks complete, but a file is shorter than it was in the checkpoint before, or empty).
 */
export const CheckpointState = z.enum(['complete', 'saving', 'incomplete', 'truncated']);
export type CheckpointState = z.infer<typeof CheckpointState>;

export const CheckpointEntry = z.strictObject({
  /** `step-1200`, `global_step1200`, `iter_0001200`, `…step=1200….ckpt`, `step_1200.pt`. */
  name: z.string(),
  step: z.number().int().nonnegative().nullable(),
  /** `marker`: a NeMo `-unfinished` marker whose checkpoint does not exist yet. */
  kind: z.enum(['dir', 'file', 'marker']),
  state: CheckpointState,
  /** The last write: the newest mtime of the entry, its files and markers (epoch ms). */
  at: z.number(),
  bytes: z.number().nonnegative(),
  files: z.number().int().nonnegative(),
  /** How long its save took, from its own timestamps; null when they cannot tell. */
  saveSeconds: z.number().nonnegative().nullable(),
  /** Why it is not complete, in words: "no .metadata yet", "__3_0.distcp is 1.0 MiB, was 4.0 MiB in step-1100". */
  notes: z.array(z.string()),
});
export type CheckpointEntry = z.infer<typeof CheckpointEntry>;

/** What the node says about the storage under the directory. */
export const CheckpointStorage = z.strictObject({
  /**
   * `mounted`: the directory is there and listable; `missing`: it does not exist (storage not
   * mounted, or the job writes elsewhere); `unavailable`: the path fails (stale NFS handle, FUSE
   * endpoint gone, I/O error); `unreadable`: the listing user may not read it.
   */
  state: z.enum(['mounted', 'missing', 'unavailable', 'unreadable']),
  /** The system's words when not mounted: "Stale file handle". */
  error: z.string().nullable(),
  mountPoint: z.string().nullable(),
  fsType: z.string().nullable(),
  readOnly: z.boolean().nullable(),
  totalBytes: z.number().nonnegative().nullable(),
  /** Free to an unprivileged writer (statfs f_bavail), which is what a trainer gets. */
  availableBytes: z.number().nonnegative().nullable(),
  /** As df computes Use%: used / (used + available). */
  usedFraction: z.number().min(0).max(1).nullable(),
  inodesUsedFraction: z.number().min(0).max(1).nullable(),
});
export type CheckpointStorage = z.infer<typeof CheckpointStorage>;

export const CheckpointFindingCode = z.enum([
  /** The newest complete checkpoint is within 1.5× the policy (level ok). */
  'fresh',
  /** Older than 1.5× (warn) or 3× (critical) the policy. */
  'stale',
  /** No complete checkpoint at all. */
  'none-complete',
  /** A save is under way (level ok): informative. */
  'saving',
  /** A save newer than the newest complete checkpoint stopped before finishing. */
  'incomplete',
  /** A checkpoint newer than the newest intact one has its proof of completion but a short or empty file. */
  'truncated',
  /** The newest complete checkpoint is under half the median size of the ones before it. */
  'shrunk',
  /** DeepSpeed's `latest` / Megatron's tracker file is missing, empty, or names a missing directory. */
  'tag-broken',
  'storage-full',
  'read-only',
  'not-mounted',
  'unreadable',
  /** Checkpoint times are ahead of the node's clock (the file server's clock differs). */
  'clock-skew',
  /** The listing itself failed (timeout, SSH, unparseable output): nothing could be judged. */
  'listing-failed',
]);
export type CheckpointFindingCode = z.infer<typeof CheckpointFindingCode>;

export const CheckpointFinding = z.strictObject({
  code: CheckpointFindingCode,
  level: CheckpointLevel,
  message: z.string(),
});
export type CheckpointFinding = z.infer<typeof CheckpointFinding>;

/** A directory entry of the newest few, whatever its name (hostile names included, unescaped). */
export const CheckpointDirEntry = z.strictObject({
  name: z.string(),
  kind: z.enum(['dir', 'file', 'link', 'other']),
  bytes: z.number().nonnegative(),
  at: z.number(),
});
export type CheckpointDirEntry = z.infer<typeof CheckpointDirEntry>;

/** One job's checkpoints, judged from one listing. */
export const CheckpointVerdict = z.strictObject({
  job: z.string(),
  directory: z.string(),
  layout: CheckpointLayout,
  /** The node the listing ran on; null when it did not run. */
  node: z.string().nullable(),
  /** The worst finding's level. */
  level: CheckpointLevel,
  /** The findings' messages, worst first: "newest complete checkpoint step-1200 is 52 min old (policy 30 min)". */
  reasons: z.array(z.string()),
  findings: z.array(CheckpointFinding),
  /** The node's clock when it listed (epoch ms); null when the listing failed. */
  checkedAt: z.number().nullable(),
  policyMs: z.number().positive(),
  newestComplete: z
    .strictObject({ name: z.string(), step: z.number().int().nullable(), at: z.number(), bytes: z.number(), ageMs: z.number() })
    .nullable(),
  /** The save under way, if any. */
  saving: z.strictObject({ name: z.string(), step: z.number().int().nullable(), at: z.number(), bytes: z.number(), files: z.number().int() }).nullable(),
  /** Median save time of the complete checkpoints, from their own timestamps. */
  saveSeconds: z.number().nullable(),
  storage: CheckpointStorage.nullable(),
  /** The newest checkpoints of the layout, newest first (at most 9, and up to 8 lone NeMo markers). */
  checkpoints: z.array(CheckpointEntry),
  /** The newest entries of the directory whatever their names (at most 8), newest first. */
  recent: z.array(CheckpointDirEntry),
  /** How many entries the directory holds; null when unknown. */
  entryCount: z.number().int().nullable(),
});
export type CheckpointVerdict = z.infer<typeof CheckpointVerdict>;

