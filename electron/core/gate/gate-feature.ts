/**
 * The change gate's own contract methods as a feature: the load balancer buttons (preview, set
 * state, set weight, each a one-step change through the gate, recorded in `fleet_changes` of
 * migration 6) and the read-only switch. The gate itself is built by the core: runbook steps,
 * trust changes and (later) drill faults pass the same one.
 */
import type Database from 'better-sqlite3';
import type { AuditIdentity } from '../audit/identity';
import type { CoreFeature, FeatureDefinition } from '../feature';
import type { LoadedInventory } from '../inventory/load-inventory';
import type { LbMonitor } from '../services/lb-monitor';
import type { AppendEventInput } from '../store/event-log';
import type { ChangeGate } from './change-gate';
import { LbChanges } from './lb-changes';

export const GATE: FeatureDefinition = { name: 'gate', migrations: [] };

export interface GateNeeds {
  gate: ChangeGate;
  /** The load balancers' runtime APIs and their last known state. */
  loadBalancers: Pick<LbMonitor, 'runtimeFor' | 'poll' | 'status'>;
  inventory: () => LoadedInventory | null;
  /** A connection to the store holding `fleet_changes` (the one this process coordinates through). */
  db: Database.Database;
  identity: AuditIdentity;
  record: (e: AppendEventInput) => void;
  now: () => number;
}

type GateMethod = 'lb.previewChange' | 'lb.setServerState' | 'lb.setWeight' | 'settings.setReadOnly';

export function gateFeature(needs: GateNeeds): CoreFeature<GateMethod> {
  const { gate, loadBalancers } = needs;
  const lbChanges = new LbChanges({
    gate,
    runtimeFor: (lb, backend) => loadBalancers.runtimeFor(lb, backend),
    refresh: async (lb) => {
      await loadBalancers.poll(lb);
      return loadBalancers.status(lb)!;
    },
    inventory: needs.inventory,
    db: needs.db,
    identity: needs.identity,
    record: needs.record,
    now: needs.now,
  });
  return {
    ...GATE,
    handlers: {
      'settings.setReadOnly': async (setting) => gate.readOnly.set(setting),
      'lb.previewChange': ({ change, ...target }) => lbChanges.preview(target, change),
      'lb.setServerState': ({ loadBalancer, backend, server, state, confirm, revertOf }) =>
        lbChanges.apply({ loadBalancer, backend, server }, { kind: 'state', state }, { confirm, revertOf, origin: 'console' }),
      'lb.setWeight': ({ loadBalancer, backend, server, weight, confirm, revertOf }) =>
        lbChanges.apply({ loadBalancer, backend, server }, { kind: 'weight', weight }, { confirm, revertOf, origin: 'console' }),
    },
  };
}
