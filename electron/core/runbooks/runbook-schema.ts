import { z } from 'zod';

/**
 * A runbook file's shape (see README.md in this folder). Every object is strict: a misspelt key
 * (`timeoutSecond:`) must be an error, not a step that silently waits forever. Checks that need
 * the whole file (placeholders name declared params, mutating steps have an undo, ssh.run names a
 * declared command) live in check-runbook.ts, where they can point at a line.
 */

const name = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected a lower-case name of letters, digits and "-"');
const paramName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,62}$/, 'expected a parameter name of letters, digits and "_"');

/** A string that may hold `{placeholder}`s; rendered by the planner. */
const template = z.string().min(1);
/** A number, or a `{param}` placeholder whose value is a number (checked when planning). */
const numberOrParam = (min: number, max: number) =>
  z.union([z.number().min(min).max(max), z.string().regex(/^\{[A-Za-z][A-Za-z0-9_]*\}$/, 'expected a number or a "{param}" placeholder')]);
const timeoutSeconds = numberOrParam(1, 86_400);

export const SetStateStep = z.strictObject({ server: template, state: z.enum(['ready', 'drain', 'maint']) });
export const SetWeightStep = z.strictObject({ server: template, weight: numberOrParam(0, 256) });
export const LbWaitStep = z.strictObject({ server: template, until: z.enum(['sessions-zero', 'up', 'down', 'maint']), timeoutSeconds });
export const SshRunStep = z.strictObject({
  /** Which node to run on, e.g. `{target.node}`. */
  node: template,
  /** A key of the runbook's `commands`: the only command lines a runbook can send. */
  command: paramName.or(name),
  timeoutSeconds,
});
export const WaitHealthyStep = z.strictObject({ subject: template, kind: z.enum(['node', 'replica']), timeoutSeconds });
export const VerifyTrafficStep = z.strictObject({
  /** Default: the frontend URL of each load balancer the target's servers are in. */
  url: template.optional(),
  requests: numberOrParam(1, 100_000),
  minSuccessPct: numberOrParam(0, 100),
});
export const VerifyCheckpointStep = z.strictObject({ node: template, directory: template, maxAgeSeconds: numberOrParam(1, 10_000_000) });
/** Slurm node and job changes (a training cluster's scheduler): `node` is an inventory node. */
export const SlurmDrainStep = z.strictObject({ node: template, reason: template });
export const SlurmResumeStep = z.strictObject({ node: template });
/** Requeues every job running on the node, then waits until each has left it (running elsewhere or pending). */
export const SlurmRequeueStep = z.strictObject({ node: template, timeoutSeconds });
/** Waits until no job runs on the node any more (they finished, or were requeued). */
export const SlurmWaitJobsStep = z.strictObject({ node: template, timeoutSeconds });
export const ConfirmStep = z.strictObject({});
export const NoteStep = z.strictObject({ text: template });

/** Step types that change something: read-only mode refuses them and each must declare its undo. */
export const MUTATING_STEP_TYPES = ['lb.set-state', 'lb.set-weight', 'ssh.run', 'slurm.drain', 'slurm.resume', 'slurm.requeue'] as const;
/**
 * Mutating steps nothing can undo (a requeued job has lost its run): they declare no undo, the plan
 * marks them irreversible, and a plan holding one needs the typed confirmation.
 */
export const IRREVERSIBLE_STEP_TYPES = ['slurm.requeue'] as const;
export const STEP_TYPES = [...MUTATING_STEP_TYPES, 'lb.wait', 'wait.healthy', 'verify.traffic', 'verify.checkpoint', 'slurm.wait-jobs', 'confirm', 'note'] as const;
export type StepType = (typeof STEP_TYPES)[number];

const mutatingBodies = {
  'lb.set-state': SetStateStep.optional(),
  'lb.set-weight': SetWeightStep.optional(),
  'ssh.run': SshRunStep.optional(),
  'slurm.drain': SlurmDrainStep.optional(),
  'slurm.resume': SlurmResumeStep.optional(),
};

