/**
 * `drills.list`: every drill file (built-in and beside the inventory) with its schedule — paused
 * or not, the next five times (each with the blackout that will stop it), the latest occurrences
 * — and its last run; files that do not load are listed with their file:line:column message.
 */
import type { DrillFile } from '../../../../shared/drill';
import type { DrillList, DrillSummary } from '../../../../shared/drill-run';
import { toErrorData } from '../../../../shared/errors';
import type { LoadedInventory } from '../../inventory/load-inventory';
import { fleetView } from '../../runbooks/plan-context';
import { loadDrills, type LoadedDrill } from '../load-drills';
import type { DrillScheduler, ScheduledDrill } from '../schedule/scheduler';
import type { DrillRunStore } from './drill-run-store';

/**
 * The service a drill works on, without planning it (the scheduler's "one drill per service"):
 * the hypothesis's, else the group's, else the backend the named target's replicas serve.
 */
export function serviceOfDrill(drill: DrillFile, inventory: LoadedInventory): string {
  if (drill.hypothesis.service) return drill.hypothesis.service;
  if (drill.targets.replicasOf) return drill.targets.replicasOf;
  const fleet = fleetView(inventory);
  const t = drill.targets;
  const replicas = inventory.replicas.filter((r) => r.name === t.replica || (t.node !== undefined && r.node === t.node) || (t.region !== undefined && r.region === t.region) || (t.nodesOf !== undefined && r.node !== null && inventory.nodes.some((n) => n.name === r.node && (n.cluster === t.nodesOf!.cluster || n.region === t.nodesOf!.region))));
  const backend = replicas.flatMap((r) => fleet.placements(r.name).map((p) => p.backend))[0];
  return backend ?? drill.name;
}

export function scheduledDrills(drills: Iterable<LoadedDrill>, inventory: LoadedInventory): ScheduledDrill[] {
  return [...drills].filter((d) => d.drill.schedule !== undefined).map((d) => ({ name: d.drill.name, service: serviceOfDrill(d.drill, inventory), schedule: d.drill.schedule! }));
}

export async function listDrills(inventory: LoadedInventory | null, scheduler: DrillScheduler, store: DrillRunStore): Promise<DrillList> {
  const s = scheduler.stopAll.state();
  const stopAll = { engaged: s.engaged, since: s.engaged ? s.changedAt : null, by: s.engaged ? s.changedBy : null };
  if (!inventory) return { drills: [], errors: [{ file: '', message: 'no inventory is loaded: drills are read from beside it' }], stopAll };
  let loaded: Map<string, LoadedDrill>;
  try {
    loaded = (await loadDrills(inventory.path)).drills;
  } catch (err) {
    const e = toErrorData(err);
    return { drills: [], errors: [{ file: e.subject ?? '', message: e.message }], stopAll };
  }
  const drills = [...loaded.values()]
    .sort((a, b) => a.drill.name.localeCompare(b.drill.name))
    .map((d): DrillSummary => {
      const f = d.drill;
      const last = store.list({ drill: f.name, limit: 1 })[0];
      let schedule: DrillSummary['schedule'] = null;
      if (f.schedule) {
        try {
          const up = scheduler.upcoming(f.name, 5);
          schedule = { cron: f.schedule.cron, timeZone: f.schedule.timeZone, paused: up.paused, upcoming: up.runs, recent: scheduler.history(f.name, 10) };
        } catch {
          // Not (yet) given to the scheduler: shown without its times rather than not at all.
          schedule = { cron: f.schedule.cron, timeZone: f.schedule.timeZone, paused: f.schedule.paused ?? false, upcoming: [], recent: [] };
        }
      }
      return {
        name: f.name,
        description: f.description,
        source: d.builtin ? 'builtin' : 'local',
        file: d.path,
        faultKind: f.fault.kind,
        response: typeof f.response === 'string' ? f.response : 'runbook',
        schedule,
        lastRun: last ? { id: last.id, status: last.status, startedAt: last.startedAt, endedAt: last.endedAt } : null,
      };
    });
  return { drills, errors: [], stopAll };
}
