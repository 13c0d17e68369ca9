import { z } from 'zod';
import { LabReplicaFaultKind } from './services';
import { LabFaultKind } from './status';

/**
 * Runbooks as the engine plans and runs them. A plan is fully rendered: every HAProxy command
 * and every SSH command appears exactly as it will be sent, so a dry run is the plan itself.
 */

export const StepStatus = z.enum(['pending', 'running', 'succeeded', 'failed', 'skipped', 'undoing', 'undone', 'undo-failed']);
export type StepStatus = z.infer<typeof StepStatus>;

/**
 * A fault of the built-in lab (the drills' lab faults): one of a node's (GPU lost, XID 79,
 * unreachable, …) or one of a replica's (down, 429 storm, 500s, slow answers, wrong answers).
 * Only ever sent to a fleetops lab; `lab` is its directory, so an action is never applied to
 * another lab than the one it was planned against.
 */
export const LabFaultTarget = z.discriminatedUnion('on', [
  z.object({ on: z.literal('node'), node: z.string(), kind: LabFaultKind, gpuIndex: z.number().int().min(0).max(63).optional() }),
  z.object({
    on: z.literal('replica'),
    replica: z.string(),
    kind: LabReplicaFaultKind,
    /** rate-limit: the Retry-After the replica sends. */
    retryAfterSeconds: z.number().int().min(1).max(3600).optional(),
    /** slow: how long each answer is held back. */
    slowMs: z.number().int().min(1).max(120_000).optional(),
  }),
]);
export type LabFaultTarget = z.infer<typeof LabFaultTarget>;

export const SlurmVia = z.enum(['rest', 'scontrol']);

/** One concrete action, rendered: what is sent, to where. */
export const PlannedAction = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('lb.set-state'),
    loadBalancer: z.string(),
    backend: z.string(),
    server: z.string(),
    state: z.enum(['ready', 'drain', 'maint']),
    /** The runtime API command exactly as sent. */
    command: z.string(),
  }),
  z.object({ type: z.literal('lb.set-weight'), loadBalancer: z.string(), backend: z.string(), server: z.string(), weight: z.number().int(), command: z.string() }),
  z.object({
    type: z.literal('lb.wait'),
    loadBalancer: z.string(),
    backend: z.string(),
    server: z.string(),
    until: z.enum(['sessions-zero', 'up', 'down', 'maint']),
    timeoutSeconds: z.number(),
  }),
  z.object({
    type: z.literal('ssh.run'),
    node: z.string(),
    /** The name the runbook declared the command under. */
    commandName: z.string(),
    /** The shell command line exactly as sent, parameters already validated and quoted. */
    commandLine: z.string(),
    timeoutSeconds: z.number(),
  }),
  z.object({ type: z.literal('wait.healthy'), subject: z.string(), subjectKind: z.enum(['node', 'replica']), timeoutSeconds: z.number() }),
  z.object({ type: z.literal('verify.traffic'), url: z.string(), requests: z.number().int(), minSuccessPct: z.number() }),
  z.object({ type: z.literal('verify.checkpoint'), node: z.string(), directory: z.string(), maxAgeSeconds: z.number() }),
  /**
   * Slurm changes on a training cluster's scheduler. `via` says how it is sent: the REST API where
   * the server has the endpoint (v0.0.39+), else `scontrol` over SSH on `controlVia` (Slurm 22.05's
   * v0.0.38 has no node update); `request` is exactly what is sent (the HTTP request line and body,
   * or the command line).
   */
  z.object({ type: z.literal('slurm.drain'), cluster: z.string(), node: z.string(), slurmName: z.string(), reason: z.string(), via: SlurmVia, controlVia: z.string(), request: z.string() }),
  z.object({ type: z.literal('slurm.resume'), cluster: z.string(), node: z.string(), slurmName: z.string(), via: SlurmVia, controlVia: z.string(), request: z.string() }),
  /**
   * Requeues the jobs running on the node when the step runs (`jobs`: those running when it was
   * planned), each with its start time set to now (Slurm otherwise holds a requeued job ~120 s),
   * then waits until each has left the node. Irreversible: the jobs' runs since their last
   * checkpoint are lost.
   */
  z.object({ type: z.literal('slurm.requeue'), cluster: z.string(), node: z.string(), slurmName: z.string(), jobs: z.array(z.string()), via: SlurmVia, controlVia: z.string(), request: z.string(), timeoutSeconds: z.number() }),
  /** Waits until no job runs on the node any more. */
  z.object({ type: z.literal('slurm.wait-jobs'), cluster: z.string(), node: z.string(), slurmName: z.string(), timeoutSeconds: z.number() }),
  z.object({ type: z.literal('confirm'), expect: z.string() }),
  z.object({ type: z.literal('note'), text: z.string() }),
  /** Injects a lab fault (drills against the lab); undone by lab.clear of the same fault. */
  z.object({ type: z.literal('lab.fault'), lab: z.string(), fault: LabFaultTarget }),
  /** Clears it: the node's faults of that kind, or the replica's fault. */
  z.object({ type: z.literal('lab.clear'), lab: z.string(), fault: LabFaultTarget }),
  /**
   * A drill's fault held in place: changes nothing, waits until its run is aborted (the drill's
   * restore), so the engine's rollback undoes the inject steps before it. Never in runbook files.
   */
  z.object({ type: z.literal('drill.hold'), drill: z.string(), drillRunId: z.string() }),
]);
export type PlannedAction = z.infer<typeof PlannedAction>;

