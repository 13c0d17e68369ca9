/**
 * Incidents as a feature: its table (migration 10), the `incidents.*` methods, and a background
 * service that turns the console's verdicts into incidents — each node.health / replica.health
 * event is a signal (incident-store.ts), and every `settleEveryMs` the rule marks incidents whose
 * subjects are all healthy again mitigated, then resolved once they stayed so for `quietMs`.
 * Every change is pushed (`incident.updated`): this console's at once, another process's (the
 * CLI, a second console) when the rule next looks at the newest incidents.
 */
import type { FleetEvent } from '../../../shared/status';
import type { PushEvent } from '../../../shared/contract';
import type { IncidentView } from '../../../shared/incident';
import type { AuditLog } from '../audit/audit-log';
import type { AuditIdentity } from '../audit/identity';
import type { BackgroundService, CoreFeature, FeatureDefinition, Push } from '../feature';
import type { LoadedInventory } from '../inventory/load-inventory';
import { realTimers, type Timers } from '../probe/scheduler';
import type Database from 'better-sqlite3';
import { incidentBundleHandlers, type IncidentBundleNeeds } from './bundle/bundle-handlers';
import { INCIDENT_BUNDLE_MIGRATION } from './bundle/incident-bundle-migration';
import { recordInventorySnapshot } from './bundle/inventory-snapshot';
import { budgetSpent } from './budget-spent';
import { BURNING, BurnWatch } from './burn-watch';
import type { AppendEventInput } from '../store/event-log';
import { INCIDENT_MIGRATION } from './incident-migration';
import { SERVICE_SUBJECTS_MIGRATION } from './service-subjects-migration';
import { INCIDENT_LINKS_MIGRATION } from './incident-links-migration';
import { BAD_HEALTH, IncidentStore, type HealthSignal } from './incident-store';

export const INCIDENTS: FeatureDefinition = { name: 'incidents', migrations: [INCIDENT_MIGRATION, INCIDENT_BUNDLE_MIGRATION, SERVICE_SUBJECTS_MIGRATION, INCIDENT_LINKS_MIGRATION] };

/** All healthy for this long: resolved by the rule (a person may resolve sooner). */
export const DEFAULT_QUIET_MS = 5 * 60_000;
export const DEFAULT_SETTLE_EVERY_MS = 10_000;
/** A drill's subjects stay the drill's for this long after it ended: the console's verdicts lag the restore. */
export const DRILL_AFTERMATH_MS = 60_000;
/** How long a replica's bad verdict waits for its load balancer's first word before it counts anyway. */
export const MAINTENANCE_WAIT_MS = 30_000;
/** How many of the newest incidents the rule compares with what it last pushed. */
const WATCHED = 50;
/** Signals kept while the store refuses them, by default; past it the oldest go, and that is said. */
export const DEFAULT_MAX_UNSTORED = 10_000;

export interface IncidentsNeeds {
  db: Database.Database;
  inventory: () => LoadedInventory | null;
  subscribe: (listener: (e: PushEvent) => void) => () => void;
  identity: AuditIdentity;
  /** What people do to incidents is audited (incident.ack, …). */
  audit: Pick<AuditLog, 'append'>;
  push: Push;
  /** The console's event log: a service starting or stopping to burn its error budget fast is an event of its own (`service.burn`). */
  record?: (e: AppendEventInput) => void;
  /**
   * Subjects a running drill holds (its targets and locks): their signals open no incident and
   * join none — the fault is the drill's, which measures and restores it.
   */
  heldByDrills?: () => ReadonlySet<string>;
  /**
   * Whether a load balancer has the replica in maintenance: taken out on purpose (a warm spare, a
   * drained replica), so it being down opens no incident. null: not known yet (no poll since the
   * console started) — the signal waits for the rule's next look (at most MAINTENANCE_WAIT_MS).
   */
  inMaintenance?: (replica: string) => boolean | null;
  now: () => number;
  timers?: Timers;
  quietMs?: number;
  settleEveryMs?: number;
  /** Health signals kept while the store refuses them (default DEFAULT_MAX_UNSTORED). */
  maxUnstoredSignals?: number;
  /** Export and import (incidents.export / incidents.import); without it they answer INTERNAL. */
  bundles?: IncidentBundleNeeds;
}

