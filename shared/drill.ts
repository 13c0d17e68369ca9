import { z } from 'zod';
import { DrillDuration, DrillSchedule, parseDurationMs } from './drill-schedule';
import { PlannedStep, Precondition } from './runbook';
import { LabFaultKind } from './status';

/**
 * Failover drills (issue 10): a drill file names its targets and blast radius, one fault from the
 * library, the steady-state hypothesis, the response and the expectations; its plan (a dry run) is
 * the targets chosen and why, the fault's inject and restore rendered as runbook steps — exactly
 * what will be sent — and the preconditions. The file format is documented in
 * electron/core/drills/README.md. Every object is strict: a misspelt key is an error, never a
 * silently different drill.
 */

const drillName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected a lower-case name of letters, digits and "-"');
/** A replica, node, region, cluster, load balancer or service (backend) name, as the inventory spells them. */
const inventoryName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'expected an inventory name of letters, digits, ".", "_" or "-"');
/** A systemd unit: systemd's own characters, so the name needs no shell syntax (it is quoted anyway). */
export const UNIT_PATTERN = '[A-Za-z0-9][A-Za-z0-9@._:-]{0,127}';
const unitName = z.string().regex(new RegExp(`^(?:${UNIT_PATTERN})$`), 'expected a systemd unit name (letters, digits, "@", ".", "_", ":", "-")');

/** The most targets one drill may name: a blast radius, not a fleet. */
export const MAX_DRILL_TARGETS = 1000;

/** A duration (90s, 15m) within bounds; a malformed one is reported once, by DrillDuration. */
function durationBetween(minMs: number, maxMs: number, words: string) {
  return DrillDuration.refine(
    (text) => {
      const ms = parseDurationMs(text);
      return ms === null || (ms >= minMs && ms <= maxMs);
    },
    { message: `expected a duration ${words}` },
  );
}

/**
 * What the fault hits. Exactly one of: a named `replica`, `node` or `region`; or a group —
 * `replicasOf` a service (every server of the load-balancer backends of that name) or `nodesOf` a
 * cluster or region — of which `count` or `percent` members are picked at random with `seed`.
 */
export const DrillTargets = z.strictObject({
  replica: inventoryName.optional(),
  node: inventoryName.optional(),
  region: inventoryName.optional(),
  replicasOf: inventoryName.optional(),
  nodesOf: z.strictObject({ cluster: inventoryName.optional(), region: inventoryName.optional() }).optional(),
  count: z.number().int().min(1).max(MAX_DRILL_TARGETS).optional(),
  /** Of the group's eligible members, rounded up (so 10% of 3 is 1). */
  percent: z.number().gt(0).max(100).optional(),
  /** The picker's seed: the same seed and group give the same targets. Generated (and recorded in the plan) when absent. */
  seed: z.union([z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'expected up to 64 letters, digits, ".", "_" or "-"'), z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)]).optional(),
  /** Hard cap: a selection that would name more targets is refused, never trimmed. */
  maxTargets: z.number().int().min(1).max(MAX_DRILL_TARGETS),
  /** A target in a protected cluster is refused (and left out of groups) unless this is true. */
  allowProtected: z.boolean().optional(),
});
export type DrillTargets = z.infer<typeof DrillTargets>;

const timeout = durationBetween(1_000, 600_000, 'from 1s to 10m');

/** GPU faults of a lab node; `gpu` defaults to 0. */
export const LAB_GPU_FAULTS = ['gpu-lost', 'gpu-missing', 'ecc-uncorrectable', 'xid-79', 'thermal-slowdown'] as const;
/** Faults of a whole lab node (its SSH service). */
export const LAB_NODE_FAULTS = ['node-unreachable', 'slow-ssh'] as const;
/** A lab replica's faults, as drill kinds: `replica-` + the lab's own name (shared/services.ts LabReplicaFaultKind). */
export const LAB_REPLICA_FAULTS = ['replica-down', 'replica-slow', 'replica-rate-limit', 'replica-http-500', 'replica-wrong-answer', 'replica-model-load-failed'] as const;

