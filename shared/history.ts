import { z } from 'zod';
import { CLOCK_EVENT_REASON_BITS, clockEventReasonBits } from './clock-event-reasons';

/**
 * History: what the monitors measured, kept so the last hour, day and month can be looked at
 * (issue 9). The engine keeps every probe's reading for an hour, 1-minute rollups for a day and
 * 30-minute rollups for 30 days (count, min/mean/max, classes; for latencies a quantile sketch,
 * so p50/p95 too: electron/core/history/); `history.series` reads one subject's
 * series as columns, ready for a plot.
 *
 * Live points come from the pushes the console already gets (no push of its own):
 * - `nodes.updated`: NodeStatus.lastProbeAt (ts), lastProbeLatencyMs (`latencyMs`),
 *   lastError (`outcome`, through nodeOutcomeOf), health, and per GPU every gpu metric below
 *   (clockEventReasons through clockReasonsMask). When lastError is set the GPUs are the last
 *   ones seen, not new readings: append nothing for them.
 * - `replicas.updated`: ReplicaStatus.health, lastHealth / lastCompletion (at, ok, latencyMs,
 *   failure → `healthLatencyMs`, `healthOutcome`, `completionLatencyMs`, `completionOutcome`).
 * - `loadBalancers.updated`: lastPollAt (ts), servers[].status (`status`, through
 *   lbServerStateOf) and servers[].sessions. When lastError is set the servers are stale.
 */

export const HistoryKind = z.enum(['gpu', 'node', 'replica', 'lbServer']);
export type HistoryKind = z.infer<typeof HistoryKind>;

export const HistoryRange = z.enum(['1h', '24h', '30d']);
export type HistoryRange = z.infer<typeof HistoryRange>;

export const HISTORY_RANGE_MS: Record<HistoryRange, number> = { '1h': 3_600_000, '24h': 86_400_000, '30d': 30 * 86_400_000 };

/** At most this many points per series: 24 h of minutes and 30 days of half hours fit (1,441 each). */
export const HISTORY_MAX_POINTS = 1500;

/*
 * Classes of the categorical metrics. Their position is the code stored in the database, so
 * these lists are append only: never reorder, rename or remove an entry (add at the end).
 */

/** How a node probe ended: `ok`, or the class of its failure (from the error code, see nodeOutcomeOf). */
export const NODE_OUTCOMES = ['ok', 'unreachable', 'auth', 'host-key', 'timeout', 'parse', 'driver', 'other'] as const;
export type NodeOutcome = (typeof NODE_OUTCOMES)[number];

/** The node's (smoothed) health as the console showed it after the probe: shared/health.ts's Health. */
export const NODE_HEALTH_CLASSES = ['healthy', 'degraded', 'unhealthy', 'unreachable', 'unknown'] as const;

/** shared/services.ts's ReplicaHealth. */
// Appended only: a stored sample keeps its class by position (standby: a spare out of rotation, not warm).
export const REPLICA_HEALTH_CLASSES = ['healthy', 'throttled', 'degraded', 'unhealthy', 'unreachable', 'unknown', 'standby'] as const;

/** How a replica probe ended: `ok`, or shared/services.ts's ReplicaFailure (`other`: a failure without a class). */
export const REPLICA_OUTCOMES = ['ok', 'timeout', 'refused', 'network', 'http-5xx', 'wrong-answer', 'auth', 'rate-limited', 'http-other', 'bad-response', 'other'] as const;

/**
 * An HAProxy server's status, as classes (see lbServerStateOf): `going-down` is a failing check
 * counted toward `fall` ("UP 1/2", "DRAIN 1/2"…), `going-up` a passing one toward `rise` ("DOWN 1/2").
 */
export const LB_SERVER_STATES = ['UP', 'going-down', 'going-up', 'NOLB', 'DRAIN', 'DOWN', 'MAINT', 'no check', 'other'] as const;
export type LbServerState = (typeof LB_SERVER_STATES)[number];

/** The reasons that slow a GPU down (power cap, thermal, power brake, HW slowdown): what `active` counts. */
export const THROTTLE_REASONS_MASK = clockEventReasonBits('sw_power_cap', 'hw_slowdown', 'sw_thermal_slowdown', 'hw_thermal_slowdown', 'hw_power_brake_slowdown');

export interface NumericField {
  type: 'numeric';
  unit: string;
  /** Stored as integers of 1/scale of the unit (latency: 0.1 ms); values below 0 are not kept. */
  scale: number;
  /**
   * Latencies: each rollup keeps a quantile sketch too (electron/core/history/quantiles.ts),
   * and the series gives p50/p95 of each point. Costs bytes per rollup: not for every number.
   */
  quantiles?: true;
}
export interface CategoricalField {
  type: 'categorical';
  classes: readonly string[];
}
export interface FlagsField {
  type: 'flags';
  flags: readonly { bit: number; name: string }[];
  /** A sample counts as `active` when its mask has one of these bits. */
  activeMask: number;
}
export type HistoryField = NumericField | CategoricalField | FlagsField;

