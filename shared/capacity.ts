import { z } from 'zod';

/**
 * Spare capacity (issue 13): what serves, what stands by and how ready, what is broken — per
 * failure domain — and whether each service still meets its load and SLO when its largest failure
 * domain goes dark. Computed by electron/core/capacity from the console's own measurements.
 */

/** A spare as it really is: warm only when its probes prove it; a warm spare that fails them counts as cold. */
export const SpareReadiness = z.enum(['warm', 'warm-unverified', 'cold']);
export type SpareReadiness = z.infer<typeof SpareReadiness>;

/** What `systemctl is-active` said of a spare's unit (null: not asked yet, or no node to ask). */
export const UnitState = z.enum(['active', 'inactive', 'failed', 'activating', 'deactivating', 'unknown']);
export type UnitState = z.infer<typeof UnitState>;

/** A spare replica's own status, beside its probes' health. */
export const SpareView = z.object({
  mode: z.enum(['warm', 'cold']),
  readiness: SpareReadiness,
  /** Why it is not warm (failed probe, unit failed, node unhealthy), or what was checked. */
  reason: z.string().nullable(),
  startupSeconds: z.number().nullable(),
  unit: z.string(),
  unitState: UnitState.nullable(),
  /** HAProxy has it in rotation: it serves, and counts as active until taken out again. */
  inRotation: z.boolean(),
  replaces: z.array(z.string()),
});
export type SpareView = z.infer<typeof SpareView>;

/** Active, warm spare, cold spare (unverified warm ones included), failed: one tally per unit. */
export const Tally = z.object({ active: z.number().int(), warm: z.number().int(), cold: z.number().int(), failed: z.number().int() });
export type Tally = z.infer<typeof Tally>;

export const DomainCapacity = z.object({
  kind: z.enum(['region', 'cluster']),
  name: z.string(),
  /** The region a cluster is in (null for a region). */
  region: z.string().nullable(),
  role: z.enum(['inference', 'training', 'mixed']),
  nodes: Tally,
  gpus: Tally,
  replicas: Tally,
});
export type DomainCapacity = z.infer<typeof DomainCapacity>;

/** One member of a service: a server of its backend or a spare that may replace into it. */
export const CapacityMember = z.object({
  replica: z.string(),
  region: z.string().nullable(),
  cluster: z.string().nullable(),
  state: z.enum(['active', 'warm', 'cold', 'failed']),
  /** Why a spare is not warm, why a server is failed. */
  reason: z.string().nullable(),
  /** Its probes' success ratio over 24 h (null: not probed). */
  availability: z.number().nullable(),
  capacityRps: z.number().nullable(),
  startupSeconds: z.number().nullable(),
});
export type CapacityMember = z.infer<typeof CapacityMember>;

/** What is left of a service in one case (now, after the loss, plus warm, plus cold): the same check the runbook planner makes. */
export const ServingCheck = z.object({
  serving: z.number().int(),
  capacityRps: z.number().nullable(),
  /** 1 − Π(1 − aᵢ) over the serving replicas (null: no SLO or nothing measured). */
  availability: z.number().nullable(),
  loadOk: z.boolean().nullable(),
  sloOk: z.boolean().nullable(),
  ok: z.boolean(),
  text: z.string(),
});
export type ServingCheck = z.infer<typeof ServingCheck>;

/** survives: with what serves (and warm spares); cold-only: needs the cold spares' start-up; below-slo: carries the load but under its SLO; fails: cannot. */
export const LossVerdict = z.enum(['survives', 'cold-only', 'below-slo', 'fails']);
export type LossVerdict = z.infer<typeof LossVerdict>;

