import type { PlannedAction, PlannedStep } from '../../../shared/runbook';
import type { FleetView, PlanContext } from './plan-context';

export interface Precondition {
  ok: boolean;
  text: string;
  overridable: boolean;
}

/** The cluster(s) a step changes: an LB server's replica's cluster, an SSH node's cluster. */
export function clustersOf(ctx: FleetView, a: PlannedAction): string[] {
  if (a.type === 'lb.set-state' || a.type === 'lb.set-weight') {
    const c = ctx.replica(a.server)?.cluster;
    return c ? [c] : [];
  }
  if (a.type === 'ssh.run') {
    const c = ctx.node(a.node)?.cluster;
    return c ? [c] : [];
  }
  if (a.type === 'slurm.drain' || a.type === 'slurm.resume' || a.type === 'slurm.requeue') return [a.cluster];
  if (a.type === 'lab.fault' || a.type === 'lab.clear') {
    const c = a.fault.on === 'node' ? ctx.node(a.fault.node)?.cluster : ctx.replica(a.fault.replica)?.cluster;
    return c ? [c] : [];
  }
  return [];
}

/** Clusters the target belongs to: a replica's node's cluster, or every cluster of a region. */
export function targetClusters(ctx: PlanContext): string[] {
  if (ctx.runbook.target === 'replica') {
    const c = ctx.replica(ctx.target)?.cluster;
    return c ? [c] : [];
  }
  if (ctx.runbook.target === 'node') {
    const c = ctx.node(ctx.target)?.cluster;
    return c ? [c] : [];
  }
  return ctx.inventory.topology.regions.find((r) => r.name === ctx.target)?.clusters.map((c) => c.name) ?? [];
}

export function lockPreconditions(locks: string[], lockHolder: (subject: string) => string | null): Precondition[] {
  const held = locks.map((s) => [s, lockHolder(s)] as const).filter(([, h]) => h !== null);
  if (held.length === 0) return [{ ok: true, text: `no other run holds ${locks.join(', ')}`, overridable: false }];
  return held.map(([s, h]) => ({ ok: false, text: `${s} is held by ${h}: wait for it to finish or stop it`, overridable: false }));
}

/** Read-only refuses every step that changes something; the message names the switch and the steps. */
export function readOnlyPreconditions(ctx: FleetView, steps: PlannedStep[], readOnly: { global: boolean; clusters: string[] }, what: 'runbook' | 'drill' = 'runbook'): Precondition[] {
  const mutating = steps.filter((s) => s.mutating);
  if (mutating.length === 0) return [];
  if (readOnly.global) {
    return [{ ok: false, text: `read-only mode is on (global switch): steps ${numbers(mutating)} would change things and are refused; turn read-only off to run this ${what}`, overridable: false }];
  }
  const blocked = mutating.filter((s) => clustersOf(ctx, s.action).some((c) => readOnly.clusters.includes(c)));
  if (blocked.length === 0) return [{ ok: true, text: `read-only mode is off for everything this ${what} changes`, overridable: false }];
  const clusters = [...new Set(blocked.flatMap((s) => clustersOf(ctx, s.action)).filter((c) => readOnly.clusters.includes(c)))];
  return [{ ok: false, text: `cluster ${clusters.join(', ')} is read-only: steps ${numbers(blocked)} would change it and are refused`, overridable: false }];
}

function numbers(steps: PlannedStep[]): string {
  return steps.map((s) => s.index + 1).join(', ');
}
