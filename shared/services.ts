import { z } from 'zod';
import { FleetErrorData } from './errors';
import { Health } from './health';
import { SpareView } from './capacity';
import { LAB_REPLICA_FAULT_KINDS } from './lab-fault-kinds';

/**
 * Replicas, load balancers and services as the console shows them. A replica has one state a
 * node does not: `throttled` — a 429 means quota or rate limit, not death — and `standby`: a
 * spare out of rotation that is not warm (cold, or warm failing its probes), which is never a
 * problem in itself (issue 13: counted in no unhealthy total, opens no incident, notifies no one).
 */
export const ReplicaHealth = z.enum(['healthy', 'throttled', 'degraded', 'unhealthy', 'unreachable', 'unknown', 'standby']);
export type ReplicaHealth = z.infer<typeof ReplicaHealth>;

export const ReplicaFailure = z.enum(['timeout', 'refused', 'network', 'http-5xx', 'wrong-answer', 'auth', 'rate-limited', 'http-other', 'bad-response']);
export type ReplicaFailure = z.infer<typeof ReplicaFailure>;

export const ReplicaProbeView = z.object({
  kind: z.enum(['health', 'completion']),
  at: z.number(),
  ok: z.boolean(),
  latencyMs: z.number().nullable(),
  failure: ReplicaFailure.nullable(),
  status: z.number().int().nullable(),
  detail: z.string(),
});
export type ReplicaProbeView = z.infer<typeof ReplicaProbeView>;

export const CircuitBreakerView = z.object({
  state: z.enum(['closed', 'open', 'half-open']),
  consecutiveFailures: z.number().int(),
  openedAt: z.number().nullable(),
  retryAt: z.number().nullable(),
});
export type CircuitBreakerView = z.infer<typeof CircuitBreakerView>;

export const LatencyView = z.object({ p50Ms: z.number().nullable(), p95Ms: z.number().nullable(), samples: z.number().int() });

export const ReplicaStatus = z.object({
  name: z.string(),
  node: z.string().nullable(),
  region: z.string().nullable(),
  url: z.string(),
  model: z.string(),
  api: z.enum(['openai', 'azure-openai']),
  /** The inventory's `auth.secretRef` (the name only, never the value); null without auth. */
  secretRef: z.string().nullable(),
  health: ReplicaHealth,
  reasons: z.array(z.string()),
  since: z.number().nullable(),
  /** Per probe kind over the rolling window: a health check and a completion differ by orders of magnitude. */
  latency: z.object({ health: LatencyView, completion: LatencyView }),
  lastHealth: ReplicaProbeView.nullable(),
  lastCompletion: ReplicaProbeView.nullable(),
  /** The last 429's Retry-After, and until when no probe is sent. */
  retryAfterSeconds: z.number().nullable(),
  throttledUntil: z.number().nullable(),
  breaker: CircuitBreakerView,
  /** Estimated tokens per day the completion probe costs (null: no completion probe). */
  tokensPerDay: z.number().nullable(),
  /** A spare (inventory `role: spare`): how ready it really is; null or absent for an active replica. */
  spare: SpareView.nullable().optional(),
});
export type ReplicaStatus = z.infer<typeof ReplicaStatus>;

export const LbServerStatus = z.object({
  backend: z.string(),
  server: z.string(),
  /** HAProxy's own word: UP, DOWN, MAINT, DRAIN, NOLB, "UP 1/2", … */
  status: z.string(),
  checkStatus: z.string().nullable(),
  lastCheck: z.string().nullable(),
  weight: z.number(),
  /** The weight the operator set (`uweight`); `weight` is below it during slowstart. null: not reported. */
  userWeight: z.number().nullable().optional(),
  sessions: z.number(),
  /**
   * `rate`: new sessions per second over the last second (in HTTP mode every request is one);
   * null when HAProxy leaves it empty; absent from older producers.
   */
  rate: z.number().nullable().optional(),
  downtimeSeconds: z.number().nullable(),
  /** The replica this server is, per the inventory (null: HAProxy has a server the inventory does not name). */
  replica: z.string().nullable(),
  /** Set when HAProxy's view and the console's probes disagree. */
  disagreement: z.string().nullable(),
});
export type LbServerStatus = z.infer<typeof LbServerStatus>;

/** A backend's own row of `show stat` (BACKEND): what it takes in, whichever server serves it. */
export const LbBackendStatus = z.object({
  backend: z.string(),
  /**
   * `rate`: sessions per second into the backend over the last second. In HTTP mode each request
   * is one, including those no server took (queued, 503): the demand the servers must carry.
   */
  rate: z.number().nullable(),
  /** The highest `rate` the console's polls saw over the last 5 minutes (null: none yet). */
  ratePeak5m: z.number().nullable().optional(),
});
export type LbBackendStatus = z.infer<typeof LbBackendStatus>;

