/**
 * Minutes of SLO budget an incident spent (issue 11, "shown derived"): for each service it
 * touched, the failed share of each minute's requests through its frontend (request_buckets,
 * the availability figures' own minutes) summed over started → resolved (or now), in minutes of
 * full outage — beside the 30-day budget in the same unit. An imported incident's come from its
 * bundle's incident.json (the requests themselves are not exported).
 */
import type Database from 'better-sqlite3';
import type { IncidentBudgetSpent, IncidentView } from '../../../shared/incident';
import { minuteOf } from '../availability/request-bucket';
import type { LoadedInventory } from '../inventory/load-inventory';

const MINUTES_30_DAYS = 30 * 24 * 60;

/** The SLO'd services an incident touched: the service itself, one of its replicas, or a node one of them runs on. */
function servicesOf(view: Pick<IncidentView, 'affected'>, inventory: LoadedInventory): LoadedInventory['slos'] {
  const affected = new Set(view.affected.map((a) => a.subject));
  return inventory.slos.filter((slo) => {
    if (affected.has(slo.service)) return true;
    const replicas = inventory.loadBalancers.flatMap((lb) => lb.backends.filter((b) => b.name === slo.service).flatMap((b) => b.servers));
    return replicas.some((r) => affected.has(r) || affected.has(inventory.replicas.find((x) => x.name === r)?.node ?? ''));
  });
}

export function budgetSpent(db: Database.Database, view: IncidentView, inventory: LoadedInventory | null, now: number): IncidentBudgetSpent[] | undefined {
  if (view.imported) return importedBudget(db, view.id);
  if (!inventory) return undefined;
  const end = view.milestones.find((m) => m.name === 'resolved')?.at ?? now;
  const [first, last] = [minuteOf(view.startedAt), minuteOf(end)];
  const services = servicesOf(view, inventory);
  if (services.length === 0) return [];
  // Only the incident's own minutes (the primary key's range): the rule reads every watched incident every few seconds.
  const minutesOf = db.prepare('SELECT ok, failed FROM request_buckets WHERE service = ? AND minute BETWEEN ? AND ?');
  return services.map((slo) => {
    let minutes = 0;
    for (const b of minutesOf.all(slo.service, first, last) as Array<{ ok: number; failed: number }>) {
      const total = b.ok + b.failed;
      if (total > 0) minutes += b.failed / total;
    }
    return { service: slo.service, minutes: Math.round(minutes * 100) / 100, budgetMinutes: Math.round((1 - slo.target / 100) * MINUTES_30_DAYS * 100) / 100 };
  });
}

/** What the exporting console computed, as its incident.json carries it. */
function importedBudget(db: Database.Database, id: string): IncidentBudgetSpent[] | undefined {
  const row = db.prepare("SELECT content FROM incident_bundle_parts WHERE incident_id = ? AND name = 'parts/incident.json'").get(id) as { content: Buffer } | undefined;
  if (!row) return undefined;
  const part = JSON.parse(row.content.toString('utf8')) as { incident?: { budgetSpent?: IncidentBudgetSpent[] } };
  return part.incident?.budgetSpent;
}
