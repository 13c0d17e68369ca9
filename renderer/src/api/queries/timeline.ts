import { infiniteQueryOptions, keepPreviousData, queryOptions } from '@tanstack/react-query';
import type { TimelineCursor, TimelineFilter } from '../../../../shared/timeline';
import { call } from '../client';

/** Rows per page: a screenful many times over, and one query of the store's (< 100 ms at 1,000,000 events). */
export const TIMELINE_PAGE = 200;

/**
 * The timeline, newest first, a page at a time as the list scrolls (keyset cursors: every page
 * costs the same however deep). Read once per filter; newer events are offered by the view (from
 * the `event.appended` pushes) rather than slipped in above the rows being read.
 */
export const timelineQueries = {
  all: () => ['timeline'] as const,
  pages: (filter: TimelineFilter) =>
    infiniteQueryOptions({
      queryKey: [...timelineQueries.all(), 'pages', filter] as const,
      queryFn: ({ pageParam }) => call('timeline.query', { filter, limit: TIMELINE_PAGE, ...(pageParam ? { after: pageParam } : {}) }),
      initialPageParam: null as TimelineCursor | null,
      getNextPageParam: (last) => last.next,
      staleTime: Infinity,
      gcTime: 60_000,
    }),
  histogram: (filter: TimelineFilter, buckets: number) =>
    queryOptions({
      queryKey: [...timelineQueries.all(), 'histogram', filter, buckets] as const,
      queryFn: () => call('timeline.histogram', { filter, buckets }),
      // The axis stays while a zoom's counts are read (no flash of nothing between two ranges).
      placeholderData: keepPreviousData,
      staleTime: Infinity,
      gcTime: 60_000,
    }),
  kinds: () =>
    queryOptions({
      queryKey: [...timelineQueries.all(), 'kinds'] as const,
      queryFn: () => call('timeline.kinds', {}),
      staleTime: 60_000,
    }),
};
