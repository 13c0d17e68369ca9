/**
 * A runbook engine on the console's own connectors: the load balancers' runtime APIs, the SSH
 * pool and the live health verdicts of the monitor. What a runbook changes is what the console
 * watches.
 */
import { FleetError } from '../../../shared/errors';
import type { RunbookHost } from './runbook-host';
import { sshTargetFor } from '../fleet/probe-node';
import { HaproxyRuntime } from '../haproxy';
import type { LoadedInventory } from '../inventory/load-inventory';
import type { Health } from '../../../shared/health';
import { awaitedRefresh } from './awaited-refresh';
import { RunbookEngine } from './run-engine';
import type { RunUpdatedEvent } from './run-types';
import { gatedStepActions } from '../gate/gated-step-actions';
import { createStepActions } from './step-actions';

export function engineForCore(core: RunbookHost, inventoryNow: () => LoadedInventory, onEvent?: (e: RunUpdatedEvent) => void): { engine: RunbookEngine; close(): void } {
  // The journal lives in the console's store (migration 4), on the connection this process
  // coordinates with others through (its owner row and the subject locks, migration 6).
  const { db, owner, locks } = core.coordination;
  // Built per step from the inventory as it is now (one command per connection anyway), so a
  // reload that moves a load balancer's runtime API is followed.
  const runtimeFor = (name: string): HaproxyRuntime => {
    const lb = inventoryNow().loadBalancers.find((l) => l.name === name);
    if (!lb) throw new FleetError('NOT_FOUND', `no load balancer named "${name}" in the inventory`);
    return new HaproxyRuntime(
      lb.runtime.kind === 'tcp' ? { kind: 'tcp', host: lb.runtime.host, port: lb.runtime.port } : { kind: 'ssh-unix', target: sshTargetFor(lb.runtime.via), path: lb.runtime.path },
      { pool: core.pool },
    );
  };
  const actions = createStepActions({
    runtimeFor,
    lab: core.labFaults ?? undefined,
    slurm: core.slurm?.actions,
    ssh: {
      pool: core.pool,
      nodeFor: (name) => {
        const node = inventoryNow().nodes.find((n) => n.name === name);
        if (!node) throw new FleetError('NOT_FOUND', `no node named "${name}" in the inventory`);
        return node;
      },
    },
    refreshHealth: awaitedRefresh(core.services.replicas),
    healthOf: (kind, name): Health | undefined => {
      if (kind === 'node') {
        const s = core.monitor.status(name);
        return s && s.since !== null ? s.health : undefined;
      }
      const r = core.services.replicas.status(name);
      if (!r || r.since === null) return undefined;
      // A throttled replica answers, but it is not "healthy" for a runbook waiting on it.
      // A spare standing by is not serving: "unknown" until its probes say healthy.
      return r.health === 'throttled' ? 'degraded' : r.health === 'standby' ? 'unknown' : r.health;
    },
  });
  // Every step that changes something passes the change gate (read-only, its run's lock, audit).
  const engine = new RunbookEngine({ db, actions: gatedStepActions(actions, { gate: core.gate, inventory: inventoryNow, runtimeFor }), onEvent, owner, locks });
  // The connection is the core's (closed by it); the engine only gives up what it owns.
  return { engine, close: () => engine.close() };
}