type IncidentMethod =
  | 'incidents.list'
  | 'incidents.get'
  | 'incidents.open'
  | 'incidents.ack'
  | 'incidents.resolve'
  | 'incidents.close'
  | 'incidents.note'
  | 'incidents.setMilestone'
  | 'incidents.export'
  | 'incidents.import'
  | 'incidents.history'
  | 'incidents.runs'
  | 'incidents.subject'
  | 'incidents.setSeverity'
  | 'incidents.link';

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
  const store = new IncidentStore(needs.db, needs.now, undefined, needs.audit, (view) => budgetSpent(needs.db, view, needs.inventory(), needs.now()));
  const timers = needs.timers ?? realTimers;
  const who = (by: string | undefined) => by ?? `${needs.identity.user}@${needs.identity.host}`;
  /** What was last pushed of each incident, as JSON: pushed again only when it changed. */
  const pushed = new Map<string, string>();
  const publish = (view: IncidentView): IncidentView => {
    const json = JSON.stringify(view);
    if (pushed.get(view.id) !== json) {
      pushed.set(view.id, json);
      needs.push('incident.updated', view);
    }
    return view;
  };
  let unsubscribe: (() => void) | null = null;
  let timer: unknown = null;
  /** Replica signals waiting for their load balancer's first word (inMaintenance null). */
  const waiting = new Map<string, HealthSignal>();
  const consider = (s: HealthSignal): void => {
    if (BAD_HEALTH.has(s.health)) {
      // A bad verdict inside a running drill is the drill's; recovery signals still reach open incidents.
      if (needs.heldByDrills?.().has(s.subject)) return;
      if (s.kind === 'replica') {
        const maint = needs.inMaintenance ? needs.inMaintenance(s.subject) : false;
        if (maint === true) return;
        if (maint === null && needs.now() - s.at < MAINTENANCE_WAIT_MS) {
          waiting.set(s.subject, s);
          return;
        }
      }
    }
    waiting.delete(s.subject);
    // In order behind any the store could not take yet (a recovery must not overtake its fault).
    if (unstored.length > 0) {
      queueUnstored(s);
      return;
    }
    try {
      storeSignal(s);
    } catch (err) {
      queueUnstored(s);
      reportFailure(err);
    }
  };
  const storeSignal = (s: HealthSignal): void => {
    for (const id of store.signal(s)) {
      // The fleet as it was when the incident opened (once per incident): its bundle carries it.
      recordInventorySnapshot(needs.db, id, needs.inventory(), s.at);
      publish(store.get(id));
    }
  };
  /** Signals the store refused (busy past its timeout, a disk error): stored at the rule's next looks, oldest first. */
  const unstored: HealthSignal[] = [];
  const maxUnstored = needs.maxUnstoredSignals ?? DEFAULT_MAX_UNSTORED;
  const queueUnstored = (s: HealthSignal): void => {
    unstored.push(s);
    if (unstored.length <= maxUnstored) return;
    const dropped = unstored.shift()!;
    // Said once per backlog (the store refusing writes may refuse this event too).
    if (droppedSaid) return;
    droppedSaid = true;
    try {
      needs.record?.({ ts: needs.now(), kind: 'incident.rule.failed', subject: null, severity: 'error', message: `incident rule: more than ${maxUnstored} health signals waited for the store; the oldest are dropped, from ${dropped.subject} ${dropped.health}` });
    } catch {
      // As reportFailure: nothing more to say it with.
    }
  };
  let droppedSaid = false;
  /** The last failure reported, so a store that stays unwritable is said once, not every look. */
  let failing: string | null = null;
  const reportFailure = (err: unknown): void => {
    const message = `incident rule: ${(err as Error).message}`;
    if (message === failing) return;
    failing = message;
    try {
      needs.record?.({ ts: needs.now(), kind: 'incident.rule.failed', subject: null, severity: 'error', message });
    } catch {
      // The event log shares the store that just failed: nothing more to say it with.
    }
  };
  const burns = new BurnWatch({ db: needs.db, inventory: needs.inventory, heldByDrills: needs.heldByDrills });
  const settle = () => {
    try {
      look();
      failing = null;
    } catch (err) {
      // A look that failed (the store busy past its timeout, a disk error) must not end the rule:
      // said once as an event, and the next look tries again.
      reportFailure(err);
    } finally {
      if (unsubscribe !== null) timer = timers.setTimeout(settle, needs.settleEveryMs ?? DEFAULT_SETTLE_EVERY_MS);
    }
  };
  const look = () => {
    while (unstored.length > 0) {
      storeSignal(unstored[0]!);
      unstored.shift();
    }
    droppedSaid = false;
    for (const s of [...waiting.values()]) {
      waiting.delete(s.subject);
      consider(s);
    }
    // Services whose error budget started or stopped burning fast (configurable per SLO: burn-rule.ts).
    for (const s of burns.look(needs.now())) {
      // An event when it starts or stops burning; not the first look's "all well".
      if (!(s.initial && s.health !== BURNING)) needs.record?.({ ts: s.at, kind: 'service.burn', subject: s.subject, severity: s.health === BURNING ? 'error' : 'info', message: s.reason, data: { burning: s.health === BURNING } });
      consider(s);
    }
    store.settle(needs.quietMs ?? DEFAULT_QUIET_MS);
    // The rule's changes, and any another process made since.
    for (const s of store.list({ limit: WATCHED })) publish(store.get(s.id));
  };
  const rule: BackgroundService = {
    name: 'incident rule',
    start() {
      unsubscribe = needs.subscribe((e) => {
        if (e.event !== 'event.appended') return;
        const s = signalOf(e.payload, needs.inventory());
        if (s) consider(s);
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
  const bundleHandlers = incidentBundleHandlers(needs.bundles, { db: needs.db, store, audit: needs.audit, inventory: needs.inventory, who: who(undefined), host: needs.identity.host, now: needs.now, publish });
  return {
    ...INCIDENTS,
    services: [rule],
    handlers: {
      'incidents.list': async ({ status, limit }) => store.list({ status, limit }),
      'incidents.get': async ({ id }) => store.get(id),
      'incidents.open': async ({ title, severity }) => {
        const view = store.open(title, severity, who(undefined));
        recordInventorySnapshot(needs.db, view.id, needs.inventory(), view.startedAt);
        return publish(view);
      },
      'incidents.ack': async ({ id, by }) => publish(store.acknowledge(id, who(by))),
      'incidents.resolve': async ({ id, by }) => publish(store.resolve(id, who(by))),
      'incidents.close': async ({ id, by }) => publish(store.close(id, who(by))),
      'incidents.note': async ({ id, text, by }) => publish(store.note(id, text, who(by))),
      'incidents.setSeverity': async ({ id, severity, reason, by }) => publish(store.setSeverity(id, severity, who(by), reason)),
      'incidents.setMilestone': async ({ id, name, at, by }) => publish(store.setMilestone(id, name, at, who(by))),
      'incidents.link': async ({ id, kind, runId, by }) => {
        store.link(id, kind, runId, who(by));
        return bundleHandlers['incidents.runs']({ id });
      },
      ...bundleHandlers,
    },
  };
}