export const DomainLoss = z.object({
  /** The largest failure domain: a region when the service spans more than one, else a cluster. */
  domain: z.object({ kind: z.enum(['region', 'cluster']), name: z.string() }).nullable(),
  /** Serving replicas lost with it. */
  lost: z.array(z.string()),
  left: ServingCheck,
  withWarm: ServingCheck,
  withCold: ServingCheck,
  /** When the cold spares would be serving (their longest start-up), null without cold spares. */
  coldAfterSeconds: z.number().nullable(),
  verdict: LossVerdict,
  text: z.string(),
});
export type DomainLoss = z.infer<typeof DomainLoss>;

export const SpareAdvice = z.object({
  /** Spares added to what serves now (1, 2, 3). */
  added: z.number().int(),
  availability: z.number(),
  /** Percentage points it adds over one spare fewer. */
  gainPoints: z.number(),
  /** The step adds less than a tenth of the SLO's error budget: little is bought by it. */
  little: z.boolean(),
});
export type SpareAdvice = z.infer<typeof SpareAdvice>;

export const RecoveryEstimate = z.object({
  warmSeconds: z.number().nullable(),
  coldSeconds: z.number().nullable(),
  /** measured: from this console's replacement drills; declared: the inventory's `startup`. */
  source: z.enum(['measured', 'declared', 'none']),
  /** How many drill runs the measured figures come from. */
  runs: z.number().int(),
  text: z.string(),
});
export type RecoveryEstimate = z.infer<typeof RecoveryEstimate>;

export const ServiceCapacity = z.object({
  service: z.string(),
  loadBalancer: z.string(),
  sloTarget: z.number().nullable(),
  /** HAProxy's request rate into the backend at its recent peak (null: not known). */
  peakRps: z.number().nullable(),
  members: z.array(CapacityMember),
  tally: Tally,
  now: ServingCheck,
  /** Replicas needed to carry the peak (null: load unknown) and serving replicas beyond them. */
  needed: z.number().int().nullable(),
  k: z.number().int().nullable(),
  /** Serving capacity over peak now (null: unknown), beside k/(k−1) for its k failure domains. */
  ratio: z.object({ actual: z.number().nullable(), domains: z.number().int(), needed: z.number().nullable() }),
  loss: DomainLoss,
  advice: z.array(SpareAdvice),
  recovery: RecoveryEstimate,
});
export type ServiceCapacity = z.infer<typeof ServiceCapacity>;

/** A node of a training cluster held as a spare, and how ready it really is. */
export const SpareNode = z.object({
  node: z.string(),
  cluster: z.string(),
  region: z.string(),
  mode: z.enum(['warm', 'cold']),
  readiness: SpareReadiness,
  /** inventory, or what marked it in Slurm (partition / feature). */
  source: z.string(),
  gpus: z.number().int(),
  reason: z.string().nullable(),
});
export type SpareNode = z.infer<typeof SpareNode>;

export const CapacityOverview = z.object({
  at: z.number(),
  domains: z.array(DomainCapacity),
  services: z.array(ServiceCapacity),
  spareNodes: z.array(SpareNode),
  /** The worst service verdict (survives when there is none). */
  worst: LossVerdict,
});
export type CapacityOverview = z.infer<typeof CapacityOverview>;

/** `fleetops capacity`'s exit status for a verdict: 0 survives, 1 cold-only or below its SLO, 2 fails. */
export function capacityExitCode(v: LossVerdict): 0 | 1 | 2 {
  return v === 'survives' ? 0 : v === 'fails' ? 2 : 1;
}

const ORDER: Record<LossVerdict, number> = { survives: 0, 'below-slo': 1, 'cold-only': 2, fails: 3 };
export function worseVerdict(a: LossVerdict, b: LossVerdict): LossVerdict {
  return ORDER[a] >= ORDER[b] ? a : b;
}

export const capacityMethods = {
  'capacity.overview': { input: z.strictObject({}), output: CapacityOverview },
} as const;

export const capacityPushEvents = {
  /** The capacity overview changed (a replica's or node's health, a spare's readiness, a load balancer poll). */
  'capacity.updated': CapacityOverview,
} as const;