export const LoadBalancerStatus = z.object({
  name: z.string(),
  frontendUrl: z.string(),
  health: Health,
  reasons: z.array(z.string()),
  lastPollAt: z.number().nullable(),
  lastError: FleetErrorData.nullable(),
  servers: z.array(LbServerStatus),
  /** The inventory's backends as HAProxy counts them (absent from older producers). */
  backends: z.array(LbBackendStatus).optional(),
});
export type LoadBalancerStatus = z.infer<typeof LoadBalancerStatus>;

export const WindowAvailability = z.object({
  /** null when no request was measured in the window (not 100%). */
  successRatio: z.number().nullable(),
  requests: z.number().int(),
  failed: z.number().int(),
});

export const ServiceAvailability = z.object({
  service: z.string(),
  loadBalancer: z.string(),
  target: z.number(),
  hour: WindowAvailability,
  day: WindowAvailability,
  month: WindowAvailability,
  downtimeMinutes30d: z.number(),
  budget: z.object({
    allowedFailures: z.number(),
    failed: z.number(),
    /** 1 = untouched, 0 = spent, negative = overspent. null without traffic. */
    remainingRatio: z.number().nullable(),
    remainingMinutes: z.number().nullable(),
  }),
  /** Observed error rate / allowed error rate; 'infinite' for a 100% target with failures. */
  burnRate1h: z.union([z.number(), z.literal('infinite')]).nullable(),
  burnRate24h: z.union([z.number(), z.literal('infinite')]).nullable(),
  /** Hours until the budget is gone at the 1 h burn rate; null when not burning. */
  exhaustionHours: z.number().nullable(),
  /**
   * The last two minutes' request counts (the current one still filling): what a plot of the
   * per-minute availability appends at its live edge from each push, instead of re-reading the series.
   */
  recentMinutes: z.array(z.object({ ts: z.number(), ok: z.number().int(), failed: z.number().int() })).max(2).optional(),
  redundancy: z.array(
    z.object({
      backend: z.string(),
      replicas: z.number().int(),
      /** Measured availability of one replica (its probes' success ratio over 24 h). */
      single: z.number().nullable(),
      /** 1 − (1 − a)^N */
      estimate: z.number().nullable(),
      /** Each server's own measurement (its probes' success ratio over 24 h; null: no probe in 24 h). */
      perReplica: z.array(z.object({ replica: z.string(), single: z.number().nullable() })).optional(),
    }),
  ),
});
export type ServiceAvailability = z.infer<typeof ServiceAvailability>;

export const TrafficStats = z.object({
  running: z.boolean(),
  url: z.string().nullable(),
  ratePerSecond: z.number(),
  sent: z.number().int(),
  ok: z.number().int(),
  failed: z.number().int(),
  successRate: z.number().nullable(),
  byReason: z.record(z.string(), z.number()),
});
export type TrafficStats = z.infer<typeof TrafficStats>;

/** `model-load-failed`: up but without its model (health and completions 503): what breaks a warm spare unseen while it is out of rotation. */
export const LabReplicaFaultKind = z.enum(LAB_REPLICA_FAULT_KINDS);
export type LabReplicaFaultKind = z.infer<typeof LabReplicaFaultKind>;

/** The lab's inference side: replicas, the HAProxy in front of them (when haproxy is installed), the traffic generator. */
export const LabServicesInfo = z.object({
  replicas: z.array(
    z.object({
      name: z.string(),
      url: z.string(),
      fault: LabReplicaFaultKind.nullable(),
      retryAfterSeconds: z.number().nullable(),
      /** Its unit `vllm` on its node, as `systemctl is-active` would say. */
      service: z.enum(['active', 'inactive']),
      /** Started as a spare: held in maintenance by HAProxy, its service stopped (cold) or running with its model loaded (warm). */
      spare: z.boolean(),
      /** Which kind of spare it started as; null for an active replica (absent from labs of older builds). */
      spareMode: z.enum(['warm', 'cold']).nullable().optional(),
    }),
  ),
  loadBalancer: z.object({
    available: z.boolean(),
    /** Why there is none ("haproxy is not on the PATH"), shown instead of the LB panel. */
    reason: z.string().nullable(),
    frontendUrl: z.string().nullable(),
  }),
  traffic: TrafficStats,
});
export type LabServicesInfo = z.infer<typeof LabServicesInfo>;

/**
 * A service's requests through its frontend over the last hour, day or 30 days, as columns for a
 * plot: one point per minute (1 h, 24 h) or per 30 minutes (30 d), each the requests that
 * succeeded and failed in it. Availability is ok / (ok + failed); the burn rate is its error
 * rate over the SLO's allowed one (1 − target).
 */
export const AvailabilitySeries = z.object({
  service: z.string(),
  /** The SLO target, percent. */
  target: z.number(),
  range: z.enum(['1h', '24h', '30d']),
  stepMs: z.number(),
  from: z.number(),
  to: z.number(),
  /** Start of each point (ms since the epoch); minutes without a request have no point. */
  ts: z.array(z.number()),
  ok: z.array(z.number().int()),
  failed: z.array(z.number().int()),
});
export type AvailabilitySeries = z.infer<typeof AvailabilitySeries>;
