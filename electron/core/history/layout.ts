/**
 * What one stored sample of each kind of subject holds, field by field, in storage order (the
 * order of shared/history.ts's metric enums). GPU readings ride in their node's sample: one row
 * per node probe, not eight, which halves what a GPU costs on disk (see codec.ts).
 */
import {
  GpuMetric,
  HISTORY_FIELDS,
  LbServerMetric,
  NodeMetric,
  ReplicaMetric,
  type HistoryField,
  type HistoryKind,
} from '../../../shared/history';

export interface Layout {
  kind: HistoryKind;
  names: readonly string[];
  fields: readonly HistoryField[];
  /**
   * Per numeric field, how much finer than a sample the rollup's mean is stored: 10 (a tenth of
   * a degree, a watt, a percent) where a sample's unit is coarse, 1 where it is already fine
   * (1 MiB, 1 MHz, 0.1 ms): a byte less per mean. Part of the stored format: never change one.
   */
  meanScale: readonly number[];
  /**
   * The fields whose rollups keep a quantile sketch (numeric fields marked `quantiles`, the
   * latencies), in field order. Stored after the rest of a rollup (codec.ts): a field may join
   * later without breaking older rows, whose points then have no p50/p95.
   */
  sketched: readonly number[];
  /** Nodes: the layout of each GPU's part. */
  gpu: Layout | null;
}

function layout<M extends string>(kind: HistoryKind, names: readonly M[], fields: Record<M, HistoryField>, fine: readonly M[], gpu: Layout | null = null): Layout {
  // codec.ts packs two bits per field into one 31-bit mask.
  if (names.length > 15) throw new Error(`history layout ${kind}: at most 15 fields`);
  // codec.ts stores sketches after a subject's own rollup, not inside its GPUs' parts.
  if (gpu && gpu.sketched.length > 0) throw new Error(`history layout ${kind}: its GPUs' fields cannot keep quantiles`);
  const list = names.map((n) => fields[n]);
  const sketched = list.flatMap((f, i) => (f.type === 'numeric' && f.quantiles ? [i] : []));
  return { kind, names, fields: list, meanScale: names.map((n) => (fine.includes(n) ? 1 : 10)), sketched, gpu };
}

export const GPU_LAYOUT = layout('gpu', GpuMetric.options, HISTORY_FIELDS.gpu, ['memoryUsedMiB', 'smClockMHz']);
export const NODE_LAYOUT = layout('node', NodeMetric.options, HISTORY_FIELDS.node, ['latencyMs'], GPU_LAYOUT);
export const REPLICA_LAYOUT = layout('replica', ReplicaMetric.options, HISTORY_FIELDS.replica, ['healthLatencyMs', 'completionLatencyMs']);
export const LB_SERVER_LAYOUT = layout('lbServer', LbServerMetric.options, HISTORY_FIELDS.lbServer, []);

/** Subjects as stored (history_subjects.kind): a GPU is stored with its node. Append only. */
export type SubjectKind = 'node' | 'replica' | 'lbServer';
export const SUBJECT_KIND_CODE: Record<SubjectKind, number> = { node: 1, replica: 2, lbServer: 3 };
export const SUBJECT_LAYOUT: Record<SubjectKind, Layout> = { node: NODE_LAYOUT, replica: REPLICA_LAYOUT, lbServer: LB_SERVER_LAYOUT };

/** One reading, as stored: per field a non-negative integer (scaled number, class code, bitmask) or null. */
export interface Sample {
  values: (number | null)[];
  /** Nodes: the GPUs the probe read (none when it failed). */
  gpus: GpuSample[] | null;
}

export interface GpuSample {
  index: number;
  values: (number | null)[];
}
