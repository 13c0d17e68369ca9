import { queryOptions } from '@tanstack/react-query';
import { call } from '../client';

/** One node as `node.get` returns it; `nodes.updated` pushes replace cached entries. */
export const nodeQueries = {
  all: () => ['node'] as const,
  detail: (name: string) =>
    queryOptions({
      queryKey: [...nodeQueries.all(), name] as const,
      queryFn: () => call('node.get', { name }),
      staleTime: Infinity,
    }),
};
