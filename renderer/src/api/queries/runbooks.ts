import { queryOptions } from '@tanstack/react-query';
import { call } from '../client';

/** The runbooks the engine loaded (built-in and the inventory's own); they change only with the inventory. */
export const runbookQueries = {
  all: () => ['runbooks'] as const,
  list: () =>
    queryOptions({
      queryKey: [...runbookQueries.all(), 'list'] as const,
      queryFn: () => call('runbooks.list', {}),
      staleTime: Infinity,
    }),
};

/** Run history with outputs; `run.updated` pushes keep it current, so it never goes stale on its own. */
export const runQueries = {
  all: () => ['runs'] as const,
  list: () =>
    queryOptions({
      queryKey: [...runQueries.all(), 'list'] as const,
      queryFn: () => call('runs.list', {}),
      staleTime: Infinity,
    }),
};
