import { queryOptions } from '@tanstack/react-query';
import { call } from '../client';

/**
 * Training clusters (shared/training.ts): fetched once; every `training.updated` push carries the
 * whole overview and replaces it (api/push-sync.ts), so it never goes stale on its own. A fetch
 * that raced a push is put right by the next push (each scheduler poll sends one).
 */
export const trainingQueries = {
  all: () => ['training'] as const,
  overview: () =>
    queryOptions({
      queryKey: [...trainingQueries.all(), 'overview'] as const,
      queryFn: () => call('training.overview', {}),
      staleTime: Infinity,
    }),
};