export const PlannedStep = z.object({
  /** 0-based position in the run (the executor journals it); printed plans number from 1. */
  index: z.number().int(),
  /** The runbook's words for the step. */
  title: z.string(),
  action: PlannedAction,
  /** What undoes it, rendered too; null for steps that change nothing. */
  undo: PlannedAction.nullable(),
  /** Whether the step changes something (read-only mode refuses these). */
  mutating: z.boolean(),
  /** Subjects (node / replica / LB server names) the step touches: highlighted in the preview, locked while running. */
  targets: z.array(z.string()),
  /** Nothing can undo it (a requeue): the plan says so, and needs the typed confirmation. */
  irreversible: z.boolean().optional(),
});
export type PlannedStep = z.infer<typeof PlannedStep>;

export const Precondition = z.object({ ok: z.boolean(), text: z.string(), overridable: z.boolean() });

export const RunbookPlan = z.object({
  runbook: z.string(),
  target: z.string(),
  params: z.record(z.string(), z.string()),
  /** Protected clusters: the operator must type this to run. null: no typed confirmation needed. */
  confirmation: z.string().nullable(),
  onFailure: z.enum(['rollback', 'stop']),
  steps: z.array(PlannedStep),
  preconditions: z.array(Precondition),
  /** Every subject the run locks. */
  locks: z.array(z.string()),
});
export type RunbookPlan = z.infer<typeof RunbookPlan>;

export const RunStatus = z.enum(['running', 'rolling-back', 'stopped', 'interrupted', 'succeeded', 'rolled-back', 'rollback-failed']);
export type RunStatus = z.infer<typeof RunStatus>;

export const StepView = z.object({
  index: z.number().int(),
  title: z.string(),
  status: StepStatus,
  /** The action's output, then its undo's; capped (the tail is kept). */
  output: z.string(),
  error: z.string().nullable(),
  startedAt: z.number().nullable(),
  durationMs: z.number().nullable(),
});
export type StepView = z.infer<typeof StepView>;

export const RunView = z.object({
  id: z.string(),
  runbook: z.string(),
  target: z.string(),
  operator: z.object({ user: z.string(), host: z.string() }),
  status: RunStatus,
  /** Why the run was rolled back. */
  reason: z.enum(['failed', 'aborted', 'operator']).nullable(),
  /** interrupted: the step in flight when the app died (its effect is unknown). */
  interruptedStep: z.number().int().nullable(),
  /** rollback-failed: the step whose undo failed. */
  rollbackFailedStep: z.number().int().nullable(),
  startedAt: z.number(),
  endedAt: z.number().nullable(),
  steps: z.array(StepView),
  plan: RunbookPlan,
});
export type RunView = z.infer<typeof RunView>;

export const RunbookSummary = z.object({
  name: z.string(),
  description: z.string(),
  target: z.enum(['replica', 'region', 'node']),
  builtin: z.boolean(),
  params: z.array(
    z.object({
      name: z.string(),
      pattern: z.string(),
      default: z.string().nullable(),
      description: z.string().nullable(),
      /** A parameter naming a replica or a region (checked against the inventory, offered as a choice); null: free text matching `pattern`. */
      kind: z.enum(['replica', 'region', 'node']).nullable(),
    }),
  ),
});
export type RunbookSummary = z.infer<typeof RunbookSummary>;
