import type { FleetSnapshot } from '../../../shared/contract';
import type { LoadBalancerStatus, ReplicaStatus, ServiceAvailability } from '../../../shared/services';
import type { NodeSummary } from '../../../shared/status';
import { formatBurnRate } from '../model/availability-format';
import { lbHref, nodeHref, replicaHref, serviceHref } from '../model/route';
import { FAST_BURN } from '../views/overview/attention';

/**
 * What is worth a desktop notification, from the statuses the console already has: a subject
 * that turns worse. Pure (no DOM, no clock): the controller feeds it every new snapshot, it
 * answers which subjects changed level since the last one.
 *
 * Levels, as the Overview ranks them (views/overview/attention.ts):
 *   critical  node / replica unhealthy or unreachable, load balancer unhealthy or unreachable,
 *             service burning its error budget at the fast-burn rate (1 h burn ≥ FAST_BURN)
 *   warning   node / replica / load balancer degraded, replica throttled
 *   ok        healthy, a spare standing by (`standby`: cold, or warm but unverified — never a
 *             problem in itself, issue 13), or a service below the fast-burn rate
 * A subject without a verdict yet (health `unknown`, a service without traffic) has no level:
 * it keeps the one it had, and its first verdict is where it starts from — so a subject already
 * down when the page loads (or when it first appears) is not news, only a change is.
 */

export type NotifyKind = 'node' | 'replica' | 'load balancer' | 'service';
export type Level = 'ok' | 'warning' | 'critical';

const RANK: Record<Level, number> = { ok: 0, warning: 1, critical: 2 };

export function levelRank(level: Level): number {
  return RANK[level];
}

/** A subject that got worse: what a notification says about it. */
export interface Transition {
  /** `<kind>/<name>`: unique across kinds. */
  key: string;
  kind: NotifyKind;
  name: string;
  /** The failure domain, where the subject has one (nodes; replicas on a node). */
  region: string | null;
  from: Level;
  to: Level;
  /** The state as the console writes it: "unhealthy", "throttled", "burning 20.0×". */
  state: string;
  /** Why, in the engine's words where it has some. */
  reason: string;
  href: string;
}

/** What one update of the statuses changed: subjects that got worse, and those that got better (key and new level). */
export interface Changes {
  worse: Transition[];
  better: Array<{ key: string; to: Level }>;
}

interface Assessment {
  level: Level | null;
  region: string | null;
  state: string;
  reason: string;
  href: string;
}

function nodeAssessment(n: NodeSummary): Assessment {
  const level: Level | null =
    n.health === 'unhealthy' || n.health === 'unreachable' ? 'critical' : n.health === 'degraded' ? 'warning' : n.health === 'healthy' ? 'ok' : null;
  return { level, region: n.region, state: n.health, reason: n.reasons[0] ?? '', href: nodeHref(n.name) };
}

function replicaAssessment(r: ReplicaStatus): Assessment {
  const level: Level | null =
    r.health === 'unhealthy' || r.health === 'unreachable'
      ? 'critical'
      : r.health === 'degraded' || r.health === 'throttled'
        ? 'warning'
        : r.health === 'healthy' || r.health === 'standby'
          ? 'ok'
          : null;
  return { level, region: r.region, state: r.health, reason: r.reasons[0] ?? '', href: replicaHref(r.name) };
}

function lbAssessment(lb: LoadBalancerStatus): Assessment {
  const level: Level | null =
    lb.health === 'unhealthy' || lb.health === 'unreachable' ? 'critical' : lb.health === 'degraded' ? 'warning' : lb.health === 'healthy' ? 'ok' : null;
  return { level, region: null, state: lb.health, reason: lb.reasons[0] ?? lb.lastError?.message ?? '', href: lbHref(lb.name) };
}

