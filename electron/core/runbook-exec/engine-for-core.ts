/**
 * A runbook engine on the console's own connectors: the load balancers' runtime APIs, the SSH
 * pool and the live health verdicts of the monitor. What a runbook changes is what the console
 * watches.
 */
import Database from 'better-sqlite3';
import { FleetError } from '../../../shared/errors';
import type { FleetCore } from '../fleet/core';
import { sshTargetFor } from '../fleet/probe-node';
import { HaproxyRuntime } from '../haproxy';
import type { LoadedInventory } from '../inventory/load-inventory';
import type { Health } from '../../../shared/health';
import { awaitedRefresh } from './awaited-refresh';
import { RunbookEngine } from './run-engine';
import type { RunUpdatedEvent } from './run-types';
import { createStepActions } from './step-actions';

export function engineForCore(core: FleetCore, inventoryNow: () => LoadedInventory, onEvent?: (e: RunUpdatedEvent) => void): { engine: RunbookEngine; close(): void } {
  // The journal lives in the console's store (migration 4); the engine keeps its own connection (WAL).
  const db = new Database(core.store.path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  const actions = createStepActions({
    // Built per step from the inventory as it is now (one command per connection anyway), so a
    // reload that moves a load balancer's runtime API is followed.
    runtimeFor: (name) => {
      const lb = inventoryNow().loadBalancers.find((l) => l.name === name);
      if (!lb) throw new FleetError('NOT_FOUND', `no load balancer named "${name}" in the inventory`);
      return new HaproxyRuntime(
        lb.runtime.kind === 'tcp' ? { kind: 'tcp', host: lb.runtime.host, port: lb.runtime.port } : { kind: 'ssh-unix', target: sshTargetFor(lb.runtime.via), path: lb.runtime.path },
        { pool: core.pool },
      );
    },
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
      return r.health === 'throttled' ? 'degraded' : r.health;
    },
  });
  const engine = new RunbookEngine({ db, actions, onEvent });
  return { engine, close: () => db.close() };
}
