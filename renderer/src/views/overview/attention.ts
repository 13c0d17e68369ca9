import type { FleetSnapshot } from '../../../../shared/contract';
import type { DrillRunView } from '../../../../shared/drill-run';
import type { RunView } from '../../../../shared/runbook';
import type { ServiceAvailability } from '../../../../shared/services';
import { formatBurnRate, formatExhaustion, sloState } from '../../model/availability-format';
import { lbHref, nodeHref, replicaHref, runHref, serviceHref, viewHref } from '../../model/route';
import { runStatusText } from '../../model/run-format';
import { compareNatural } from '../../model/intl';

/**
 * What needs attention now, worst first: the Overview's list and the command palette's
 * suggestions. One item per subject and problem, each linking to its subject's page.
 */

export type AttentionSeverity = 'critical' | 'warning' | 'notice';

export interface AttentionItem {
  /** Unique in the list: `<kind>/<name>`. */
  key: string;
  kind: 'service' | 'node' | 'replica' | 'load balancer' | 'lb server' | 'run' | 'drill';
  /** The subject as the operator names it. */
  subject: string;
  href: string;
  /** Higher is worse: the sort key (see SCORES). */
  score: number;
  severity: AttentionSeverity;
  /** A short word for the state: "unreachable", "burning 3.20×", "stopped". */
  state: string;
  /** The colour class of the state (a health, or `accent` for something merely going on). */
  tone: 'unhealthy' | 'unreachable' | 'degraded' | 'throttled' | 'unknown' | 'accent';
  /** Why, in the engine's words where it has some. */
  reason: string;
  /** Since when (epoch ms), where known. */
  since: number | null;
}

/**
 * The burn rate at which a 30-day error budget is 2 % gone in one hour (14.4 = 0.02 × 720 h):
 * the usual threshold for paging on a fast burn (Google SRE workbook, "Alerting on SLOs").
 */
export const FAST_BURN = 14.4;

/**
 * How bad each problem is, in one table. A service burning its budget fast comes first (users
 * feel it now), then a run whose rollback failed (the fleet is in a state nobody planned), then
 * nodes and replicas that are down, load balancers, slower burns, runs waiting for the
 * operator, degraded subjects, HAProxy/probe disagreements, throttling, runs under way, and
 * subjects not probed yet.
 */
export const SCORES = {
  serviceFastBurn: 100,
  /** A drill's fault may still be in place: nobody planned that state either. */
  drillRestoreFailed: 96,
  runRollbackFailed: 95,
  nodeUnreachable: 90,
  nodeUnhealthy: 85,
  replicaUnreachable: 80,
  replicaUnhealthy: 75,
  lbDown: 72,
  serviceBurning: 60,
  runWaiting: 55,
  nodeDegraded: 50,
  replicaDegraded: 45,
  lbDisagreement: 40,
  lbDegraded: 38,
  /** A drill's latest run stopped early (and restored): look at why before the next one. */
  drillAborted: 36,
  serviceMissing: 35,
  replicaThrottled: 30,
  runRollingBack: 25,
  runRunning: 20,
  notProbedYet: 10,
} as const;

export function severityOf(score: number): AttentionSeverity {
  return score >= 70 ? 'critical' : score >= 35 ? 'warning' : 'notice';
}

type Input = Pick<FleetSnapshot, 'nodes' | 'replicas' | 'services' | 'loadBalancers'> & { runs: readonly RunView[]; drills?: readonly DrillRunView[] };

function burnValue(rate: ServiceAvailability['burnRate1h']): number {
  return rate === null ? 0 : rate === 'infinite' ? Number.POSITIVE_INFINITY : rate;
}

function item(fields: Omit<AttentionItem, 'severity' | 'key'>): AttentionItem {
  return { ...fields, key: `${fields.kind}/${fields.subject}`, severity: severityOf(fields.score) };
}

