import { queryOptions } from '@tanstack/react-query';
import { call } from '../client';

/**
 * Spare capacity (shared/capacity.ts): fetched once; every `capacity.updated` push carries the
 * whole overview and replaces it (api/push-sync.ts), so it never goes stale on its own. A fetch
 * that raced a push is put right by the next push (each health change or load balancer poll that
 * moves a figure sends one).
 */
export const capacityQueries = {
  all: () => ['capacity'] as const,
  overview: () =>
    queryOptions({
      queryKey: [...capacityQueries.all(), 'overview'] as const,
      queryFn: () => call('capacity.overview', {}),
      staleTime: Infinity,
    }),
};
