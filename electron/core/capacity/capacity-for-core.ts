/**
 * The capacity model's facts as FleetCore has them: the inventory, the node monitor's verdicts,
 * the replica monitor's statuses (a spare's readiness included), the load balancers' last polls
 * and the availability monitor's 24 h figures (the same adapter the runbook planner reads:
 * runbook-exec/capacity-inputs.ts), Slurm's nodes from the training feature, and the recovery
 * times the replacement drills measured (drill_runs.derived).
 */
import type Database from 'better-sqlite3';
import type { LoadBalancerStatus, ReplicaStatus, ServiceAvailability } from '../../../shared/services';
import type { Health } from '../../../shared/health';
import type { TrainingNode } from '../../../shared/training';
import type { LoadedInventory } from '../inventory/load-inventory';
import { capacityInputs } from '../runbook-exec/capacity-inputs';
import type { CapacityFacts, RecoveryRun } from './capacity-facts';

export interface CapacitySourcesForCore {
  /** The replacement drills' measured recovery times (recoveryRunsFrom(db) for a data directory). */
  recoveryRuns: () => RecoveryRun[];
  inventory: () => LoadedInventory | null;
  nodeStatus: (name: string) => { health: Health; reasons: string[] } | undefined;
  replica: (name: string) => ReplicaStatus | undefined;
  services: () => ServiceAvailability[];
  loadBalancers: () => LoadBalancerStatus[];
  trainingNodes: () => readonly TrainingNode[];
  now: () => number;
}

/** The newest replacements (drills, runs) are what the fleet does today; older ones are history. */
const RECOVERY_RUNS = 20;
const DEFAULT_SPARE_MARK = 'spare';

export function capacityFactsFor(src: CapacitySourcesForCore): () => CapacityFacts | null {
  return () => {
    const inventory = src.inventory();
    if (!inventory) return null;
    const fleet = capacityInputs({ services: src.services, loadBalancers: src.loadBalancers });
    return {
      inventory,
      schedulers: inventory.file.regions.flatMap((r) =>
        r.clusters.flatMap((c) => (c.scheduler ? [{ cluster: c.name, partition: c.scheduler.spares?.partition ?? DEFAULT_SPARE_MARK, feature: c.scheduler.spares?.feature ?? DEFAULT_SPARE_MARK }] : [])),
      ),
      nodeHealth: src.nodeStatus,
      replica: src.replica,
      ...fleet,
      trainingNodes: src.trainingNodes,
      recoveryRuns: src.recoveryRuns,
      now: src.now,
    };
  };
}

/**
 * The newest replacements' measured times from a data directory: replacement drills (their
 * derived figures) and `replace-replica` runs (from their steps' own timings: the spare's start
 * to the end of the wait for it to be healthy, and HAProxy's wait for it to be up). A run whose
 * spare was already healthy (its wait ended within half a second: a warm spare) says nothing
 * about a cold start, only about the load balancer taking it in.
 */
export function recoveryRunsFrom(db: Database.Database): RecoveryRun[] {
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null);
  const drills = db
    .prepare(`SELECT derived FROM drill_runs WHERE derived IS NOT NULL AND json_extract(derived, '$.spareModelLoadSeconds') IS NOT NULL ORDER BY started_at DESC LIMIT ?`)
    .all(RECOVERY_RUNS) as { derived: string }[];
  const fromDrills = drills.map((r) => {
    const d = JSON.parse(r.derived) as { spareModelLoadSeconds?: unknown; riseTimesInterSeconds?: unknown };
    return { spareModelLoadSeconds: num(d.spareModelLoadSeconds), riseTimesInterSeconds: num(d.riseTimesInterSeconds) };
  });
  return [...fromDrills, ...replaceRuns(db)];
}

/**
 * recoveryRunsFrom, read again only when a replacement may have ended: the capacity overview is
 * recomputed up to once a second, and its recovery figures change only when a drill run or a
 * runbook run is written (by this process or another on the same data directory) — two cheap
 * MAX/COUNT reads tell, instead of a query per run each time.
 */
export function cachedRecoveryRuns(db: Database.Database): () => RecoveryRun[] {
  const marker = db.prepare(
    `SELECT (SELECT COUNT(*) || ':' || IFNULL(MAX(updated_at), 0) FROM drill_runs) || '/' || (SELECT COUNT(*) || ':' || IFNULL(MAX(IFNULL(ended_at, started_at)), 0) FROM runbook_runs) AS m`,
  );
  let seen: string | null = null;
  let runs: RecoveryRun[] = [];
  return () => {
    const m = (marker.get() as { m: string }).m;
    if (m !== seen) {
      runs = recoveryRunsFrom(db);
      seen = m;
    }
    return runs;
  };
}

const WARM_WAIT_MS = 500;

function replaceRuns(db: Database.Database): RecoveryRun[] {
  const runs = db
    .prepare(`SELECT id, plan FROM runbook_runs WHERE runbook = 'replace-replica' AND status = 'succeeded' ORDER BY started_at DESC LIMIT ?`)
    .all(RECOVERY_RUNS) as { id: string; plan: string }[];
  const stepsOf = db.prepare(`SELECT step_index AS i, started_at AS at, duration_ms AS ms FROM runbook_run_steps WHERE run_id = ? AND status = 'succeeded'`);
  const out: RecoveryRun[] = [];
  for (const run of runs) {
    const plan = JSON.parse(run.plan) as { steps?: { index: number; action: { type: string } }[] };
    const timing = new Map((stepsOf.all(run.id) as { i: number; at: number | null; ms: number | null }[]).map((s) => [s.i, s]));
    const steps = plan.steps ?? [];
    const wait = steps.find((s) => s.action.type === 'wait.healthy');
    const start = wait ? [...steps].reverse().find((s) => s.index < wait.index && s.action.type === 'ssh.run') : undefined;
    const take = steps.find((s) => s.action.type === 'lb.wait');
    const w = wait ? timing.get(wait.index) : undefined;
    const st = start ? timing.get(start.index) : undefined;
    const t = take ? timing.get(take.index) : undefined;
    const cold = w?.at != null && w.ms != null && st?.at != null && w.ms > WARM_WAIT_MS ? (w.at + w.ms - st.at) / 1000 : null;
    const takeIn = t?.ms != null ? t.ms / 1000 : null;
    if (cold !== null || takeIn !== null) out.push({ spareModelLoadSeconds: cold, riseTimesInterSeconds: takeIn });
  }
  return out;
}