/**
 * The fault library. Real-fleet kinds: `stop-service` and `freeze` (over SSH, on the unit that
 * serves the replica), `lb-maint` and `lb-weight-zero` (HAProxy's runtime API). Lab kinds (only
 * against a fleetops lab): the lab's node faults, its replica faults, and `region-down` (every
 * node of a region unreachable and every replica there down).
 */
export const DrillFault = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('stop-service'),
    /** Default vllm, the lab's and the runbooks' default unit. */
    unit: unitName.optional(),
    /** How long `systemctl stop/start` may take (default 60s). */
    timeout: timeout.optional(),
  }),
  z.strictObject({ kind: z.literal('freeze'), unit: unitName.optional(), timeout: timeout.optional() }),
  z.strictObject({ kind: z.literal('lb-maint') }),
  z.strictObject({ kind: z.literal('lb-weight-zero') }),
  z.strictObject({ kind: z.enum(LAB_GPU_FAULTS), gpu: z.number().int().min(0).max(63).optional() }),
  z.strictObject({ kind: z.enum(LAB_NODE_FAULTS) }),
  z.strictObject({ kind: z.literal('replica-rate-limit'), retryAfterSeconds: z.number().int().min(1).max(3600).optional() }),
  z.strictObject({ kind: z.literal('replica-slow'), slowMs: z.number().int().min(1).max(120_000).optional() }),
  z.strictObject({ kind: z.enum(['replica-down', 'replica-http-500', 'replica-wrong-answer', 'replica-model-load-failed']) }),
  z.strictObject({ kind: z.literal('region-down') }),
]);
export type DrillFault = z.infer<typeof DrillFault>;
export type DrillFaultKind = DrillFault['kind'];

/** Kinds only a fleetops lab can host. */
export function isLabFault(kind: DrillFaultKind): boolean {
  return (LabFaultKind.options as readonly string[]).includes(kind) || (LAB_REPLICA_FAULTS as readonly string[]).includes(kind) || kind === 'region-down';
}

/**
 * The steady state the drill expects through the service's frontend: at least `minSuccessPct` of
 * the drill's own probes succeed and their p95 latency stays at most `maxP95LatencyMs`, over a
 * sliding `window`. It may be broken for `grace` before the drill aborts and restores.
 */
export const DrillHypothesis = z.strictObject({
  /** The service (load-balancer backend); default: the one the targets serve. */
  service: inventoryName.optional(),
  /** When the service's backend is on several load balancers: which frontend to probe (default: its SLO's). */
  loadBalancer: inventoryName.optional(),
  /** What the probes request through the frontend (default: the replicas' health path). */
  path: z.string().regex(/^\/[^\s?#]*$/, 'expected a path starting with /').optional(),
  minSuccessPct: z.number().min(0).max(100),
  maxP95LatencyMs: z.number().int().min(1).max(600_000),
  window: durationBetween(5_000, 3_600_000, 'from 5s to 1h'),
  /** The drill's own probe traffic through the frontend, bounded so a drill never load-tests the fleet. */
  probeRatePerSecond: z.number().min(0.1).max(50),
  grace: durationBetween(1_000, 3_600_000, 'from 1s to 1h'),
});
export type DrillHypothesis = z.infer<typeof DrillHypothesis>;

/** A runbook started by the drill: after the console detects the fault, or a fixed delay after injecting it. */
export const DrillRunbookResponse = z.strictObject({
  runbook: drillName,
  /** The runbook's target; default: the drill's one target of the runbook's kind (a replica, or the targets' region). */
  target: inventoryName.optional(),
  params: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,62}$/, 'expected a parameter name of letters, digits and "_"'), z.string().max(500)).optional(),
  after: z.union([z.literal('detection'), DrillDuration]),
});
export type DrillRunbookResponse = z.infer<typeof DrillRunbookResponse>;

/** `none`: measure the load balancer's own failover; a runbook; `operator`: a game day, a person responds. */
export const DrillResponse = z.union([z.literal('none'), z.literal('operator'), DrillRunbookResponse]);
export type DrillResponse = z.infer<typeof DrillResponse>;

