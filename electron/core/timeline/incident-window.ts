/**
 * What an incident holds on the timeline: its window — from `INCIDENT_MARGIN_MS` before it
 * started to that long after it was resolved (or closed; or now, while it is open), so the signals
 * that led up to it and the recovery after are in — and, within it, the events of its affected
 * subjects, its own (the audit mirrors of what people did to it: subject = its id) and the
 * fleet-wide ones (no subject). The timeline's incident filter shows exactly that, and retention
 * keeps exactly that.
 */
import type Database from 'better-sqlite3';
import { FleetError } from '../../../shared/errors';

export const INCIDENT_MARGIN_MS = 5 * 60_000;

export interface IncidentWindow {
  id: string;
  from: number;
  /** Inclusive: the last millisecond the window holds. */
  to: number;
  /** Its affected subjects and its own id. */
  subjects: ReadonlySet<string>;
}

/** What the window needs of an incident (an IncidentView has it). */
export interface IncidentTimes {
  id: string;
  startedAt: number;
  milestones: readonly { name: string; at: number }[];
  affected: readonly { subject: string }[];
}

export function incidentWindow(view: IncidentTimes, now: number): IncidentWindow {
  const ended = view.milestones.find((m) => m.name === 'resolved')?.at ?? view.milestones.find((m) => m.name === 'closed')?.at ?? now;
  return {
    id: view.id,
    from: view.startedAt - INCIDENT_MARGIN_MS,
    to: Math.max(ended, view.startedAt) + INCIDENT_MARGIN_MS,
    subjects: new Set([...view.affected.map((a) => a.subject), view.id]),
  };
}

/**
 * One incident's window and the origin of its events (null: this console's; an imported one's:
 * its bundle's, from `incidents.origin` once migration 12 added it). Read from the incidents'
 * tables directly, as retention does, so the timeline depends on their schema and not on the
 * incident store's methods. NOT_FOUND when there is no such incident.
 */
export function incidentWindowOf(db: Database.Database, id: string, now: number): IncidentWindow & { origin: string | null } {
  const hasOrigin = db.prepare("SELECT 1 FROM pragma_table_info('incidents') WHERE name = 'origin'").get() !== undefined;
  const row = db.prepare(`SELECT started_at AS startedAt, ${hasOrigin ? 'origin' : 'NULL'} AS origin FROM incidents WHERE id = ?`).get(id) as { startedAt: number; origin: string | null } | undefined;
  if (!row) throw new FleetError('NOT_FOUND', `no incident ${id}`, { subject: id });
  const milestones = db.prepare("SELECT name, at FROM incident_milestones WHERE incident_id = ? AND name IN ('resolved', 'closed')").all(id) as Array<{ name: string; at: number }>;
  const affected = db.prepare('SELECT subject FROM incident_subjects WHERE incident_id = ?').all(id) as Array<{ subject: string }>;
  return { ...incidentWindow({ id, startedAt: row.startedAt, milestones, affected }, now), origin: row.origin };
}

/** Every incident's window, read in one go from the incidents' tables (migration 10): retention checks each old event against them. */
export function allIncidentWindows(db: Database.Database, now: number): IncidentWindow[] {
  const incidents = db
    .prepare(
      `SELECT i.id AS id, i.started_at AS startedAt,
              (SELECT at FROM incident_milestones m WHERE m.incident_id = i.id AND m.name = 'resolved') AS resolvedAt,
              (SELECT at FROM incident_milestones m WHERE m.incident_id = i.id AND m.name = 'closed') AS closedAt
       FROM incidents i`,
    )
    .all() as Array<{ id: string; startedAt: number; resolvedAt: number | null; closedAt: number | null }>;
  const subjects = new Map<string, Array<{ subject: string }>>();
  for (const row of db.prepare('SELECT incident_id AS id, subject FROM incident_subjects').all() as Array<{ id: string; subject: string }>) {
    const list = subjects.get(row.id) ?? [];
    list.push({ subject: row.subject });
    subjects.set(row.id, list);
  }
  return incidents.map((i) => {
    const milestones = [
      ...(i.resolvedAt !== null ? [{ name: 'resolved', at: i.resolvedAt }] : []),
      ...(i.closedAt !== null ? [{ name: 'closed', at: i.closedAt }] : []),
    ];
    return incidentWindow({ id: i.id, startedAt: i.startedAt, milestones, affected: subjects.get(i.id) ?? [] }, now);
  });
}

/** Whether an event is one an incident holds (see the top of this file). */
export function heldByIncident(e: { ts: number; subject: string | null }, windows: readonly IncidentWindow[]): boolean {
  return windows.some((w) => e.ts >= w.from && e.ts <= w.to && (e.subject === null || w.subjects.has(e.subject)));
}
