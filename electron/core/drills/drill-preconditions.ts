/**
 * What must hold before a drill injects anything (the plan's part; locks, blackouts, the
 * stop-all switch and open incidents are the runner's): every target and the service it belongs
 * to healthy — a drill measures a failure it causes, not one already there — and the runbook
 * planner's capacity check passing with the fault applied.
 */
import type { ChosenTarget, PlannedHypothesis } from '../../../shared/drill';
import type { PlannedStep } from '../../../shared/runbook';
import type { Precondition } from '../runbooks/plan-preconditions';
import { capacityPreconditions, type CapacityInputs } from '../runbooks/plan-capacity';
import type { FleetView } from '../runbooks/plan-context';
import type { DrillPlanInputs } from './drill-inputs';
import type { FaultStep } from './fault-library';
import { replicasOnNodes } from './fault-subjects';

/** One per target: it, and what it stands for (a node's replicas, a region's nodes and replicas), healthy now. */
export function targetHealthPreconditions(targets: readonly ChosenTarget[], fleet: FleetView, inputs: DrillPlanInputs): Precondition[] {
  return targets.map((t) => {
    const nodes = t.kind === 'node' ? [t.name] : t.kind === 'region' ? fleet.inventory.nodes.filter((n) => n.region === t.name).map((n) => n.name) : [];
    const replicas = t.kind === 'replica' ? [t.name] : replicasOnNodes(fleet, nodes);
    const sick = [
      ...nodes.map((n) => [`node ${n}`, inputs.nodeHealth?.(n)] as const),
      ...replicas.map((r) => [`replica ${r}`, inputs.replicaHealth?.(r)] as const),
    ].filter(([, h]) => h !== 'healthy');
    const what = t.kind === 'replica' ? `replica ${t.name}` : `${t.kind} ${t.name} (${count(nodes.length, 'node')}${replicas.length ? `, ${count(replicas.length, 'replica')}` : ''})`;
    if (sick.length === 0) return { ok: true, text: `${what} is healthy`, overridable: false };
    const list = sick.map(([s, h]) => `${s} ${h ?? 'has no verdict yet'}`).join(', ');
    return { ok: false, text: `${what} is not healthy now (${list}): a drill measures the failure it causes, not one already there`, overridable: false };
  });
}

/** The service the hypothesis watches: its load balancer answers, and every server it has in rotation is up and healthy. */
export function servicePrecondition(h: PlannedHypothesis, fleet: FleetView, inputs: DrillPlanInputs): Precondition {
  const servers = fleet.inventory.loadBalancers.find((l) => l.name === h.loadBalancer)?.backends.find((b) => b.name === h.service)?.servers ?? [];
  const readings = servers.map((s) => ({ s, now: inputs.lbServer?.(h.loadBalancer, h.service, s) ?? null }));
  const where = `service ${h.service} on ${h.loadBalancer}`;
  if (readings.every((r) => r.now === null)) {
    return { ok: false, text: `${where}: the load balancer's view of its servers is not known (is HAProxy reachable?)`, overridable: false };
  }
  const inRotation = readings.filter((r) => r.now === null || (r.now.state === 'ready' && r.now.weight > 0));
  const out = readings.filter((r) => !inRotation.includes(r)).map((r) => `${r.s} ${r.now!.weight === 0 ? 'weight 0' : r.now!.state}`);
  const bad = inRotation
    .map((r) => {
      const health = inputs.replicaHealth?.(r.s);
      if (r.now === null) return `${r.s} not reported by HAProxy`;
      if (!r.now.up) return `${r.s} DOWN on ${h.loadBalancer}`;
      return health === 'healthy' || health === 'degraded' ? null : `${r.s} ${health ?? 'has no verdict yet'}`;
    })
    .filter((x): x is string => x !== null);
  const aside = out.length ? `; out of rotation: ${out.join(', ')}` : '';
  if (inRotation.length === 0) return { ok: false, text: `${where}: no server is in rotation${aside}`, overridable: false };
  if (bad.length) return { ok: false, text: `${where} is not healthy now: ${bad.join(', ')}${aside}`, overridable: false };
  return { ok: true, text: `${where}: ${count(inRotation.length, 'server')} in rotation, all up and healthy${aside}`, overridable: false };
}

/**
 * The runbook planner's capacity check (plan-capacity.ts) on the fault applied: every replica a
 * fault step takes out of service counts as taken out of each backend it serves at that step, so
 * the text reads "after step N, … keeps M serving servers" with N the inject step.
 */
export function capacityWithFault(steps: readonly FaultStep[], fleet: FleetView, inputs: DrillPlanInputs): Precondition[] {
  const modelled: PlannedStep[] = steps.flatMap((step, index) =>
    step.outOfService.flatMap((server) =>
      fleet.placements(server).map((p) => ({
        index,
        title: step.title,
        action: { type: 'lb.set-state' as const, loadBalancer: p.lb.name, backend: p.backend, server, state: 'maint' as const, command: `set server ${p.backend}/${server} state maint` },
        undo: null,
        mutating: true,
        targets: [server],
      })),
    ),
  );
  const capacity: CapacityInputs = {
    replicaHealth: inputs.replicaHealth ? (name) => inputs.replicaHealth!(name) ?? 'unknown' : undefined,
    lbServer: inputs.lbServer
      ? (lb, backend, server) => {
          const now = inputs.lbServer!(lb, backend, server);
          return now === null ? null : { ready: now.state === 'ready', weight: now.weight, up: now.up };
        }
      : undefined,
    replicaAvailability: inputs.replicaAvailability,
    backendRate: inputs.backendRate,
  };
  // The runbook planner speaks of "the runbook"; here the change is the fault.
  return capacityPreconditions(fleet, modelled, capacity, inputs.override).map((p) => ({ ...p, text: `with the fault applied: ${p.text.replace(' after the runbook)', ' with the fault)')}` }));
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
