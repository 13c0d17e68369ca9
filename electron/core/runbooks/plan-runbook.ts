import type { RunbookPlan } from '../../../shared/runbook';
import { resolveContext, type PlanContext, type PlanInventory, type SlurmLookup, type WeightLookup } from './plan-context';
import { capacityPreconditions, type CapacityInputs } from './plan-capacity';
import { clustersOf, lockPreconditions, readOnlyPreconditions, targetClusters } from './plan-preconditions';
import { renderSteps } from './render-steps';
import type { RunbookFile } from './runbook-schema';

/** CapacityInputs: replica health, measured availability and backend rates feed the capacity check. */
export interface PlanOptions extends CapacityInputs {
  inventory: PlanInventory;
  /** A replica's name (replica runbooks) or a region's (region runbooks). */
  target: string;
  /** `--param k=v`: validated against the runbook's declarations; defaults fill the rest. */
  params?: Record<string, string>;
  readOnly: { global: boolean; clusters: string[] };
  /** Which run holds `subject`, or null. */
  lockHolder(subject: string): string | null;
  /** HAProxy's weight for a server now, for undos that restore it (`weight: previous`); null: not known. */
  serverWeight?: WeightLookup;
  /** Each training cluster's Slurm, for slurm.* steps (the training feature's last read). */
  slurm?: SlurmLookup;
  /** Lets a failed overridable precondition (capacity) pass; the reason is kept in the plan. */
  override?: { reason: string };
}

/**
 * Resolves a runbook against the inventory into a fully rendered plan: every HAProxy command and
 * SSH command line exactly as it will be sent, the undo of each, what it locks, and whether it may
 * run (preconditions). Planning sends nothing: a dry run is this plan, printed. Unknown targets
 * and bad parameters throw FleetError (NOT_FOUND / BAD_REQUEST) naming what was wrong.
 */
export function planRunbook(runbook: RunbookFile, opts: PlanOptions): RunbookPlan {
  const ctx = resolveContext(runbook, opts.inventory, opts.target, opts.params ?? {}, opts.serverWeight, opts.slurm);
  const steps = renderSteps(ctx);

  const locks = unique([opts.target, ...steps.filter((s) => s.mutating).flatMap((s) => [...s.targets, ...(s.undo ? targetsOfUndo(s.undo) : [])])]);
  const preconditions = [
    { ok: true, text: `${runbook.target} ${opts.target} exists in the inventory${where(ctx)}`, overridable: false },
    ...lockPreconditions(locks, opts.lockHolder),
    ...readOnlyPreconditions(ctx, steps, opts.readOnly),
    ...capacityPreconditions(ctx, steps, opts, opts.override),
  ];

  return {
    runbook: runbook.name,
    target: opts.target,
    params: ctx.params,
    // An irreversible step (a requeue) asks for the same typed confirmation as a protected cluster.
    confirmation: isProtected(ctx, steps) || steps.some((s) => s.irreversible) ? opts.target : null,
    onFailure: runbook.onFailure,
    steps,
    preconditions,
    locks,
  };
}

/** Typed confirmation when the target's cluster, or any cluster a step changes, is protected. */
function isProtected(ctx: PlanContext, steps: ReturnType<typeof renderSteps>): boolean {
  const clusters = new Set([...targetClusters(ctx), ...steps.filter((s) => s.mutating).flatMap((s) => clustersOf(ctx, s.action))]);
  return ctx.inventory.nodes.some((n) => n.protected && clusters.has(n.cluster));
}

function targetsOfUndo(a: RunbookPlan['steps'][number]['action']): string[] {
  if (a.type === 'lb.set-state' || a.type === 'lb.set-weight') return [a.server];
  if (a.type === 'ssh.run' || a.type === 'slurm.drain' || a.type === 'slurm.resume') return [a.node];
  return [];
}

function where(ctx: PlanContext): string {
  if (ctx.runbook.target === 'node') {
    const n = ctx.node(ctx.target);
    return n ? ` (cluster ${n.cluster}, region ${n.region})` : '';
  }
  if (ctx.runbook.target !== 'replica') return '';
  const r = ctx.replica(ctx.target);
  return r?.node ? ` (node ${r.node}, cluster ${r.cluster})` : ' (no node: external provider)';
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}
