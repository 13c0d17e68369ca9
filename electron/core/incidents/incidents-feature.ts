/**
 * Incidents as a feature: its table (migration 10), the `incidents.*` methods, and a background
 * service that turns the console's verdicts into incidents — each node.health / replica.health
 * event is a signal (incident-store.ts), and every `settleEveryMs` the rule marks incidents whose
 * subjects are all healthy again mitigated, then resolved once they stayed so for `quietMs`.
 */
import type { FleetEvent } from '../../../shared/status';
import type { PushEvent } from '../../../shared/contract';
import type { AuditLog } from '../audit/audit-log';
import type { AuditIdentity } from '../audit/identity';
import type { BackgroundService, CoreFeature, FeatureDefinition } from '../feature';
import type { LoadedInventory } from '../inventory/load-inventory';
import { realTimers, type Timers } from '../probe/scheduler';
import type Database from 'better-sqlite3';
import { INCIDENT_MIGRATION } from './incident-migration';
import { IncidentStore, type HealthSignal } from './incident-store';

export const INCIDENTS: FeatureDefinition = { name: 'incidents', migrations: [INCIDENT_MIGRATION] };

/** All healthy for this long: resolved by the rule (a person may resolve sooner). */
export const DEFAULT_QUIET_MS = 5 * 60_000;
export const DEFAULT_SETTLE_EVERY_MS = 10_000;

export interface IncidentsNeeds {
  db: Database.Database;
  inventory: () => LoadedInventory | null;
  subscribe: (listener: (e: PushEvent) => void) => () => void;
  identity: AuditIdentity;
  /** What people do to incidents is audited (incident.ack, …). */
  audit: Pick<AuditLog, 'append'>;
  now: () => number;
  timers?: Timers;
  quietMs?: number;
  settleEveryMs?: number;
}

type IncidentMethod = 'incidents.list' | 'incidents.get' | 'incidents.open' | 'incidents.ack' | 'incidents.resolve' | 'incidents.close' | 'incidents.note' | 'incidents.setMilestone';

/** The signal an event is, if it is a verdict change of a node or replica the inventory knows. */
export function signalOf(e: FleetEvent, inventory: LoadedInventory | null): HealthSignal | null {
  if ((e.kind !== 'node.health' && e.kind !== 'replica.health') || e.subject === null) return null;
  const to = (e.data as { to?: unknown } | undefined)?.to;
  if (typeof to !== 'string') return null;
  if (e.kind === 'node.health') {
    const node = inventory?.nodes.find((n) => n.name === e.subject);
    return { subject: e.subject, kind: 'node', health: to, at: e.ts, region: node?.region ?? null, protected: node?.protected ?? false };
  }
  const replica = inventory?.replicas.find((r) => r.name === e.subject);
  const node = replica?.node ? inventory?.nodes.find((n) => n.name === replica.node) : undefined;
  return { subject: e.subject, kind: 'replica', health: to, at: e.ts, region: replica?.region ?? node?.region ?? null, protected: node?.protected ?? false };
}

export function incidentsFeature(needs: IncidentsNeeds): CoreFeature<IncidentMethod> {
  const store = new IncidentStore(needs.db, needs.now, undefined, needs.audit);
  const timers = needs.timers ?? realTimers;
  const who = (by: string | undefined) => by ?? `${needs.identity.user}@${needs.identity.host}`;
  let unsubscribe: (() => void) | null = null;
  let timer: unknown = null;
  const settle = () => {
    store.settle(needs.quietMs ?? DEFAULT_QUIET_MS);
    timer = timers.setTimeout(settle, needs.settleEveryMs ?? DEFAULT_SETTLE_EVERY_MS);
  };
  const rule: BackgroundService = {
    name: 'incident rule',
    start() {
      unsubscribe = needs.subscribe((e) => {
        if (e.event !== 'event.appended') return;
        const s = signalOf(e.payload, needs.inventory());
        if (s) store.signal(s);
      });
      timer = timers.setTimeout(settle, needs.settleEveryMs ?? DEFAULT_SETTLE_EVERY_MS);
    },
    stop() {
      unsubscribe?.();
      unsubscribe = null;
      if (timer !== null) timers.clearTimeout(timer);
      timer = null;
    },
  };
  return {
    ...INCIDENTS,
    services: [rule],
    handlers: {
      'incidents.list': async ({ status, limit }) => store.list({ status, limit }),
      'incidents.get': async ({ id }) => store.get(id),
      'incidents.open': async ({ title, severity }) => store.open(title, severity, who(undefined)),
      'incidents.ack': async ({ id, by }) => store.acknowledge(id, who(by)),
      'incidents.resolve': async ({ id, by }) => store.resolve(id, who(by)),
      'incidents.close': async ({ id, by }) => store.close(id, who(by)),
      'incidents.note': async ({ id, text, by }) => store.note(id, text, who(by)),
      'incidents.setMilestone': async ({ id, name, at, by }) => store.setMilestone(id, name, at, who(by)),
    },
  };
}
