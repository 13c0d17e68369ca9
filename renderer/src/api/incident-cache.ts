import type { QueryClient } from '@tanstack/react-query';
import type { IncidentSummary, IncidentView } from '../../../shared/incident';
import { incidentQueries } from './queries/incidents';

/** An incident as a list row. */
export function incidentSummaryOf(v: IncidentView): IncidentSummary {
  return { id: v.id, title: v.title, severity: v.severity, status: v.status, scope: v.scope, openedBy: v.openedBy, startedAt: v.startedAt, subjects: v.affected.length };
}

/** Newest first, as the engine lists them: replaced in place, or added where it belongs. */
export function mergeIncidentIntoList(list: readonly IncidentSummary[], v: IncidentView): IncidentSummary[] {
  const row = incidentSummaryOf(v);
  const rest = list.filter((i) => i.id !== v.id);
  const at = rest.findIndex((i) => i.startedAt < row.startedAt);
  return at < 0 ? [...rest, row] : [...rest.slice(0, at), row, ...rest.slice(at)];
}

/** A pushed (or answered) incident into the cache: its page, and the list if one was fetched. */
export function applyIncident(client: QueryClient, v: IncidentView): void {
  client.setQueryData(incidentQueries.one(v.id).queryKey, v);
  client.setQueryData(incidentQueries.list().queryKey, (list) => list && mergeIncidentIntoList(list, v));
}
