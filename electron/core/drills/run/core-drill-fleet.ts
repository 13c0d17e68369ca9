/**
 * The runner's DrillFleet on the console's live parts: drill files beside the inventory, the
 * plan against the monitors' fresh verdicts and HAProxy's own `show servers state`, the observer
 * on HAProxy's runtime API and the console's verdicts (pushed), the response through the runbook
 * service (planned, gated, audited like any run).
 */
import type { DrillFile, DrillPlan } from '../../../../shared/drill';
import { FleetError } from '../../../../shared/errors';
import type { PushEvent } from '../../../../shared/contract';
import { sshTargetFor } from '../../fleet/probe-node';
import { HaproxyRuntime } from '../../haproxy';
import type { LoadedInventory } from '../../inventory/load-inventory';
import { labDirOfInventory } from '../../lab/lab-files';
import type { Timers } from '../../probe/scheduler';
import { capacityInputs } from '../../runbook-exec/capacity-inputs';
import type { RunbookHost } from '../../runbook-exec/runbook-host';
import type { RunbookService } from '../../runbook-exec/runbook-service';
import { loadRunbooks } from '../../runbooks/load-runbooks';
import { fleetView } from '../../runbooks/plan-context';
import { affectedNodes, affectedReplicas } from '../fault-subjects';
import { readLbServers } from '../lb-reader';
import { loadDrills } from '../load-drills';
import { planDrill } from '../plan-drill';
import { createDrillObserver } from '../observe/drill-observer';
import type { ObserverHealth, OtherTraffic } from '../observe/observer-types';
import { blackoutAt, compileSchedule } from '../schedule/occurrences';
import { IncidentStore } from '../../incidents/incident-store';
import type { DrillFleet, DrillScope, FaultEngine } from './drill-runner-types';

export interface CoreDrillFleetNeeds {
  host: RunbookHost;
  inventory: () => LoadedInventory | null;
  runbooks: () => RunbookService;
  /** The fault runs' engine (same journal as every run): a linked response is read from it. */
  engine: () => FaultEngine;
  subscribe: (listener: (e: PushEvent) => void) => () => void;
  timers: Timers;
  onError?: (err: unknown) => void;
  /** The lab's traffic generator in this process, if any: counted with the drill's probes. */
  labTraffic?: OtherTraffic;
}

export function requireInventory(inventory: () => LoadedInventory | null): LoadedInventory {
  const inv = inventory();
  if (!inv) throw new FleetError('INVENTORY_NOT_LOADED', 'no inventory is loaded: drills are planned against one');
  return inv;
}

/** HAProxy's runtime API of each load balancer, as the inventory says to reach it. */
export function lbRuntimes(inv: LoadedInventory, host: Pick<RunbookHost, 'pool'>): Map<string, HaproxyRuntime> {
  return new Map(
    inv.loadBalancers.map((lb) => [
      lb.name,
      new HaproxyRuntime(lb.runtime.kind === 'tcp' ? { kind: 'tcp', host: lb.runtime.host, port: lb.runtime.port } : { kind: 'ssh-unix', target: sshTargetFor(lb.runtime.via), path: lb.runtime.path }, { pool: host.pool }),
    ]),
  );
}

