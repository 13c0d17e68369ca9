import { queryOptions } from '@tanstack/react-query';
import type { MethodInput } from '../../../../shared/contract';
import { call } from '../client';

/**
 * What the change gate says of one load balancer change before it is made. Always asked afresh
 * (the server's setting, read-only and locks move on their own) and dropped once no dialog shows
 * it; a reconnect's invalidation asks again while one does.
 */
export const lbQueries = {
  all: () => ['lb'] as const,
  changePreview: (input: MethodInput<'lb.previewChange'>) =>
    queryOptions({
      queryKey: [...lbQueries.all(), 'change-preview', input] as const,
      queryFn: () => call('lb.previewChange', input),
      staleTime: 0,
      gcTime: 0,
    }),
};
