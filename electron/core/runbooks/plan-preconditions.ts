import type { PlannedAction, PlannedStep } from '../../../shared/runbook';
import type { PlanContext } from './plan-context';

export interface Precondition {
  ok: boolean;
  text: string;
  overridable: boolean;
}

/** The cluster(s) a step changes: an LB server's replica's cluster, an SSH node's cluster. */
export function clustersOf(ctx: PlanContext, a: PlannedAction): string[] {
  if (a.type === 'lb.set-state' || a.type === 'lb.set-weight') {
    const c = ctx.replica(a.server)?.cluster;
    return c ? [c] : [];
  }
  if (a.type === 'ssh.run') {
    const c = ctx.node(a.node)?.cluster;
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
  return ctx.inventory.topology.regions.find((r) => r.name === ctx.target)?.clusters.map((c) => c.name) ?? [];
}

export function lockPreconditions(locks: string[], lockHolder: (subject: string) => string | null): Precondition[] {
  const held = locks.map((s) => [s, lockHolder(s)] as const).filter(([, h]) => h !== null);
  if (held.length === 0) return [{ ok: true, text: `no other run holds ${locks.join(', ')}`, overridable: false }];
  return held.map(([s, h]) => ({ ok: false, text: `${s} is held by ${h}: wait for it to finish or stop it`, overridable: false }));
}

/** Read-only refuses every step that changes something; the message names the switch and the steps. */
export function readOnlyPreconditions(ctx: PlanContext, steps: PlannedStep[], readOnly: { global: boolean; clusters: string[] }): Precondition[] {
  const mutating = steps.filter((s) => s.mutating);
  if (mutating.length === 0) return [];
  if (readOnly.global) {
    return [{ ok: false, text: `read-only mode is on (global switch): steps ${numbers(mutating)} would change things and are refused; turn read-only off to run this runbook`, overridable: false }];
  }
  const blocked = mutating.filter((s) => clustersOf(ctx, s.action).some((c) => readOnly.clusters.includes(c)));
  if (blocked.length === 0) return [{ ok: true, text: 'read-only mode is off for everything this runbook changes', overridable: false }];
  const clusters = [...new Set(blocked.flatMap((s) => clustersOf(ctx, s.action)).filter((c) => readOnly.clusters.includes(c)))];
  return [{ ok: false, text: `cluster ${clusters.join(', ')} is read-only: steps ${numbers(blocked)} would change it and are refused`, overridable: false }];
}

interface ServerState {
  ready: boolean;
  weighted: boolean;
  healthy: boolean;
}

/**
 * Simulates the plan's LB changes in order and checks that every backend it takes a server out
 * of still has one serving after each step (a transient zero is an outage too). A server starts
 * serving if its health (when known) is healthy or degraded; one the runbook sets ready counts as
 * serving, because the runbook checks that (wait.healthy / lb.wait) before relying on it.
 */
export function capacityPrecondition(ctx: PlanContext, steps: PlannedStep[], replicaHealth: ((name: string) => string) | undefined, override: { reason: string } | undefined): Precondition {
  const state = new Map<string, Map<string, ServerState>>();
  const backendOf = (lb: string, backend: string) => {
    const key = `${lb}\u0000${backend}`;
    let servers = state.get(key);
    if (!servers) {
      servers = new Map();
      const def = ctx.inventory.loadBalancers.find((l) => l.name === lb)?.backends.find((b) => b.name === backend);
      for (const s of def?.servers ?? []) {
        const h = replicaHealth?.(s);
        servers.set(s, { ready: true, weighted: true, healthy: h === undefined || h === 'healthy' || h === 'degraded' });
      }
      state.set(key, servers);
    }
    return servers;
  };
  const serving = (servers: Map<string, ServerState>) => [...servers.values()].filter((s) => s.ready && s.weighted && s.healthy).length;

  const failures: string[] = [];
  for (const step of steps) {
    const a = step.action;
    if (a.type !== 'lb.set-state' && a.type !== 'lb.set-weight') continue;
    const servers = backendOf(a.loadBalancer, a.backend);
    const server = servers.get(a.server);
    if (!server) continue;
    const before = serving(servers);
    if (a.type === 'lb.set-state') {
      server.ready = a.state === 'ready';
      if (server.ready) server.healthy = true;
    } else {
      server.weighted = a.weight > 0;
    }
    if (serving(servers) === 0 && before > 0) failures.push(`after step ${step.index + 1} no server of ${a.loadBalancer} backend ${a.backend} serves${sloNote(ctx, a.backend)}`);
  }

  if (failures.length === 0) return { ok: true, text: 'every backend this runbook changes keeps at least one serving server throughout', overridable: true };
  const text = failures.join('; ');
  const reason = override?.reason.trim();
  if (reason) return { ok: true, text: `${text}: overridden by the operator (${reason})`, overridable: true };
  return { ok: false, text: `${text}: run with an override and a reason to go ahead anyway`, overridable: true };
}

function sloNote(ctx: PlanContext, backend: string): string {
  const slo = ctx.inventory.slos.find((s) => s.service === backend);
  return slo ? ` (SLO ${slo.target}% on ${slo.service})` : '';
}

function numbers(steps: PlannedStep[]): string {
  return steps.map((s) => s.index + 1).join(', ');
}
