import { z } from 'zod';
import { DrillPlan } from './drill';
import { DrillOccurrenceRecord, UpcomingDrillRun } from './drill-schedule';
import { DRILL_RUN_STATUSES } from './drill-run-status';

/**
 * A drill run (issue 10): one drill executed end to end — pre-checks, the fault injected as a
 * run of the runbook engine, measured while it lasts, restored by that run's rollback, judged
 * against the drill's expectations. This is what every client sees of it (the Drills view, the
 * reports, `fleetops drill …`); the runner is electron/core/drills/run/.
 */

/**
 * Where a run is. pre-checks → injecting → observing (→ responding) → restoring → passed/failed,
 * or aborted (a stop condition, the operator, stop-all, the console stopping — restored all the
 * same), skipped (a pre-check refused it: nothing was injected), restore-failed (the fault may
 * still be in place: an alarm until someone deals with it).
 */
export const DrillRunStatus = z.enum(DRILL_RUN_STATUSES);
export type DrillRunStatus = z.infer<typeof DrillRunStatus>;
export { DRILL_RUN_FINAL, isFinalDrillStatus } from './drill-run-status';

/** The stable reason of an abort, skip or restore failure (the `reason` text says more). */
export const DrillReasonCode = z.enum([
  // skipped (nothing injected)
  'precondition-failed',
  'locked',
  'read-only',
  'stop-all',
  'blackout',
  'service-busy',
  /** An incident is open on a target or the service's replicas: a drill would only add to it. */
  'open-incident',
  'global-cap',
  'confirmation-required',
  'inject-failed',
  // aborted (injected, then restored)
  'hypothesis-broken',
  'outside-blast-radius',
  'operator-abort',
  'console-stopping',
  'owner-died',
  // restore-failed
  'restore-failed',
]);
export type DrillReasonCode = z.infer<typeof DrillReasonCode>;

export const DrillTrigger = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('manual'), user: z.string(), host: z.string() }),
  /** Started by the scheduler for the occurrence at `scheduledAt` (ms since the epoch). */
  z.object({ kind: z.literal('scheduled'), scheduledAt: z.number().int(), localTime: z.string() }),
]);
export type DrillTrigger = z.infer<typeof DrillTrigger>;

/**
 * The named measurements, each stored as a timestamped event (`drill.<name>`). `lb-down` carries
 * how long HAProxy took against its promise (`inter × fall`, read from HAProxy) and `slow` when it
 * took longer than promise + one inter.
 */
export const DrillMilestoneName = z.enum([
  'started',
  'injected',
  'first-failure',
  'console-detected',
  'lb-down',
  'response-started',
  'response-finished',
  /** A replacement response: the spare's service started, and its first healthy answer (spare-watch.ts). */
  'spare-started',
  'spare-healthy',
  'mitigated',
  'restored',
  'baseline',
  'aborted',
  'restore-failed',
]);
export type DrillMilestoneName = z.infer<typeof DrillMilestoneName>;

export const DrillMilestone = z.object({
  name: DrillMilestoneName,
  /** ms since the epoch. */
  at: z.number(),
  /** Seconds since T0 (injection); null before it. */
  sinceInjectSeconds: z.number().nullable(),
  /** Which subject (a replica, LB server "lb/backend/server"), or null. */
  subject: z.string().nullable(),
  /** Numbers measured with it (e.g. lb-down: { promisedSeconds, tookSeconds }). */
  values: z.record(z.string(), z.number()),
  /** E.g. lb-down slower than HAProxy promises. */
  flagged: z.boolean(),
  text: z.string(),
});
export type DrillMilestone = z.infer<typeof DrillMilestone>;

/** One second of the drill: its own probes through the frontend and HAProxy's backend counters. */
export const DrillSecond = z.object({
  /** Start of the second, ms since the epoch. */
  at: z.number(),
  sent: z.number().int(),
  failed: z.number().int(),
  /** p95 latency of that second's probes, null when none answered. */
  p95Ms: z.number().nullable(),
  /** Sliding-window success ratio (0..1) and whether the hypothesis held at that second. */
  windowSuccess: z.number().nullable(),
  hypothesisHeld: z.boolean().nullable(),
  /** HAProxy's backend counters' increase during the second (null when not read). */
  lb: z
    .object({ http5xx: z.number(), connectionErrors: z.number(), responseErrors: z.number(), retries: z.number(), redispatches: z.number() })
    .nullable(),
});
export type DrillSecond = z.infer<typeof DrillSecond>;

/** Derived from the milestones and samples; null when the thing did not happen. */
export const DrillDerived = z.object({
  detectSeconds: z.number().nullable(),
  /** HAProxy's own detection (lb-down − T0), and what its config promises. */
  lbDetectSeconds: z.number().nullable(),
  lbPromisedSeconds: z.number().nullable(),
  mitigateSeconds: z.number().nullable(),
  /** Injection to back-to-baseline. */
  recoverSeconds: z.number().nullable(),
  responseSeconds: z.number().nullable(),
  requestsSent: z.number().int(),
  requestsFailed: z.number().int(),
  failedRatio: z.number().nullable(),
  /** A replacement response: the spare's start → first healthy answer, versus HAProxy's rise × inter. */
  spareModelLoadSeconds: z.number().nullable(),
  riseTimesInterSeconds: z.number().nullable(),
});
export type DrillDerived = z.infer<typeof DrillDerived>;

