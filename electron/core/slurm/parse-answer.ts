import type { SlurmApi, SlurmJob, SlurmNode, SlurmPartition } from '../../../shared/slurm';
import { parseItems, type ParsedItems } from './parse-items';
import { JobV0038, jobV0038, NodeV0038, nodeV0038, PartitionV0038, partitionV0038 } from './parse-v0038';
import { JobV0039, jobV0039, NodeV0039, nodeV0039, PartitionV0039, partitionV0039 } from './parse-v0039';

/**
 * The answers of `GET {basePath}/nodes`, `/jobs` and `/partitions` (already checked JSON
 * objects, see classify-answer.ts), parsed with the shapes of the plugin family in use. Pure:
 * the unit tests feed recorded and published answers straight in.
 */
type Family = SlurmApi['family'];

export function parseNodes(json: Record<string, unknown>, family: Family, what = 'GET /nodes'): ParsedItems<SlurmNode> {
  return family === 'v0.0.38' ? parseItems(json, 'nodes', NodeV0038, nodeV0038, what) : parseItems(json, 'nodes', NodeV0039, nodeV0039, what);
}

export function parseJobs(json: Record<string, unknown>, family: Family, what = 'GET /jobs'): ParsedItems<SlurmJob> {
  return family === 'v0.0.38' ? parseItems(json, 'jobs', JobV0038, jobV0038, what) : parseItems(json, 'jobs', JobV0039, jobV0039, what);
}

export function parsePartitions(json: Record<string, unknown>, family: Family, what = 'GET /partitions'): ParsedItems<SlurmPartition> {
  return family === 'v0.0.38'
    ? parseItems(json, 'partitions', PartitionV0038, partitionV0038, what)
    : parseItems(json, 'partitions', PartitionV0039, partitionV0039, what);
}

/** Slurm's release from an answer's `meta` (v0.0.38: meta.Slurm.release; later: meta.slurm.release). */
export function releaseFromMeta(json: Record<string, unknown>): string | null {
  const meta = json.meta;
  if (typeof meta !== 'object' || meta === null) return null;
  const m = meta as Record<string, unknown>;
  for (const key of ['Slurm', 'slurm']) {
    const s = m[key];
    if (typeof s === 'object' && s !== null) {
      const release = (s as Record<string, unknown>).release;
      if (typeof release === 'string' && /^[\w.-]{1,40}$/.test(release)) return release;
    }
  }
  return null;
}
