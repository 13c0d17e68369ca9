import { queryOptions } from '@tanstack/react-query';
import { shareSnapshot } from '../cache-updates';
import { call } from '../client';

/**
 * The snapshot is fetched once (and again after a reconnect or an inventory change); pushed
 * events keep it current in between, so it never goes stale on its own.
 */
export const fleetQueries = {
  all: () => ['fleet'] as const,
  snapshot: () =>
    queryOptions({
      queryKey: [...fleetQueries.all(), 'snapshot'] as const,
      queryFn: () => call('fleet.snapshot', {}),
      staleTime: Infinity,
      structuralSharing: shareSnapshot,
    }),
};