/** What the drill must show; at least one (a drill that expects nothing cannot fail). */
export const DrillExpectations = z.strictObject({
  detectedWithin: DrillDuration.optional(),
  mitigatedWithin: DrillDuration.optional(),
  /** The RTO: fault restored and everything back to its baseline. */
  restoredWithin: DrillDuration.optional(),
  maxFailedRequests: z.number().int().min(0).max(1_000_000_000).optional(),
});
export type DrillExpectations = z.infer<typeof DrillExpectations>;

export const DrillFile = z.strictObject({
  name: drillName,
  description: z.string().min(1).max(1000),
  targets: DrillTargets,
  fault: DrillFault,
  hypothesis: DrillHypothesis,
  response: DrillResponse,
  expectations: DrillExpectations,
  /** When it runs on its own (owned by the scheduler, shared/drill-schedule.ts); absent: by hand only. */
  schedule: DrillSchedule.optional(),
});
export type DrillFile = z.infer<typeof DrillFile>;
export type DrillFileInput = z.input<typeof DrillFile>;

// ---------------------------------------------------------------------------------------------
// The plan

export const DrillTargetKind = z.enum(['replica', 'node', 'region']);
export type DrillTargetKind = z.infer<typeof DrillTargetKind>;

export const ChosenTarget = z.object({
  kind: DrillTargetKind,
  name: z.string(),
  /** null for a region (it may span clusters) or an external replica. */
  cluster: z.string().nullable(),
  region: z.string().nullable(),
  protected: z.boolean(),
  /** Why this one: named in the file, or picked (which group, which draw). */
  why: z.string(),
});
export type ChosenTarget = z.infer<typeof ChosenTarget>;

/** The hypothesis as the runner checks it: which frontend, which URL, numbers in seconds. */
export const PlannedHypothesis = z.object({
  service: z.string(),
  loadBalancer: z.string(),
  url: z.string(),
  minSuccessPct: z.number(),
  maxP95LatencyMs: z.number(),
  windowSeconds: z.number(),
  probeRatePerSecond: z.number(),
  graceSeconds: z.number(),
});
export type PlannedHypothesis = z.infer<typeof PlannedHypothesis>;

export const PlannedResponse = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({ kind: z.literal('operator') }),
  z.object({
    kind: z.literal('runbook'),
    runbook: z.string(),
    target: z.string(),
    params: z.record(z.string(), z.string()),
    /** Started when the console detects the fault, or this many seconds after injection. */
    after: z.discriminatedUnion('kind', [z.object({ kind: z.literal('detection') }), z.object({ kind: z.literal('delay'), seconds: z.number() })]),
  }),
]);
export type PlannedResponse = z.infer<typeof PlannedResponse>;

export const PlannedExpectations = z.object({
  detectedWithinSeconds: z.number().nullable(),
  mitigatedWithinSeconds: z.number().nullable(),
  restoredWithinSeconds: z.number().nullable(),
  maxFailedRequests: z.number().int().nullable(),
});
export type PlannedExpectations = z.infer<typeof PlannedExpectations>;

/**
 * A drill planned against the fleet as it is now (a dry run sends nothing). `inject` are runbook
 * steps whose `undo` is the matching restore; `restore` lists those undos in the order a restore
 * runs them (newest first). Locks, blackouts, the stop-all switch and open incidents are the
 * runner's to check when it starts.
 */
export const DrillPlan = z.object({
  drill: z.string(),
  description: z.string(),
  /** Always recorded, given or generated: the same seed and fleet pick the same targets again. */
  seed: z.string(),
  seedSource: z.enum(['file', 'operator', 'generated']),
  /** How the targets were chosen, in words (group, eligible members, left out and why, count). */
  selection: z.string(),
  targets: z.array(ChosenTarget),
  /** The fault with every default filled in. */
  fault: DrillFault,
  /** The lab the fault goes to (lab faults only), else null. */
  lab: z.string().nullable(),
  inject: z.array(PlannedStep),
  restore: z.array(PlannedStep),
  preconditions: z.array(Precondition),
  /** Protected clusters: what the operator types to run it by hand; null: no typed confirmation. */
  confirmation: z.string().nullable(),
  /** Every subject the drill holds while it runs. */
  locks: z.array(z.string()),
  hypothesis: PlannedHypothesis,
  response: PlannedResponse,
  expectations: PlannedExpectations,
});
export type DrillPlan = z.infer<typeof DrillPlan>;
