/**
 * runs.json: the runbook runs and drill runs that overlap an incident's window and touch its
 * subjects (a step's target, a lock, the run's target; the incident's region counts), with
 * their steps and output; each drill run with its report as `fleetops drill report --format
 * json` builds it. On import they stay a part for review: written into runbook_runs or
 * drill_runs they would be this console's runs, which its recovery would try to roll back.
 */
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { DrillRunView } from '../../../../shared/drill-run';
import type { IncidentLinkedRun, IncidentView } from '../../../../shared/incident';
import { RunView } from '../../../../shared/runbook';
import { jsonReport } from '../../drills/report/json-report';
import { reportInputFor, storeReportSource } from '../../drills/report/report-source';

export const RunsPart = z.strictObject({
  runbookRuns: z.array(RunView),
  drillRuns: z.array(z.strictObject({ run: DrillRunView, report: z.unknown() })),
});
export type RunsPart = z.infer<typeof RunsPart>;

function touches(subjects: ReadonlySet<string>, names: Iterable<string>): boolean {
  for (const n of names) if (subjects.has(n)) return true;
  return false;
}

function hasTable(db: Database.Database, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

/** Runs a person linked to the incident (migration 14), by kind: included whatever they touched and whenever they ran. */
export function linkedRunIds(db: Database.Database, incidentId: string): { runbook: Map<string, string>; drill: Map<string, string> } {
  const out = { runbook: new Map<string, string>(), drill: new Map<string, string>() };
  if (!hasTable(db, 'incident_links')) return out;
  for (const r of db.prepare('SELECT kind, run_id, linked_by FROM incident_links WHERE incident_id = ? ORDER BY linked_at').all(incidentId) as Array<{ kind: 'runbook' | 'drill'; run_id: string; linked_by: string }>) out[r.kind].set(r.run_id, r.linked_by);
  return out;
}

export function readIncidentRuns(db: Database.Database, subjects: ReadonlySet<string>, from: number, to: number, now: number, incidentId?: string): RunsPart {
  const source = storeReportSource(db);
  const overlapping = (table: string) =>
    hasTable(db, table) ? (db.prepare(`SELECT id FROM ${table} WHERE started_at < ? AND (ended_at IS NULL OR ended_at >= ?) ORDER BY started_at, id`).all(to, from) as Array<{ id: string }>).map((r) => r.id) : [];
  const linked = incidentId === undefined ? null : linkedRunIds(db, incidentId);
  const runbookIds = [...new Set([...overlapping('runbook_runs'), ...(linked?.runbook.keys() ?? [])])];
  const drillIds = [...new Set([...overlapping('drill_runs'), ...(linked?.drill.keys() ?? [])])];
  const runbookRuns = runbookIds
    .map((id) => source.runbookRun(id))
    .filter((r): r is RunView => r !== null && (linked?.runbook.has(r.id) === true || touches(subjects, [r.target, ...r.plan.locks, ...r.plan.steps.flatMap((s) => s.targets)])))
    .sort((a, b) => a.startedAt - b.startedAt);
  const drillRuns = drillIds
    .map((id) => source.run(id))
    .filter((r): r is DrillRunView => r !== null && (linked?.drill.has(r.id) === true || touches(subjects, [...r.plan.targets.map((t) => t.name), ...r.plan.locks])))
    .sort((a, b) => a.startedAt - b.startedAt)
    .map((run) => ({ run, report: JSON.parse(jsonReport(reportInputFor(source, run, now))) as unknown }));
  return { runbookRuns, drillRuns };
}

/** What runs of an incident touch to count as its: its subjects, and its region (a region drill, a region failover). */
export function incidentRunSubjects(view: Pick<IncidentView, 'affected' | 'scope'>): Set<string> {
  return new Set([...view.affected.map((a) => a.subject), ...(view.scope.startsWith('region:') ? [view.scope.slice('region:'.length)] : [])]);
}

/** The runs as the incident page lists them, oldest first; `by`: who linked which by hand. */
export function linkedRuns(runs: RunsPart, by: ReturnType<typeof linkedRunIds> | null = null): IncidentLinkedRun[] {
  return [
    ...runs.runbookRuns.map((r): IncidentLinkedRun => ({ kind: 'runbook', id: r.id, name: r.runbook, target: r.target, status: r.status, startedAt: r.startedAt, endedAt: r.endedAt ?? null, linkedBy: by?.runbook.get(r.id) ?? null })),
    ...runs.drillRuns.map(({ run }): IncidentLinkedRun => ({ kind: 'drill', id: run.id, name: run.drill, target: run.plan.targets.map((t) => t.name).join(', '), status: run.status, startedAt: run.startedAt, endedAt: run.endedAt ?? null, linkedBy: by?.drill.get(run.id) ?? null })),
  ].sort((a, b) => a.startedAt - b.startedAt);
}
