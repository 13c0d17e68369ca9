import { queryOptions } from '@tanstack/react-query';
import { call } from '../client';

/**
 * Incidents: the list and one incident. The rule opens and settles them in the engine on its own
 * cadence and no push carries them yet, so an open view asks again every few seconds.
 */
export const INCIDENT_REFRESH_MS = 2000;

export const incidentQueries = {
  all: () => ['incidents'] as const,
  list: () =>
    queryOptions({
      queryKey: [...incidentQueries.all(), 'list'] as const,
      queryFn: () => call('incidents.list', { limit: 200 }),
      refetchInterval: INCIDENT_REFRESH_MS,
    }),
  one: (id: string) =>
    queryOptions({
      queryKey: [...incidentQueries.all(), 'one', id] as const,
      queryFn: () => call('incidents.get', { id }),
      refetchInterval: INCIDENT_REFRESH_MS,
    }),
};
