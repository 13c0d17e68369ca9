import { queryOptions } from '@tanstack/react-query';
import { shareEventsById } from '../cache-updates';
import { call } from '../client';

/** How many events a list loads; pushed events are prepended and the list is capped at EVENTS_CACHE_CAP. */
export const EVENTS_PAGE = 200;
export const EVENTS_CACHE_CAP = 500;

/** `list()` is the fleet-wide list, `list(name)` the list for one subject. */
export const eventQueries = {
  all: () => ['events'] as const,
  list: (subject?: string) =>
    queryOptions({
      queryKey: [...eventQueries.all(), 'list', { subject: subject ?? null }] as const,
      queryFn: () => call('events.list', subject === undefined ? { limit: EVENTS_PAGE } : { subject, limit: EVENTS_PAGE }),
      staleTime: Infinity,
      structuralSharing: shareEventsById,
    }),
};
