/** Readings as the monitors produce them → samples as stored (scaled integers and class codes, layout.ts). */
import {
  HISTORY_FIELDS,
  LB_SERVER_STATES,
  NODE_HEALTH_CLASSES,
  NODE_OUTCOMES,
  REPLICA_HEALTH_CLASSES,
  REPLICA_OUTCOMES,
  clockReasonsMask,
  lbServerStateOf,
  nodeOutcomeOf,
  type NumericField,
} from '../../../shared/history';
import type { GpuSample, Sample } from './layout';
import type { LbServerReading, NodeProbeReading, ReplicaProbeReading } from './history-sink';

const codes = (classes: readonly string[]) => new Map(classes.map((c, i) => [c, i]));
const NODE_OUTCOME_CODE = codes(NODE_OUTCOMES);
const NODE_HEALTH_CODE = codes(NODE_HEALTH_CLASSES);
const REPLICA_HEALTH_CODE = codes(REPLICA_HEALTH_CLASSES);
const REPLICA_OUTCOME_CODE = codes(REPLICA_OUTCOMES);
const LB_STATE_CODE = codes(LB_SERVER_STATES);
const OTHER_REPLICA_OUTCOME = REPLICA_OUTCOME_CODE.get('other')!;

/** A number as its field stores it; null when missing, not finite or negative (no metric kept here can be). */
export function scaled(value: number | null | undefined, field: NumericField): number | null {
  if (value === null || value === undefined || !Number.isFinite(value) || value < 0) return null;
  const n = Math.round(value * field.scale);
  return Number.isSafeInteger(n) ? n : null;
}

const G = HISTORY_FIELDS.gpu as Record<string, NumericField>;
const LATENCY = HISTORY_FIELDS.node.latencyMs as NumericField;
const SESSIONS = HISTORY_FIELDS.lbServer.sessions as NumericField;

export function nodeSample(r: NodeProbeReading): Sample {
  const ok = r.error === null;
  const gpus: GpuSample[] = r.gpus.map((g) => ({
    index: g.index,
    values: [
      scaled(g.temperatureC, G.temperatureC!),
      scaled(g.memoryTemperatureC, G.memoryTemperatureC!),
      scaled(g.powerW, G.powerW!),
      scaled(g.utilizationPct, G.utilizationPct!),
      scaled(g.memoryUsedMiB, G.memoryUsedMiB!),
      scaled(g.smClockMHz, G.smClockMHz!),
      clockReasonsMask(g.clockEventReasons),
    ],
  }));
  return {
    values: [ok ? scaled(r.latencyMs, LATENCY) : null, NODE_OUTCOME_CODE.get(nodeOutcomeOf(r.error))!, NODE_HEALTH_CODE.get(r.health) ?? null],
    gpus,
  };
}

export function replicaSample(r: ReplicaProbeReading): Sample {
  const outcome = r.ok ? 0 : (REPLICA_OUTCOME_CODE.get(r.failure ?? '') ?? OTHER_REPLICA_OUTCOME);
  const latency = r.ok ? scaled(r.latencyMs, LATENCY) : null;
  const health = r.kind === 'health';
  return {
    values: [REPLICA_HEALTH_CODE.get(r.health) ?? null, health ? latency : null, health ? outcome : null, health ? null : latency, health ? null : outcome],
    gpus: null,
  };
}

export function lbServerSample(s: LbServerReading): Sample {
  return { values: [LB_STATE_CODE.get(lbServerStateOf(s.status))!, scaled(s.sessions, SESSIONS)], gpus: null };
}
