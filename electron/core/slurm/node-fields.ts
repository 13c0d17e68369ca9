/**
 * The node fields both OpenAPI shapes (v0.0.38 and v0.0.39+) carry under the same names: the drain
 * reason with who set it and when, GRES (GPUs) total and in use, CPUs and partitions. The state,
 * which the two spell differently, is each parser's own.
 */
import type { SlurmNode } from '../../../shared/slurm';
import { gpusInGres } from './gres';
import { epochMs, textOrNull, type SlurmNumberIn } from './slurm-values';

export interface NodeFieldsIn {
  reason?: string | null;
  reason_set_by_user?: string | null;
  reason_changed_at?: SlurmNumberIn;
  gres?: string | null;
  gres_used?: string | null;
  cpus?: number | null;
  alloc_cpus?: number | null;
  partitions?: string[] | null;
}

export function nodeFields(raw: NodeFieldsIn): Omit<SlurmNode, 'name' | 'state' | 'flags' | 'drain' | 'schedulable' | 'stateText'> {
  return {
    reason: textOrNull(raw.reason),
    reasonBy: textOrNull(raw.reason_set_by_user, 100),
    reasonAt: epochMs(raw.reason_changed_at),
    gpusTotal: gpusInGres(raw.gres),
    gpusUsed: gpusInGres(raw.gres_used),
    gres: textOrNull(raw.gres, 200) ?? '',
    gresUsed: textOrNull(raw.gres_used, 200) ?? '',
    cpus: raw.cpus ?? null,
    cpusAllocated: raw.alloc_cpus ?? null,
    partitions: raw.partitions ?? [],
  };
}
