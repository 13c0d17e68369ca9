import { queryOptions } from '@tanstack/react-query';
import { call } from '../client';

/**
 * Incidents: the list and one incident, fetched once; `incident.updated` pushes keep them current
 * (api/incident-cache.ts) — this console's changes at once, another process's within the rule's
 * cadence.
 */
export const incidentQueries = {
  all: () => ['incidents'] as const,
  list: () =>
    queryOptions({
      queryKey: [...incidentQueries.all(), 'list'] as const,
      queryFn: () => call('incidents.list', { limit: 200 }),
      staleTime: Infinity,
    }),
  one: (id: string) =>
    queryOptions({
      queryKey: [...incidentQueries.all(), 'one', id] as const,
      queryFn: () => call('incidents.get', { id }),
      staleTime: Infinity,
    }),
};

/** An incident's subjects' history over its window (this fleet's, or the bundle's for an imported one): read once, it no longer changes much. */
export const incidentHistoryQuery = (id: string) =>
  queryOptions({
    queryKey: [...incidentQueries.all(), 'history', id] as const,
    queryFn: () => call('incidents.history', { id }),
    staleTime: 60_000,
  });

/** Every incident's runs list (its key prefix): invalidated when a run changes. */
export const INCIDENT_RUNS = [...incidentQueries.all(), 'runs'] as const;

/** The runbook and drill runs during an incident on its subjects; read again when a run changes (api/push-sync.ts). */
export const incidentRunsQuery = (id: string) =>
  queryOptions({
    queryKey: [...INCIDENT_RUNS, id] as const,
    queryFn: () => call('incidents.runs', { id }),
    staleTime: Infinity,
  });

/** A subject as the inventory had it when the incident opened (the bundle's, for an imported one): it does not change. */
export const incidentSubjectQuery = (id: string, subject: string) =>
  queryOptions({
    queryKey: [...incidentQueries.all(), 'subject', id, subject] as const,
    queryFn: () => call('incidents.subject', { id, subject }),
    staleTime: Infinity,
  });