/**
 * The weight a server had just before the step being undone (HAProxy's weight when the plan was
 * made, followed through the plan's earlier steps): an undo that puts back what was there rather
 * than a number the runbook's author guessed.
 */
export const PREVIOUS_WEIGHT = 'previous';
export const UndoSetWeightStep = z.strictObject({ server: template, weight: z.union([numberOrParam(0, 256), z.literal(PREVIOUS_WEIGHT)]) });

/** The step types an undo may be: the mutating ones that can themselves be undone. */
export const UNDO_STEP_TYPES = ['lb.set-state', 'lb.set-weight', 'ssh.run', 'slurm.drain', 'slurm.resume'] as const;

/** An undo is itself one mutating step; it is rendered with the same placeholders as its step. */
export const UndoStep = z.strictObject({ ...mutatingBodies, 'lb.set-weight': UndoSetWeightStep.optional() });
export type UndoStep = z.infer<typeof UndoStep>;

/**
 * Iteration for region runbooks: the step is repeated for every load-balancer server whose replica
 * runs in the named region, with `{server}` bound to it. The value is a template (`{target}`, `{from}`).
 */
export const ForEach = z.strictObject({ serverInRegion: template });

/** One step: exactly one step-type key (checked by the loader so it can point at the line), plus options. */
export const RunbookStep = z.strictObject({
  title: z.string().min(1).max(200).optional(),
  /** The step is in the plan only when the parameter has this value (e.g. stopService: "yes"). */
  when: z.strictObject({ param: paramName, equals: z.string() }).optional(),
  forEach: ForEach.optional(),
  undo: UndoStep.optional(),
  ...mutatingBodies,
  'slurm.requeue': SlurmRequeueStep.optional(),
  'slurm.wait-jobs': SlurmWaitJobsStep.optional(),
  'lb.wait': LbWaitStep.optional(),
  'wait.healthy': WaitHealthyStep.optional(),
  'verify.traffic': VerifyTrafficStep.optional(),
  'verify.checkpoint': VerifyCheckpointStep.optional(),
  confirm: ConfirmStep.optional(),
  note: NoteStep.optional(),
});
export type RunbookStep = z.infer<typeof RunbookStep>;

export const RunbookParam = z.strictObject({
  /**
   * `text` (default): any value matching `pattern`. `replica` / `region`: a name that must exist in
   * the inventory; a replica parameter also offers `{param.node}`.
   */
  kind: z.enum(['text', 'replica', 'region', 'node']).optional(),
  /** A JavaScript regular expression the whole value must match (it is anchored for you). */
  pattern: z.string().min(1).max(500).optional(),
  default: z.string().optional(),
  description: z.string().max(500).optional(),
});
export type RunbookParam = z.infer<typeof RunbookParam>;

export const RunbookFile = z.strictObject({
  name,
  description: z.string().min(1).max(1000),
  target: z.enum(['replica', 'region', 'node']),
  params: z.record(paramName, RunbookParam).optional(),
  /** Command templates ssh.run may send; `{param}` placeholders are validated and shell-quoted. */
  commands: z.record(paramName.or(name), z.string().min(1).max(2000)).optional(),
  onFailure: z.enum(['rollback', 'stop']),
  steps: z.array(RunbookStep).min(1).max(500),
});
export type RunbookFile = z.infer<typeof RunbookFile>;

/** The step-type key a step carries (the loader has proved there is exactly one). */
export function stepTypeOf(step: RunbookStep | UndoStep): StepType {
  const found = STEP_TYPES.find((t) => (step as Record<string, unknown>)[t] !== undefined);
  if (found === undefined) throw new Error('step without a type: the loader should have refused it');
  return found;
}

/** Parameter names a template mentions: `{spare.node}` → `spare`; `{target}` is included. */
export const PLACEHOLDER = /\{([^{}]*)\}/g;
export const PLACEHOLDER_BODY = /^([A-Za-z][A-Za-z0-9_]*)(\.node)?$/;
