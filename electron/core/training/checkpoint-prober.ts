/**
 * A followed job's checkpoints, listed over SSH on a node that mounts the storage (one exec per
 * job per cycle) and judged; the listing is kept as the next cycle's `previous`, so a save that
 * grew since is recognised as in progress. Young's suggested interval goes beside the policy.
 */
import type { ResolvedNode } from '../../../shared/inventory';
import type { CheckpointStatus } from '../../../shared/training';
import { checkCheckpoints } from '../checkpoints/probe-checkpoints';
import type { CheckpointListing } from '../checkpoints/listing';
import { youngIntervalSeconds } from '../checkpoints/young-interval';
import { sshTargetFor } from '../fleet/probe-node';
import type { SshPool } from '../ssh/pool';
import type { CheckpointProber } from './training-feature';

/** A hung NFS mount must not hold a cycle for long: the verdict says the listing timed out. */
const LISTING_TIMEOUT_MS = 20_000;

export function sshCheckpointProber(pool: Pick<SshPool, 'exec'>, nodeFor: (name: string) => ResolvedNode | undefined): CheckpointProber {
  const previous = new Map<string, CheckpointListing>();
  return async (job, { mtbfHours }) => {
    const spec = { name: job.name, directory: job.directory, layout: job.layout, every: job.every, node: job.node ?? undefined };
    const node = job.node === null ? undefined : nodeFor(job.node);
    const exec = async (command: string) => {
      if (!node) throw new Error(job.node === null ? 'no node to list it from (the job runs nowhere and the inventory names none)' : `node ${job.node} is not in the inventory`);
      return pool.exec(sshTargetFor(node), command, { timeoutMs: LISTING_TIMEOUT_MS });
    };
    const { listing, verdict } = await checkCheckpoints(exec, spec, { node: job.node ?? undefined, jobStartedAtMs: job.slurm?.startAt ?? undefined, previous: previous.get(job.key) });
    if (listing) previous.set(job.key, listing);
    const young = verdict.saveSeconds !== null && mtbfHours !== null ? youngIntervalSeconds(verdict.saveSeconds, mtbfHours * 3600) : null;
    const status: CheckpointStatus = { ...verdict, mtbfHours, suggestedIntervalMs: young === null ? null : Math.round(young * 1000) };
    return status;
  };
}