export const DrillExpectationName = z.enum(['detectedWithin', 'mitigatedWithin', 'restoredWithin', 'maxFailedRequests']);
export type DrillExpectationName = z.infer<typeof DrillExpectationName>;

export const DrillExpectationResult = z.object({
  name: DrillExpectationName,
  /** The limit (seconds, or requests for maxFailedRequests). */
  limit: z.number(),
  /** What was measured; null: it never happened (a detection that never came fails). */
  measured: z.number().nullable(),
  passed: z.boolean(),
  text: z.string(),
});
export type DrillExpectationResult = z.infer<typeof DrillExpectationResult>;

export const DrillRunView = z.object({
  id: z.string(),
  drill: z.string(),
  plan: DrillPlan,
  seed: z.string(),
  status: DrillRunStatus,
  /** Where it was when it ended (e.g. aborted while observing); equals status while running. */
  phase: DrillRunStatus,
  reasonCode: DrillReasonCode.nullable(),
  reason: z.string().nullable(),
  trigger: DrillTrigger,
  /** The process running it (ownership row); null once it ended. */
  owner: z.string().nullable(),
  startedAt: z.number(),
  injectedAt: z.number().nullable(),
  restoredAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  milestones: z.array(DrillMilestone),
  derived: DrillDerived,
  /** Filled at the end (passed/failed); empty while running, skipped or aborted before judging. */
  expectations: z.array(DrillExpectationResult),
  seconds: z.array(DrillSecond),
  /** The runbook engine run that holds the fault (its rollback is the restore). */
  faultRunId: z.string().nullable(),
  /** The response runbook run (automatic or the operator's, linked). */
  responseRunId: z.string().nullable(),
  /** Whether an abort was asked for (by anyone, in any process) and not yet acted on. */
  abortRequested: z.boolean(),
});
export type DrillRunView = z.infer<typeof DrillRunView>;

/** One drill file as `drills.list` shows it: the file, its schedule state, the next five times, the last run. */
export const DrillSummary = z.object({
  name: z.string(),
  description: z.string(),
  /** Where it came from: a built-in, or the inventory's drills/ folder. */
  source: z.enum(['builtin', 'local']),
  file: z.string(),
  faultKind: z.string(),
  response: z.enum(['none', 'operator', 'runbook']),
  schedule: z
    .object({
      cron: z.string(),
      timeZone: z.string(),
      paused: z.boolean(),
      upcoming: z.array(UpcomingDrillRun),
      recent: z.array(DrillOccurrenceRecord),
    })
    .nullable(),
  lastRun: z
    .object({ id: z.string(), status: DrillRunStatus, startedAt: z.number(), endedAt: z.number().nullable() })
    .nullable(),
});
export type DrillSummary = z.infer<typeof DrillSummary>;

export const DrillList = z.object({
  drills: z.array(DrillSummary),
  /** Files that do not load (file:line:column messages). */
  errors: z.array(z.object({ file: z.string(), message: z.string() })),
  stopAll: z.object({ engaged: z.boolean(), since: z.number().nullable(), by: z.string().nullable() }),
});
export type DrillList = z.infer<typeof DrillList>;

const drillNameInput = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/);
const runIdInput = z.string().min(1).max(100);

/** The contract methods (spread into shared/contract.ts `methods`). */
export const drillMethods = {
  'drills.list': { input: z.strictObject({}), output: DrillList },
  /** A dry run: the plan against the fleet as it is now, with the runner's own checks added. Nothing is sent. */
  'drills.plan': { input: z.strictObject({ name: drillNameInput, seed: z.string().min(1).max(64).optional() }), output: DrillPlan },
  /**
   * Plans again and starts the drill. A refused pre-check returns the run with status `skipped`
   * and its reason (recorded and audited), not an error; CONFIRMATION_REQUIRED when a protected
   * target needs the typed word.
   */
  'drills.start': {
    input: z.strictObject({ name: drillNameInput, seed: z.string().min(1).max(64).optional(), confirm: z.string().max(200).optional() }),
    output: DrillRunView,
  },
  /** Aborts a running drill (any process's): it restores at once and ends `aborted`. */
  'drills.abort': { input: z.strictObject({ runId: runIdInput }), output: DrillRunView },
  'drills.runs': { input: z.strictObject({ drill: drillNameInput.optional(), limit: z.number().int().min(1).max(500).optional() }), output: z.array(DrillRunView) },
  'drills.run': { input: z.strictObject({ runId: runIdInput }), output: DrillRunView },
  /** Engages the stop-all switch: every running drill (in every process) aborts and restores; new ones are refused. */
  'drills.stopAll': { input: z.strictObject({}), output: z.object({ engaged: z.literal(true), aborted: z.array(z.string()) }) },
  'drills.releaseStopAll': { input: z.strictObject({}), output: z.object({ engaged: z.literal(false) }) },
  'drills.pause': { input: z.strictObject({ name: drillNameInput }), output: z.object({ name: z.string(), paused: z.literal(true) }) },
  'drills.resume': { input: z.strictObject({ name: drillNameInput }), output: z.object({ name: z.string(), paused: z.literal(false) }) },
  /** A game day: the operator's runbook run is the drill's response (its start is the response time). */
  'drills.linkResponse': { input: z.strictObject({ runId: runIdInput, runbookRunId: runIdInput }), output: DrillRunView },
} as const;

/** The push (spread into shared/contract.ts `pushEvents`): a run changed phase or gained a milestone or a second. */
export const drillPushEvents = {
  'drill.updated': DrillRunView,
} as const;
