/**
 * An incident as the model its bundle and reports are made of (incident-parts.ts): from the
 * store of a data directory for this console's own incidents; from the parts kept at import for
 * an imported one (its reports then say what the bundle said, with the notes added here since).
 */
import type Database from 'better-sqlite3';
import { FleetError } from '../../../../shared/errors';
import type { IncidentView } from '../../../../shared/incident';
import type { LoadedInventory } from '../../inventory/load-inventory';
import { incidentWindow } from '../../timeline/incident-window';
import type { IncidentStore } from '../incident-store';
import { readAuditWindow } from './audit-window';
import { HISTORY_MARGIN_MS, readHistoryWindow } from './history-window';
import { INCIDENT_PART_FORMAT, parseIncidentParts, type IncidentData } from './incident-parts';
import { incidentRunSubjects, readIncidentRuns } from './incident-runs';
import { inventoryPart } from './inventory-snapshot';
import type { BundleEvent } from './otel-log-record';

export interface LocalIncidentSources {
  /** A connection to the data directory's store (every table). */
  db: Database.Database;
  incidents: IncidentStore;
  /**
   * The incident's events, oldest first: its window on its subjects and fleet-wide ones (the
   * timeline's `incident` filter), this console's own only.
   */
  events: (incidentId: string) => BundleEvent[];
  /** The inventory loaded now (the fallback when none was recorded when the incident opened). */
  inventory: LoadedInventory | null;
  now: number;
  /** user@host. */
  exportedBy: string;
}

export function collectLocalIncident(id: string, src: LocalIncidentSources): IncidentData {
  const incident = src.incidents.get(id);
  if (incident.imported) throw new FleetError('BAD_REQUEST', `incident ${id} was imported from a bundle signed by ${incident.imported.signer}: share that bundle, or export a report of it (md, html, csv)`, { subject: id });
  // The timeline's own window (its incident filter and its retention hold the same events).
  const { from, to } = incidentWindow(incident, src.now);
  const window = { from, to };
  const subjects = incident.affected.map((a) => a.subject);
  return {
    incident: { format: INCIDENT_PART_FORMAT, incident, window, subjects, exportedAt: src.now, exportedBy: src.exportedBy },
    events: src.events(id),
    runs: readIncidentRuns(src.db, incidentRunSubjects(incident), window.from, window.to, src.now, id),
    inventory: inventoryPart(src.db, id, src.inventory),
    history: readHistoryWindow(src.db, incident.affected, window.from - HISTORY_MARGIN_MS, window.to + HISTORY_MARGIN_MS),
    audit: readAuditWindow(src.db, window.from, window.to),
  };
}

/** An imported incident from the parts kept at import (checked then), as it is here now (notes added since included). */
export function collectImportedIncident(db: Database.Database, view: IncidentView): IncidentData {
  const rows = db.prepare("SELECT name, media_type AS mediaType, content FROM incident_bundle_parts WHERE incident_id = ? AND name LIKE 'parts/%'").all(view.id) as Array<{ name: string; mediaType: string; content: Buffer }>;
  const parts = new Map(rows.map((r) => [r.name.slice('parts/'.length), r.content]));
  const data = parseIncidentParts({ parts, mediaTypes: new Map(rows.map((r) => [r.name.slice('parts/'.length), r.mediaType])) }, view.id);
  const origin = view.imported?.origin ?? null;
  return { ...data, incident: { ...data.incident, incident: view }, events: data.events.map((e) => ({ ...e, origin })) };
}
