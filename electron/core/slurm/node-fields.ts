/**
 * The node fields both OpenAPI shapes (v0.0.38 and v0.0.39+) carry under the same names: the drain
 * reason with who set it and when, GRES (GPUs) total and in use, CPUs, partitions and features.
 * The state, which the two spell differently, is each parser's own. Features are one
 * comma-separated string in v0.0.38 (`"spare,ib"`, `""` for none: recorded from 22.05) and a list
 * from v0.0.39 (`["spare", "ib"]`, published schema); both shapes are read in either.
 */
import type { SlurmNode } from '../../../shared/slurm';
import { gpusInGres } from './gres';
import { epochMs, listOf, textOrNull, type SlurmNumberIn } from './slurm-values';

export interface NodeFieldsIn {
  reason?: string | null;
  reason_set_by_user?: string | null;
  reason_changed_at?: SlurmNumberIn;
  gres?: string | null;
  gres_used?: string | null;
  cpus?: number | null;
  alloc_cpus?: number | null;
  partitions?: string[] | null;
  features?: string | string[] | null;
  active_features?: string | string[] | null;
}

/** A feature list, each name cleaned and capped (they are shown), blanks dropped. */
function featureList(v: string | string[] | null | undefined): string[] {
  return listOf(v)
    .map((f) => textOrNull(f, 100))
    .filter((f): f is string => f !== null);
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
    features: featureList(raw.features),
    activeFeatures: featureList(raw.active_features),
  };
}