function serviceItems(services: Input['services']): AttentionItem[] {
  const out: AttentionItem[] = [];
  for (const s of services) {
    const b1 = burnValue(s.burnRate1h);
    const b24 = burnValue(s.burnRate24h);
    const burn = Math.max(b1, b24);
    const text = `1 h ${formatBurnRate(s.burnRate1h)} · 24 h ${formatBurnRate(s.burnRate24h)} · ${formatExhaustion(s.exhaustionHours)}`;
    const base = { kind: 'service' as const, subject: s.service, href: serviceHref(s.service), since: null };
    if (burn > 1) {
      const fast = b1 >= FAST_BURN;
      out.push(
        item({
          ...base,
          score: fast ? SCORES.serviceFastBurn : SCORES.serviceBurning,
          state: `burning ${formatBurnRate(b1 >= b24 ? s.burnRate1h : s.burnRate24h)}`,
          tone: fast ? 'unhealthy' : 'degraded',
          reason: `error budget burn rate ${text}`,
        }),
      );
    } else if (sloState(s) === 'missing') {
      out.push(item({ ...base, score: SCORES.serviceMissing, state: 'missing its SLO', tone: 'degraded', reason: `below ${s.target}% over 30 d · ${text}` }));
    }
  }
  return out;
}

type Health = Input['nodes'][number]['health'] | Input['replicas'][number]['health'];
interface Probed {
  name: string;
  health: Health;
  reasons: readonly string[];
  since: number | null;
}

const NODE_SCORES: Partial<Record<Health, number>> = {
  unreachable: SCORES.nodeUnreachable,
  unhealthy: SCORES.nodeUnhealthy,
  degraded: SCORES.nodeDegraded,
  unknown: SCORES.notProbedYet,
};
const REPLICA_SCORES: Partial<Record<Health, number>> = {
  unreachable: SCORES.replicaUnreachable,
  unhealthy: SCORES.replicaUnhealthy,
  degraded: SCORES.replicaDegraded,
  throttled: SCORES.replicaThrottled,
  unknown: SCORES.notProbedYet,
};

/** Nodes and replicas alike: one item per subject whose health scores (healthy ones are not listed). */
function probedItems(kind: 'node' | 'replica', subjects: readonly Probed[], scores: Partial<Record<Health, number>>, href: (name: string) => string): AttentionItem[] {
  const out: AttentionItem[] = [];
  for (const s of subjects) {
    const score = scores[s.health];
    // A spare standing by (cold, or warm but unverified) is never a problem in itself (issue 13).
    if (score === undefined || s.health === 'healthy' || s.health === 'standby') continue;
    out.push(
      item({
        kind,
        subject: s.name,
        href: href(s.name),
        score,
        state: s.health,
        tone: s.health,
        reason: s.reasons[0] ?? (s.health === 'unknown' ? 'no probe result yet' : ''),
        since: s.since,
      }),
    );
  }
  return out;
}

function loadBalancerItems(loadBalancers: Input['loadBalancers']): AttentionItem[] {
  const out: AttentionItem[] = [];
  for (const lb of loadBalancers) {
    if (lb.health !== 'healthy') {
      const score = lb.health === 'unhealthy' || lb.health === 'unreachable' ? SCORES.lbDown : lb.health === 'degraded' ? SCORES.lbDegraded : SCORES.notProbedYet;
      out.push(
        item({
          kind: 'load balancer',
          subject: lb.name,
          href: lbHref(lb.name),
          score,
          state: lb.health,
          tone: lb.health,
          reason: lb.reasons[0] ?? lb.lastError?.message ?? '',
          since: lb.lastPollAt,
        }),
      );
    }
    for (const s of lb.servers) {
      if (!s.disagreement) continue;
      out.push(
        item({
          kind: 'lb server',
          subject: `${lb.name}/${s.backend}/${s.server}`,
          // The replica's drawer shows both views side by side; a server that is no replica: its load balancer.
          href: s.replica !== null ? replicaHref(s.replica) : lbHref(lb.name),
          score: SCORES.lbDisagreement,
          state: `HAProxy ${s.status}`,
          tone: 'degraded',
          reason: s.disagreement,
          since: lb.lastPollAt,
        }),
      );
    }
  }
  return out;
}

function runItems(runs: Input['runs']): AttentionItem[] {
  const out: AttentionItem[] = [];
  for (const run of runs) {
    const score =
      run.status === 'rollback-failed'
        ? SCORES.runRollbackFailed
        : run.status === 'stopped' || run.status === 'interrupted'
          ? SCORES.runWaiting
          : run.status === 'rolling-back'
            ? SCORES.runRollingBack
            : run.status === 'running'
              ? SCORES.runRunning
              : 0;
    if (score === 0) continue;
    out.push({
      ...item({
        kind: 'run',
        subject: `${run.runbook} on ${run.target}`,
        href: runHref(run.id),
        score,
        state: run.status,
        tone: run.status === 'rollback-failed' ? 'unhealthy' : run.status === 'stopped' || run.status === 'interrupted' ? 'degraded' : 'accent',
        reason: runStatusText(run),
        since: run.startedAt,
      }),
      key: `run/${run.id}`,
    });
  }
  return out;
}