function serviceAssessment(s: ServiceAvailability): Assessment {
  const rate = s.burnRate1h;
  const burn = rate === null ? null : rate === 'infinite' ? Number.POSITIVE_INFINITY : rate;
  return {
    // No traffic in the last hour: no verdict.
    level: burn === null ? null : burn >= FAST_BURN ? 'critical' : 'ok',
    region: null,
    state: `burning ${formatBurnRate(rate)}`,
    reason: `error budget burn rate over 1 h ${formatBurnRate(rate)} (fast burn from ${FAST_BURN}×), SLO ${s.target}%`,
    href: serviceHref(s.service),
  };
}

type Subjects = Pick<FleetSnapshot, 'nodes' | 'replicas' | 'loadBalancers' | 'services'>;

/** Method syntax on purpose: a table of one kind's items stands in for a table of unknown items. */
interface KindTable<T> {
  kind: NotifyKind;
  list(s: Subjects): readonly T[];
  name(item: T): string;
  assess(item: T): Assessment;
}

const nodeTable: KindTable<NodeSummary> = { kind: 'node', list: (s) => s.nodes, name: (n) => n.name, assess: nodeAssessment };
const replicaTable: KindTable<ReplicaStatus> = { kind: 'replica', list: (s) => s.replicas, name: (r) => r.name, assess: replicaAssessment };
const lbTable: KindTable<LoadBalancerStatus> = { kind: 'load balancer', list: (s) => s.loadBalancers, name: (lb) => lb.name, assess: lbAssessment };
const serviceTable: KindTable<ServiceAvailability> = { kind: 'service', list: (s) => s.services, name: (s) => s.service, assess: serviceAssessment };
const TABLES: readonly KindTable<unknown>[] = [nodeTable, replicaTable, lbTable, serviceTable];

interface Seen {
  /** The status object last looked at: the cache keeps the object of a subject no push touched, so it is skipped. */
  item: unknown;
  level: Level | null;
}

/**
 * Remembers each subject's level between updates. `update` costs one identity check per
 * subject that did not change (a 1,000-node push touching 60 looks at 60), plus the 60.
 */
export class TransitionDetector {
  private readonly seen = new Map<NotifyKind, Map<string, Seen>>();
  private readonly lists = new Map<NotifyKind, readonly unknown[]>();

  update(subjects: Subjects): Changes {
    const changes: Changes = { worse: [], better: [] };
    for (const table of TABLES) this.updateKind(table, subjects, changes);
    return changes;
  }

  /** The level a subject is at now (null: no verdict yet, or not known). For tests and the settings' preview. */
  levelOf(kind: NotifyKind, name: string): Level | null {
    return this.seen.get(kind)?.get(name)?.level ?? null;
  }

  private updateKind(table: KindTable<unknown>, subjects: Subjects, changes: Changes): void {
    const list = table.list(subjects);
    if (this.lists.get(table.kind) === list) return;
    this.lists.set(table.kind, list);
    let seen = this.seen.get(table.kind);
    if (!seen) this.seen.set(table.kind, (seen = new Map()));
    for (const item of list) {
      const name = table.name(item);
      const before = seen.get(name);
      if (before?.item === item) continue;
      const now = table.assess(item);
      // No verdict: keep the level it had (or none), so the next verdict is compared with the last real one.
      const level = now.level ?? before?.level ?? null;
      seen.set(name, { item, level });
      if (!before || before.level === null || now.level === null || now.level === before.level) continue;
      const key = `${table.kind}/${name}`;
      if (RANK[now.level] < RANK[before.level]) {
        changes.better.push({ key, to: now.level });
        continue;
      }
      changes.worse.push({ key, kind: table.kind, name, region: now.region, from: before.level, to: now.level, state: now.state, reason: now.reason, href: now.href });
    }
    // Gone from the inventory: forgotten, so coming back is a first verdict again.
    if (seen.size > list.length) {
      const present = new Set(list.map(table.name));
      for (const name of [...seen.keys()]) if (!present.has(name)) seen.delete(name);
    }
  }
}