const ms: NumericField = { type: 'numeric', unit: 'ms', scale: 10 };
const latency: NumericField = { ...ms, quantiles: true };

/*
 * The metrics of each kind. The order of each enum is the order of the fields in the stored
 * samples: append only, like the classes above.
 */
export const GpuMetric = z.enum(['temperatureC', 'memoryTemperatureC', 'powerW', 'utilizationPct', 'memoryUsedMiB', 'smClockMHz', 'clockEventReasons']);
export type GpuMetric = z.infer<typeof GpuMetric>;
export const NodeMetric = z.enum(['latencyMs', 'outcome', 'health']);
export type NodeMetric = z.infer<typeof NodeMetric>;
export const ReplicaMetric = z.enum(['health', 'healthLatencyMs', 'healthOutcome', 'completionLatencyMs', 'completionOutcome']);
export type ReplicaMetric = z.infer<typeof ReplicaMetric>;
export const LbServerMetric = z.enum(['status', 'sessions']);
export type LbServerMetric = z.infer<typeof LbServerMetric>;

export const HISTORY_FIELDS: {
  gpu: Record<GpuMetric, HistoryField>;
  node: Record<NodeMetric, HistoryField>;
  replica: Record<ReplicaMetric, HistoryField>;
  lbServer: Record<LbServerMetric, HistoryField>;
} = {
  gpu: {
    temperatureC: { type: 'numeric', unit: '°C', scale: 1 },
    memoryTemperatureC: { type: 'numeric', unit: '°C', scale: 1 },
    // Whole watts (the mean of a rollup to 0.1 W): the driver's hundredths are noise on a plot and cost a byte a value.
    powerW: { type: 'numeric', unit: 'W', scale: 1 },
    utilizationPct: { type: 'numeric', unit: '%', scale: 1 },
    memoryUsedMiB: { type: 'numeric', unit: 'MiB', scale: 1 },
    smClockMHz: { type: 'numeric', unit: 'MHz', scale: 1 },
    clockEventReasons: { type: 'flags', flags: CLOCK_EVENT_REASON_BITS, activeMask: THROTTLE_REASONS_MASK },
  },
  // Latencies are those of the probes that succeeded; a failure's "latency" is its timeout.
  node: {
    latencyMs: ms,
    outcome: { type: 'categorical', classes: NODE_OUTCOMES },
    health: { type: 'categorical', classes: NODE_HEALTH_CLASSES },
  },
  replica: {
    health: { type: 'categorical', classes: REPLICA_HEALTH_CLASSES },
    healthLatencyMs: latency,
    healthOutcome: { type: 'categorical', classes: REPLICA_OUTCOMES },
    completionLatencyMs: latency,
    completionOutcome: { type: 'categorical', classes: REPLICA_OUTCOMES },
  },
  lbServer: {
    status: { type: 'categorical', classes: LB_SERVER_STATES },
    sessions: { type: 'numeric', unit: 'sessions', scale: 1 },
  },
};

/** The outcome class of a node probe from its error (null: the probe succeeded, whatever the GPUs said). */
export function nodeOutcomeOf(error: { code: string } | null): NodeOutcome {
  if (error === null) return 'ok';
  switch (error.code) {
    case 'HOST_UNREACHABLE':
    case 'CONNECT_TIMEOUT':
      return 'unreachable';
    case 'SSH_AUTH_FAILED':
    case 'SSH_PASSPHRASE_REQUIRED':
      return 'auth';
    case 'SSH_HOST_KEY_UNKNOWN':
    case 'SSH_HOST_KEY_MISMATCH':
      return 'host-key';
    case 'PROBE_TIMEOUT':
      return 'timeout';
    case 'PARSE_FAILED':
      return 'parse';
    case 'COMMAND_FAILED':
    case 'DRIVER_ERROR':
      return 'driver';
    default:
      return 'other';
  }
}

/**
 * The q-quantile (0 < q ≤ 1) of some numbers by nearest rank: the smallest value with at least
 * q × n of them at or below it (p50 of 1, 2, 3, 4 is 2); null for none. What `p50`/`p95` of a
 * series mean, in the engine and at the plot's live edge alike.
 */
export function quantileOf(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length))) - 1]!;
}

/** The class of HAProxy's server `status` text (electron/core/haproxy/server-status.ts lists them). */
export function lbServerStateOf(status: string): LbServerState {
  const moving = /^(UP|DOWN|NOLB|DRAIN) \d+\/\d+$/.exec(status);
  if (moving) return moving[1] === 'DOWN' ? 'going-up' : 'going-down';
  const word = /^(UP|DOWN|NOLB|DRAIN|MAINT)(?: \(.*\))?$/.exec(status)?.[1];
  if (word) return word as LbServerState;
  return status === 'no check' ? 'no check' : 'other';
}

/**
 * The bitmask of clock event reason names as the history stores it (shared/clock-event-reasons.ts's
 * bits; `bit_0x…` names, a reason the driver reports without a name there, keep their bit); bits
 * from 2^31 up are dropped.
 */