/**
 * Drills: a restore that failed is an alarm until someone deals with it (rolls its fault run back
 * or runs the drill again); an aborted drill is a warning. Only each drill's latest run counts:
 * a later run that passed means it was dealt with.
 */
function drillItems(runs: Input['drills']): AttentionItem[] {
  const latest = new Map<string, DrillRunView>();
  for (const r of runs ?? []) if ((latest.get(r.drill)?.startedAt ?? -Infinity) < r.startedAt) latest.set(r.drill, r);
  const out: AttentionItem[] = [];
  for (const r of latest.values()) {
    if (r.status !== 'restore-failed' && r.status !== 'aborted') continue;
    out.push({
      ...item({
        kind: 'drill',
        subject: `drill ${r.drill}`,
        // The fault run: where its restore (rollback) can be looked at and done again.
        href: r.faultRunId ? runHref(r.faultRunId) : viewHref('drills'),
        score: r.status === 'restore-failed' ? SCORES.drillRestoreFailed : SCORES.drillAborted,
        state: r.status === 'restore-failed' ? 'restore failed' : 'aborted',
        tone: r.status === 'restore-failed' ? 'unhealthy' : 'degraded',
        reason: r.reason ?? r.status,
        since: r.endedAt ?? r.startedAt,
      }),
      key: `drill/${r.id}`,
    });
  }
  return out;
}

/**
 * Everything that needs attention, worst first (SCORES); within one score the longest-standing
 * first (it has waited longest), then by name. Healthy subjects and finished runs are not listed.
 */
export function attentionItems(input: Input): AttentionItem[] {
  const items = [
    ...serviceItems(input.services),
    ...runItems(input.runs),
    ...drillItems(input.drills),
    ...probedItems('node', input.nodes, NODE_SCORES, nodeHref),
    ...probedItems('replica', input.replicas, REPLICA_SCORES, replicaHref),
    ...loadBalancerItems(input.loadBalancers),
  ];
  return items.sort(
    (a, b) =>
      b.score - a.score ||
      (a.since ?? Number.POSITIVE_INFINITY) - (b.since ?? Number.POSITIVE_INFINITY) ||
      compareNatural(a.subject, b.subject) ||
      compareNatural(a.key, b.key),
  );
}

/** "6 nodes, 3 replicas, 1 service": what the healthy fleet consists of. */
export function fleetCounts(input: Pick<FleetSnapshot, 'nodes' | 'replicas' | 'services'>): string {
  const n = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;
  return `${n(input.nodes.length, 'node', 'nodes')}, ${n(input.replicas.length, 'replica', 'replicas')}, ${n(input.services.length, 'service', 'services')}`;
}

/** Several subjects of one kind in the same state, shown as one row (nodes not probed yet at start-up). */
export interface AttentionGroup {
  key: string;
  kind: AttentionItem['kind'];
  state: string;
  severity: AttentionSeverity;
  items: AttentionItem[];
}

export type AttentionRow = { item: AttentionItem } | { group: AttentionGroup };

/**
 * The list as shown: subjects not probed yet are one row per kind once there are more than
 * `keep` of them (a 1,000-node fleet starting up is not 1,000 rows), at the place of the first;
 * everything else one row each, in order.
 */
export function attentionRows(items: readonly AttentionItem[], keep = 3): AttentionRow[] {
  const unprobed = new Map<AttentionItem['kind'], AttentionItem[]>();
  for (const i of items) {
    if (i.score !== SCORES.notProbedYet) continue;
    const list = unprobed.get(i.kind) ?? [];
    list.push(i);
    unprobed.set(i.kind, list);
  }
  const rows: AttentionRow[] = [];
  const placed = new Set<AttentionItem['kind']>();
  for (const i of items) {
    const same = i.score === SCORES.notProbedYet ? unprobed.get(i.kind) : undefined;
    if (!same || same.length <= keep) {
      rows.push({ item: i });
      continue;
    }
    if (placed.has(i.kind)) continue;
    placed.add(i.kind);
    rows.push({ group: { key: `group/${i.kind}/${i.state}`, kind: i.kind, state: i.state, severity: i.severity, items: same } });
  }
  return rows;
}