export function coreDrillFleet(needs: CoreDrillFleetNeeds): DrillFleet {
  const { host } = needs;
  const healthOf = (subject: string): string | undefined => {
    const inv = needs.inventory();
    if (inv?.replicas.some((r) => r.name === subject)) {
      const r = host.services.replicas.status(subject);
      return r && r.since !== null ? r.health : undefined;
    }
    const n = host.monitor.status(subject);
    return n && n.since !== null ? n.health : undefined;
  };

  return {
    async plan(name, seed) {
      const inventory = requireInventory(needs.inventory);
      const set = await loadDrills(inventory.path);
      const loaded = set.drills.get(name);
      if (!loaded) throw new FleetError('NOT_FOUND', `no drill named "${name}" (known: ${[...set.drills.keys()].sort().join(', ')})`, { subject: name });
      const runbooks = new Map([...(await loadRunbooks(inventory.path)).runbooks].map(([k, v]) => [k, v.runbook]));
      // Against the fleet as it is now: the LBs' own view and a fresh probe of every replica.
      await Promise.all([...inventory.loadBalancers.map((l) => host.services.loadBalancers.poll(l.name)), ...inventory.replicas.map((r) => host.services.replicas.probeNow(r.name))]);
      await host.services.availability.publishNow();
      const fleet = capacityInputs({ services: () => host.services.availability.services(), loadBalancers: () => host.services.loadBalancers.statuses() });
      const plan = planDrill(loaded.drill, {
        inventory,
        labDir: labDirOfInventory(inventory.path),
        nodeHealth: (n) => host.monitor.status(n)?.health,
        replicaHealth: (r) => host.services.replicas.status(r)?.health,
        lbServer: await readLbServers(lbRuntimes(inventory, host)),
        readOnly: host.gate.readOnly.value,
        runbooks,
        seed,
        replicaAvailability: fleet.replicaAvailability,
        backendRate: fleet.backendRate,
      });
      return { plan, drill: loaded.drill };
    },

    scope(plan) {
      return scopeOf(plan, requireInventory(needs.inventory));
    },

    observer(config) {
      const inventory = requireInventory(needs.inventory);
      const watched = [...config.subjects, ...(config.watchOutside ?? [])];
      return createDrillObserver(config, {
        timers: needs.timers,
        runtimes: lbRuntimes(inventory, host),
        health: pushedHealth(watched, healthOf, needs.subscribe, needs.timers),
        onError: needs.onError,
        otherTraffic: needs.labTraffic,
      });
    },

    health: healthOf,

    async startResponse(plan) {
      const r = plan.response;
      if (r.kind !== 'runbook') throw new FleetError('BAD_REQUEST', `drill ${plan.drill} has no runbook response`);
      const service = needs.runbooks();
      const input = { runbook: r.runbook, target: r.target, params: r.params };
      // The drill was confirmed (allowProtected in its file, typed by hand): its response on the
      // same protected target is part of it, so it gives the runbook's own confirmation word.
      const { confirmation } = await service.plan(input);
      const started = await service.run({ ...input, confirm: confirmation ?? undefined });
      return { runId: started.view.id, done: started.done };
    },

    runbookRun(runId) {
      try {
        return needs.engine().get(runId);
      } catch {
        return null;
      }
    },

    replicaAnswer(replica) {
      const s = host.services.replicas.status(replica);
      if (!s) return null;
      return { node: s.node, lastHealthyAt: s.lastHealth?.ok ? s.lastHealth.at : null };
    },

    openIncident(plan) {
      const inv = requireInventory(needs.inventory);
      const scope = scopeOf(plan, inv);
      const replicas = [...scope.subjects, ...scope.outside];
      const nodes = inv.replicas.filter((r) => replicas.includes(r.name) && r.node !== null).map((r) => r.node!);
      return new IncidentStore(host.coordination.db).openOn([...new Set([...replicas, ...nodes])]);
    },

    inBlackout(drill: DrillFile, at: number) {
      return drill.schedule !== undefined && blackoutAt(compileSchedule(drill.schedule), at) !== null;
    },
  };
}

/**
 * The blast radius as the observer watches it: the targets' servers on the hypothesis's load
 * balancer, the targets' replicas and nodes, and the service's other servers (outside it).
 */
export function scopeOf(plan: DrillPlan, inventory: LoadedInventory): DrillScope {
  const fleet = fleetView(inventory);
  const replicas = affectedReplicas(plan.targets, fleet);
  const nodeFault = plan.inject.some((s) => s.action.type === 'lab.fault' && s.action.fault.on === 'node');
  const nodes = plan.targets.some((t) => t.kind !== 'replica') || nodeFault ? affectedNodes(plan.targets, fleet) : [];
  const lb = inventory.loadBalancers.find((l) => l.name === plan.hypothesis.loadBalancer);
  const servers = lb?.backends.find((b) => b.name === plan.hypothesis.service)?.servers ?? [];
  const touched = new Set([...replicas, ...nodes]);
  // A replica on a node the fault takes down is inside the radius too.
  const inside = (r: string) => touched.has(r) || (fleet.replica(r)?.node != null && touched.has(fleet.replica(r)!.node!));
  return {
    lbServers: servers.filter(inside).map((server) => ({ loadBalancer: plan.hypothesis.loadBalancer, backend: plan.hypothesis.service, server })),
    subjects: [...new Set([...replicas, ...nodes])],
    outside: servers.filter((s) => !inside(s)),
  };
}

/** The console's verdicts as the observer wants them: the current one, and each change as it is pushed. */
function pushedHealth(subjects: string[], current: (s: string) => string | undefined, subscribe: CoreDrillFleetNeeds['subscribe'], timers: Timers): ObserverHealth {
  return {
    current,
    subscribe(listener) {
      const last = new Map(subjects.map((s) => [s, current(s)]));
      return subscribe((e) => {
        if (e.event !== 'replicas.updated' && e.event !== 'nodes.updated') return;
        for (const s of subjects) {
          const h = current(s);
          if (h === undefined || h === last.get(s)) continue;
          last.set(s, h);
          listener(s, h, timers.now());
        }
      });
    },
  };
}