export function clockReasonsMask(names: readonly string[]): number {
  let mask = 0;
  for (const name of names) {
    const known = CLOCK_EVENT_REASON_BITS.find((f) => f.name === name);
    const bit = known ? known.bit : /^bit_0x([0-9a-f]+)$/i.test(name) ? Number.parseInt(name.slice(6), 16) : 0;
    if (bit > 0 && bit < 0x8000_0000) mask |= bit;
  }
  return mask >>> 0;
}

const subjectName = z.string().min(1).max(300);
const common = {
  /** A node name (gpu, node), a replica name, or "loadBalancer/backend/server". */
  subject: subjectName,
  range: HistoryRange,
  /** Fewer points (coarser buckets) for a narrow plot; default and ceiling HISTORY_MAX_POINTS. */
  maxPoints: z.number().int().min(10).max(HISTORY_MAX_POINTS).optional(),
  /**
   * Points at least this wide (ms), aligned on multiples of their width: the last hour's readings
   * in intervals (p50/p95 of each interval's readings), or rollups merged (rounded up to whole
   * rollups). Default: each reading and each rollup a point, unless maxPoints asks for fewer.
   */
  stepMs: z.number().int().min(1000).max(HISTORY_RANGE_MS['30d']).optional(),
  /**
   * The window ends here (ms since the epoch) instead of now: an incident's plots, days later,
   * on the timeline's axis. Later than now is now. The last hour's raw readings are kept for an
   * hour only: an older window reads '24h' or '30d' (rollups).
   */
  end: z.number().int().min(0).optional(),
};

export const HistoryQuery = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('gpu'), gpu: z.number().int().min(0).max(63), metrics: z.array(GpuMetric).min(1).max(16), ...common }),
  z.strictObject({ kind: z.literal('node'), metrics: z.array(NodeMetric).min(1).max(16), ...common }),
  z.strictObject({ kind: z.literal('replica'), metrics: z.array(ReplicaMetric).min(1).max(16), ...common }),
  z.strictObject({ kind: z.literal('lbServer'), metrics: z.array(LbServerMetric).min(1).max(16), ...common }),
]);
export type HistoryQuery = z.infer<typeof HistoryQuery>;

const nullableNumbers = z.array(z.number().nullable());

/**
 * A numeric metric: the mean of each point, and the lowest and highest sample in it (equal for one
 * raw sample). Latencies (fields with `quantiles`) also give each point's p50 and p95 (nearest
 * rank, see quantileOf): exact where the point is made of raw readings (the last hour), from the
 * rollups' sketches otherwise, within 1.6 % of the exact value (exact below 6.4 ms). null where the
 * point has no sample, or holds rollups written before sketches were kept (older data directories).
 */
export const NumericColumn = z.object({
  type: z.literal('numeric'),
  unit: z.string(),
  values: nullableNumbers,
  min: nullableNumbers,
  max: nullableNumbers,
  p50: nullableNumbers.optional(),
  p95: nullableNumbers.optional(),
});
/**
 * A categorical metric: the last class seen in each point (the state it ended in), and how many
 * samples of each class it holds (the share of the time spent in each; a 20 s outage inside a
 * minute that ended UP still shows). `classes` lists every class in storage order; `counts` has
 * an entry for the classes this series saw.
 */
export const CategoricalColumn = z.object({
  type: z.literal('categorical'),
  classes: z.array(z.string()),
  values: z.array(z.string().nullable()),
  counts: z.record(z.string(), z.array(z.number().int())),
});
/**
 * A bitmask metric (clock event reasons): each point's mask, OR-ed over its samples (which
 * reasons were active at some time in it), and how many of its samples had a throttling reason.
 */
export const FlagsColumn = z.object({
  type: z.literal('flags'),
  flags: z.array(z.object({ bit: z.number().int(), name: z.string() })),
  values: nullableNumbers,
  active: z.array(z.number().int()),
});
export const HistoryColumn = z.discriminatedUnion('type', [NumericColumn, CategoricalColumn, FlagsColumn]);
export type HistoryColumn = z.infer<typeof HistoryColumn>;

export const HistorySeries = z.object({
  kind: HistoryKind,
  subject: z.string(),
  gpu: z.number().int().nullable(),
  range: HistoryRange,
  /** The window: [from, to] ms since the epoch (to is the engine's now). */
  from: z.number(),
  to: z.number(),
  /** `raw`: every probe's reading; `1m` / `30m`: rollups of that width (merged further when stepMs is larger). */
  source: z.enum(['raw', '1m', '30m']),
  /** Width of each point in ms (a point covers [ts, ts + stepMs)); null: each point is one raw sample at ts. */
  stepMs: z.number().nullable(),
  ts: z.array(z.number()),
  /** How many samples each point holds. */
  samples: z.array(z.number().int()),
  columns: z.record(z.string(), HistoryColumn),
});
export type HistorySeries = z.infer<typeof HistorySeries>;
